#include "ParquetPageHeader.h"

#include "ParquetThriftReader.h"

namespace runlens {

namespace {

using Reader = ParquetThriftReader;

int32_t toInt32(int64_t v) {
    return v < INT32_MIN || v > INT32_MAX ? -1 : int32_t(v);
}

template <typename Field>
void readStruct(Reader& r, uint8_t type, Field field) {
    if (type != Reader::kStruct) return r.skip(type);
    r.beginStruct();
    int16_t id = 0;
    uint8_t t = 0;
    while (r.nextField(id, t))
        if (!field(id, t)) r.skip(t);
    r.endStruct();
}

}  // namespace

bool ParquetPageHeader::parse(const char* data, size_t size, ParquetPageHeader& out,
                              size_t& headerSize, QString* error) {
    out = {};
    Reader r(data, size);
    auto encoding = [&](uint8_t t) { return ParquetEncoding(toInt32(r.readInt(t))); };
    readStruct(r, Reader::kStruct, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                return out.type = ParquetPageType(toInt32(r.readInt(t))), true;
            case 2:
                return out.uncompressedSize = toInt32(r.readInt(t)), true;
            case 3:
                return out.compressedSize = toInt32(r.readInt(t)), true;
            case 5:  // DataPageHeader{1 num_values, 2 encoding, 3 def encoding, 4 rep encoding}
                readStruct(r, t, [&](int16_t f, uint8_t ft) {
                    if (f == 1) return out.numValues = toInt32(r.readInt(ft)), true;
                    if (f == 2) return out.encoding = encoding(ft), true;
                    if (f == 3) return out.definitionLevelEncoding = encoding(ft), true;
                    if (f == 4) return out.repetitionLevelEncoding = encoding(ft), true;
                    return false;
                });
                return true;
            case 7:  // DictionaryPageHeader{1 num_values, 2 encoding}
                readStruct(r, t, [&](int16_t f, uint8_t ft) {
                    if (f == 1) return out.numValues = toInt32(r.readInt(ft)), true;
                    if (f == 2) return out.encoding = encoding(ft), true;
                    return false;
                });
                return true;
            case 8:  // DataPageHeaderV2{1 num_values, 2 num_nulls, 4 encoding, 5/6 level
                     // lengths, 7 is_compressed}
                readStruct(r, t, [&](int16_t f, uint8_t ft) {
                    switch (f) {
                        case 1:
                            return out.numValues = toInt32(r.readInt(ft)), true;
                        case 2:
                            return out.numNulls = toInt32(r.readInt(ft)), true;
                        case 4:
                            return out.encoding = encoding(ft), true;
                        case 5:
                            return out.definitionLevelsLength = toInt32(r.readInt(ft)), true;
                        case 6:
                            return out.repetitionLevelsLength = toInt32(r.readInt(ft)), true;
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
