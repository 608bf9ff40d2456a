#include "ParquetMetadata.h"

#include "ParquetThriftReader.h"

namespace runlens {

namespace {

using Reader = ParquetThriftReader;

template <typename Item>
void readList(Reader& r, uint8_t type, Item item) {
    uint8_t element = 0;
    uint32_t count = 0;
    if (!r.beginList(type, element, count)) return;
    for (uint32_t i = 0; i < count && r.ok(); ++i)
        item(element);
}

// TimeUnit union: MILLIS=1, MICROS=2, NANOS=3 (empty structs).
ParquetTimeUnit readTimeUnit(Reader& r, uint8_t type) {
    ParquetTimeUnit unit = ParquetTimeUnit::None;
    r.readStructField(type, [&](int16_t id, uint8_t t) {
        if (id >= 1 && id <= 3 && t == Reader::kStruct) unit = ParquetTimeUnit(id);
        return false;  // the member's empty struct is skipped
    });
    return unit;
}

void readLogicalType(Reader& r, uint8_t type, ParquetMetadata::SchemaElement& e) {
    r.readStructField(type, [&](int16_t member, uint8_t t) {
        if (t != Reader::kStruct) return false;
        e.logicalType = ParquetLogicalType(member);
        if (member == int16_t(ParquetLogicalType::Decimal)) {  // DecimalType{1 scale, 2 precision}
            r.readStruct([&](int16_t id, uint8_t ft) {
                if (id == 1) return e.logicalScale = r.readInt32(ft), true;
                if (id == 2) return e.logicalPrecision = r.readInt32(ft), true;
                return false;
            });
            return true;
        }
        if (member == int16_t(ParquetLogicalType::Timestamp) ||
            member == int16_t(ParquetLogicalType::Time)) {  // {1 isAdjustedToUTC, 2 unit}
            r.readStruct([&](int16_t id, uint8_t ft) {
                if (id == 1) return e.logicalUtc = r.readBool(ft), true;
                if (id == 2) return e.logicalUnit = readTimeUnit(r, ft), true;
                return false;
            });
            return true;
        }
        return false;  // the other members' parameters are not needed
    });
}

void readSchemaElement(Reader& r, ParquetMetadata::SchemaElement& e) {
    r.readStruct([&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                return e.type = r.readInt32(t), true;
            case 2:
                return e.typeLength = r.readInt32(t), true;
            case 3:
                return e.repetition = r.readInt32(t), true;
            case 4:
                return e.name = std::string(r.readBinary(t)), true;
            case 5:
                return e.numChildren = r.readInt32(t), true;
            case 6:
                return e.convertedType = ParquetConvertedType(r.readInt32(t)), true;
            case 7:
                return e.scale = r.readInt32(t), true;
            case 8:
                return e.precision = r.readInt32(t), true;
            case 10:
                return readLogicalType(r, t, e), true;
            default:
                return false;
        }
    });
}

void readStatistics(Reader& r, uint8_t type, ParquetMetadata::Statistics& s) {
    std::string minValue, maxValue, legacyMin, legacyMax;
    bool hasValue = false, hasLegacy = false;
    r.readStructField(type, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                return legacyMax = std::string(r.readBinary(t)), hasLegacy = true;
            case 2:
                return legacyMin = std::string(r.readBinary(t)), hasLegacy = true;
            case 3:
                return s.nullCount = r.readInt(t), true;
            case 5:
                return maxValue = std::string(r.readBinary(t)), hasValue = true;
            case 6:
                return minValue = std::string(r.readBinary(t)), hasValue = true;
            default:
                return false;
        }
    });
    s.hasMinMax = hasValue || hasLegacy;
    s.min = hasValue ? std::move(minValue) : std::move(legacyMin);
    s.max = hasValue ? std::move(maxValue) : std::move(legacyMax);
}

void readColumnMetaData(Reader& r, uint8_t type, ParquetMetadata::ColumnChunk& c) {
    r.readStructField(type, [&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                return c.type = r.readInt32(t), true;
            case 3:
                readList(r, t,
                         [&](uint8_t element) { c.path.emplace_back(r.readBinary(element)); });
                return true;
            case 4:
                return c.codec = ParquetCodec(r.readInt32(t)), true;
            case 5:
                return c.numValues = r.readInt(t), true;
            case 6:
                return c.totalUncompressedSize = r.readInt(t), true;
            case 7:
                return c.totalCompressedSize = r.readInt(t), true;
            case 9:
                return c.dataPageOffset = r.readInt(t), true;
            case 11:
                return c.dictionaryPageOffset = r.readInt(t), true;
            case 12:
                return readStatistics(r, t, c.statistics), true;
            default:
                return false;
        }
    });
}

void readColumnChunk(Reader& r, ParquetMetadata::ColumnChunk& c) {
    bool hasMetaData = false;
    r.readStruct([&](int16_t id, uint8_t t) {
        if (id == 1) return c.filePath = std::string(r.readBinary(t)), true;
        if (id == 3) return readColumnMetaData(r, t, c), hasMetaData = true;
        return false;
    });
    // Every chunk's metadata takes some 20 bytes or more, which bounds what a footer of
    // empty structs could make us allocate.
    if (r.ok() && !hasMetaData) r.fail(QStringLiteral("a column chunk of it has no metadata"));
}

void readRowGroup(Reader& r, ParquetMetadata::RowGroup& g) {
    r.readStruct([&](int16_t id, uint8_t t) {
        if (id == 1) {
            readList(r, t, [&](uint8_t element) {
                if (element != Reader::kStruct) return r.skip(element);
                readColumnChunk(r, g.columns.emplace_back());
            });
            return true;
        }
        if (id == 3) return g.numRows = r.readInt(t), true;
        return false;
    });
}

}  // namespace

bool ParquetMetadata::parse(std::string_view bytes, ParquetMetadata& out, QString* error) {
    out = {};
    Reader r(bytes.data(), bytes.size());
    r.readStruct([&](int16_t id, uint8_t t) {
        switch (id) {
            case 1:
                return out.version = r.readInt32(t), true;
            case 2:
                readList(r, t, [&](uint8_t element) {
                    if (element != Reader::kStruct) return r.skip(element);
                    readSchemaElement(r, out.schema.emplace_back());
                });
                return true;
            case 3:
                return out.numRows = r.readInt(t), true;
            case 4:
                readList(r, t, [&](uint8_t element) {
                    if (element != Reader::kStruct) return r.skip(element);
                    readRowGroup(r, out.rowGroups.emplace_back());
                });
                return true;
            case 5:
                readList(r, t, [&](uint8_t element) {
                    std::pair<std::string, std::string> kv;
                    if (element != Reader::kStruct) return r.skip(element);
                    r.readStruct([&](int16_t kid, uint8_t kt) {
                        if (kid == 1) return kv.first = std::string(r.readBinary(kt)), true;
                        if (kid == 2) return kv.second = std::string(r.readBinary(kt)), true;
                        return false;
                    });
                    out.keyValues.push_back(std::move(kv));
                });
                return true;
            case 6:
                return out.createdBy = std::string(r.readBinary(t)), true;
            default:
                return false;
        }
    });
    if (!r.ok()) {
        if (error) *error = r.error();
        return false;
    }
    if (out.schema.empty()) {
        if (error) *error = QStringLiteral("its metadata has no schema");
        return false;
    }
    return true;
}

}  // namespace runlens
