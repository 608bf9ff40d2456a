#pragma once

#include <QString>
#include <climits>
#include <cstdint>
#include <string_view>

namespace runlens {

// The Thrift compact protocol, as Parquet writes its footer and page headers (thrift's
// doc/specs/thrift-compact-protocol.md): fields as a delta-coded id and a type nibble, integers
// as zigzag varints, lists with their element type. A reader of a few structs, not a general
// Thrift library: a struct reader loops over nextField() and skips what it does not know.
//
// Every read is bounded by the buffer; the first fault (a varint past 10 bytes, a length past
// the end, nesting deeper than kMaxDepth) is kept as a sentence and every later read returns
// zero, so callers check ok() once at the end.
class ParquetThriftReader {
public:
    // Compact protocol type ids.
    enum Type : uint8_t {
        kStop = 0,
        kTrue = 1,
        kFalse = 2,
        kByte = 3,
        kI16 = 4,
        kI32 = 5,
        kI64 = 6,
        kDouble = 7,
        kBinary = 8,
        kList = 9,
        kSet = 10,
        kMap = 11,
        kStruct = 12,
    };
    static constexpr int kMaxDepth = 64;

    ParquetThriftReader(const char* data, size_t size) : m_data(data), m_size(size) {}

    bool ok() const { return m_error.isEmpty(); }
    const QString& error() const { return m_error; }
    size_t position() const { return m_pos; }

    // Struct reading: beginStruct(), then nextField() until it returns false (the STOP byte or
    // a fault), then endStruct().
    void beginStruct();
    bool nextField(int16_t& id, uint8_t& type);
    void endStruct();

    // A field's value. Each checks `type` and skips a value of another type (a writer's field
    // of an unexpected type is ignored, never misread), returning the default.
    int64_t readInt(uint8_t type);
    bool readBool(uint8_t type);
    double readDouble(uint8_t type);
    std::string_view readBinary(uint8_t type);
    // A list header: element type and count; false (skipped) if `type` is not a list or set.
    // The count is checked against the bytes left (every element takes at least one byte).
    bool beginList(uint8_t type, uint8_t& elementType, uint32_t& count);
    // A list element (a bool element is a byte of its own).
    int64_t readListInt(uint8_t elementType);

    // A field's integer as int32_t: -1 when it does not fit (no Parquet size or enum is).
    int32_t readInt32(uint8_t type) {
        const int64_t v = readInt(type);
        return v < INT32_MIN || v > INT32_MAX ? -1 : int32_t(v);
    }

    // Reads a struct field by field: `field(id, type)` reads the fields it knows and returns
    // false for the others, which are skipped.
    template <typename Field>
    void readStruct(Field field) {
        beginStruct();
        int16_t id = 0;
        uint8_t type = 0;
        while (nextField(id, type))
            if (!field(id, type)) skip(type);
        endStruct();
    }
    // A field of type `type` that should be a struct: read as readStruct(), or skipped when it
    // is not one. Returns whether it was.
    template <typename Field>
    bool readStructField(uint8_t type, Field field) {
        if (type != kStruct) {
            skip(type);
            return false;
        }
        readStruct(field);
        return true;
    }

    void skip(uint8_t type);
    void fail(const QString& why);

private:
    uint64_t readVarint();
    int64_t readZigzag();
    uint8_t readByte();
    void skipDepth(uint8_t type, int depth);

    const char* m_data;
    size_t m_size;
    size_t m_pos = 0;
    int m_depth = 0;
    int16_t m_lastField[kMaxDepth + 1] = {};
    QString m_error;
};

}  // namespace runlens
