#pragma once

// Damage done in place to a real Parquet file, for tests: a page header's field rewritten in
// exactly the bytes it took, so nothing else in the file moves.

#include <QtGlobal>
#include <cstdint>
#include <string>

#include "codec/ParquetThriftReader.h"

namespace parquetdamage {

using runlens::ParquetThriftReader;

// Where, in a real file, the varint of a page header's field lies (for in-place damage).
struct FieldSpot {
    size_t at = 0, length = 0;
    int64_t value = 0;
};

// The varint of PageHeader field `field`, or of `sub` inside struct field `field`.
inline FieldSpot findPageField(const std::string& bytes, size_t headerAt, int16_t field,
                               int16_t sub = 0) {
    ParquetThriftReader r(bytes.data() + headerAt, bytes.size() - headerAt);
    FieldSpot spot;
    r.beginStruct();
    int16_t id = 0;
    uint8_t type = 0;
    while (r.nextField(id, type)) {
        if (id == field && sub == 0) {
            spot.at = headerAt + r.position();
            spot.value = r.readInt(type);
            spot.length = headerAt + r.position() - spot.at;
            return spot;
        }
        if (id == field && type == ParquetThriftReader::kStruct) {
            r.beginStruct();
            int16_t subId = 0;
            uint8_t subType = 0;
            while (r.nextField(subId, subType)) {
                if (subId == sub) {
                    spot.at = headerAt + r.position();
                    spot.value = r.readInt(subType);
                    spot.length = headerAt + r.position() - spot.at;
                    return spot;
                }
                r.skip(subType);
            }
            r.endStruct();
            continue;
        }
        r.skip(type);
    }
    qFatal("page field %d.%d not found", field, sub);
}

// Writes a zigzag varint of `value` over `spot`, in exactly its bytes (padded with
// continuation bytes), so nothing else of the file moves.
inline void overwrite(std::string& bytes, const FieldSpot& spot, int64_t value) {
    uint64_t v = (uint64_t(value) << 1) ^ uint64_t(value >> 63);
    for (size_t i = 0; i < spot.length; ++i) {
        const bool last = i + 1 == spot.length;
        bytes[spot.at + i] = char((v & 0x7f) | (last ? 0 : 0x80));
        v >>= 7;
    }
    if (v != 0) qFatal("value %lld does not fit in %zu bytes", qlonglong(value), spot.length);
}

}  // namespace parquetdamage
