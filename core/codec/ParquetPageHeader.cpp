#include "ParquetPageHeader.h"

#include "ParquetThriftReader.h"

namespace runlens {


bool ParquetPageHeader::parse(const char* data, size_t size, ParquetPageHeader& out,
                              size_t& headerSize, QString* error) {
    out = {};
    ParquetThriftReader r(data, size);
    auto encoding = [&](uint8_t t) { return ParquetEncoding(r.readInt32(t)); };
    r.readStruct([&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                return out.type = ParquetPageType(r.readInt32(t)), true;
            case 2:
                return out.uncompressedSize = r.readInt32(t), true;
            case 3:
                return out.compressedSize = r.readInt32(t), true;
            case 5:  // DataPageHeader{1 num_values, 2 encoding, 3 def encoding, 4 rep encoding}
                r.readStructField(t, [&](int16_t f, uint8_t ft) {
                    if (f == 1) return out.numValues = r.readInt32(ft), true;
                    if (f == 2) return out.encoding = encoding(ft), true;
                    if (f == 3) return out.definitionLevelEncoding = encoding(ft), true;
                    if (f == 4) return out.repetitionLevelEncoding = encoding(ft), true;
                    return false;
                });
                return true;
            case 7:  // DictionaryPageHeader{1 num_values, 2 encoding}
                r.readStructField(t, [&](int16_t f, uint8_t ft) {
                    if (f == 1) return out.numValues = r.readInt32(ft), true;
                    if (f == 2) return out.encoding = encoding(ft), true;
                    return false;
                });
                return true;
            case 8:  // DataPageHeaderV2{1 num_values, 2 num_nulls, 4 encoding, 5/6 level
                     // lengths, 7 is_compressed}
                r.readStructField(t, [&](int16_t f, uint8_t ft) {
                    switch (f) {
                        case 1:
                            return out.numValues = r.readInt32(ft), true;
                        case 2:
                            return out.numNulls = r.readInt32(ft), true;
                        case 4:
                            return out.encoding = encoding(ft), true;
                        case 5:
                            return out.definitionLevelsLength = r.readInt32(ft), true;
                        case 6:
                            return out.repetitionLevelsLength = r.readInt32(ft), true;
                        case 7:
                            return out.valuesCompressed = r.readBool(ft), true;
                        default:
                            return false;
                    }
                });
                return true;
            default:
                return false;
        }
    });
    headerSize = r.position();
    if (!r.ok()) {
        if (error)
            *error = QString(r.error()).replace(QStringLiteral("its metadata"),
                                                QStringLiteral("a page header"));
        return false;
    }
    if (out.compressedSize < 0 || out.uncompressedSize < 0) {
        if (error) *error = QStringLiteral("a page header has no valid sizes");
        return false;
    }
    return true;
}

}  // namespace runlens
