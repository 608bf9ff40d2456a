#include "ParquetThriftReader.h"

#include <cstring>

namespace runlens {

void ParquetThriftReader::fail(const QString& why) {
    if (m_error.isEmpty()) m_error = why;
    m_pos = m_size;
}

uint8_t ParquetThriftReader::readByte() {
    if (m_pos >= m_size) {
        fail(QStringLiteral("its metadata ends in the middle of a value"));
        return 0;
    }
    return uint8_t(m_data[m_pos++]);
}

uint64_t ParquetThriftReader::readVarint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        const uint8_t b = readByte();
        if (!ok()) return 0;
        value |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return value;
    }
    fail(QStringLiteral("its metadata holds a number longer than 10 bytes"));
    return 0;
}

int64_t ParquetThriftReader::readZigzag() {
    const uint64_t v = readVarint();
    return int64_t(v >> 1) ^ -int64_t(v & 1);
}

void ParquetThriftReader::beginStruct() {
    if (m_depth >= kMaxDepth) {
        fail(QStringLiteral("its metadata nests deeper than %1 levels").arg(kMaxDepth));
        return;
    }
    m_lastField[++m_depth] = 0;
}

void ParquetThriftReader::endStruct() {
    if (m_depth > 0) --m_depth;
}

bool ParquetThriftReader::nextField(int16_t& id, uint8_t& type) {
    if (!ok()) return false;
    const uint8_t header = readByte();
    type = header & 0x0f;
    if (!ok() || type == kStop) return false;
    const int delta = header >> 4;
    if (delta != 0)
        id = int16_t(m_lastField[m_depth] + delta);
    else
        id = int16_t(readZigzag());
    m_lastField[m_depth] = id;
    if (type > kStruct) {
        fail(QStringLiteral("its metadata has a field of unknown type %1").arg(type));
        return false;
    }
    return ok();
}

int64_t ParquetThriftReader::readInt(uint8_t type) {
    switch (type) {
        case kTrue:
            return 1;
        case kFalse:
            return 0;
        case kByte:
            return int8_t(readByte());
        case kI16:
        case kI32:
        case kI64:
            return readZigzag();
        default:
            skip(type);
            return 0;
    }
}

int64_t ParquetThriftReader::readListInt(uint8_t elementType) {
    if (elementType == kTrue || elementType == kFalse) return readByte() == kTrue;
    return readInt(elementType);
}

bool ParquetThriftReader::readBool(uint8_t type) {
    return readInt(type) != 0;
}

double ParquetThriftReader::readDouble(uint8_t type) {
    if (type != kDouble) {
        skip(type);
        return 0;
    }
    if (m_size - m_pos < 8) {
        fail(QStringLiteral("its metadata ends in the middle of a value"));
        return 0;
    }
    double value;
    memcpy(&value, m_data + m_pos, 8);  // little-endian, as on every platform RunLens builds for
    m_pos += 8;
    return value;
}

std::string_view ParquetThriftReader::readBinary(uint8_t type) {
    if (type != kBinary) {
        skip(type);
        return {};
    }
    const uint64_t length = readVarint();
    if (!ok()) return {};
    if (length > m_size - m_pos) {
        fail(QStringLiteral("its metadata holds a string of %1 bytes past its end").arg(length));
        return {};
    }
    const std::string_view out(m_data + m_pos, size_t(length));
    m_pos += size_t(length);
    return out;
}

bool ParquetThriftReader::beginList(uint8_t type, uint8_t& elementType, uint32_t& count) {
    if (type != kList && type != kSet) {
        skip(type);
        return false;
    }
    const uint8_t header = readByte();
    elementType = header & 0x0f;
    uint64_t n = header >> 4;
    if (n == 15) n = readVarint();
    if (!ok()) return false;
    if (n > m_size - m_pos) {
        fail(QStringLiteral("its metadata claims a list of %1 items in %2 bytes")
                 .arg(n)
                 .arg(m_size - m_pos));
        return false;
    }
    count = uint32_t(n);
    return true;
}

void ParquetThriftReader::skip(uint8_t type) {
    skipDepth(type, m_depth);
}

void ParquetThriftReader::skipDepth(uint8_t type, int depth) {
    if (!ok()) return;
    if (depth >= kMaxDepth) {
        fail(QStringLiteral("its metadata nests deeper than %1 levels").arg(kMaxDepth));
        return;
    }
    switch (type) {
        case kTrue:
        case kFalse:
            return;
        case kByte:
            readByte();
            return;
        case kI16:
        case kI32:
        case kI64:
            readVarint();
            return;
        case kDouble:
            readDouble(kDouble);
            return;
        case kBinary:
            readBinary(kBinary);
            return;
        case kList:
        case kSet: {
            uint8_t element = 0;
            uint32_t count = 0;
            if (!beginList(type, element, count)) return;
            for (uint32_t i = 0; i < count && ok(); ++i) {
                if (element == kTrue || element == kFalse)
                    readByte();  // a bool in a list is a byte of its own
                else
                    skipDepth(element, depth + 1);
            }
            return;
        }
        case kMap: {
            const uint64_t count = readVarint();
            if (count == 0 || !ok()) return;
            const uint8_t kinds = readByte();
            if (count > m_size - m_pos) {
                fail(QStringLiteral("its metadata claims a map of %1 entries").arg(count));
                return;
            }
            for (uint64_t i = 0; i < count && ok(); ++i) {
                skipDepth(kinds >> 4, depth + 1);
                skipDepth(kinds & 0x0f, depth + 1);
            }
            return;
        }
        case kStruct: {
            beginStruct();
            int16_t id = 0;
            uint8_t fieldType = 0;
            while (nextField(id, fieldType))
                skipDepth(fieldType, depth + 1);
            endStruct();
            return;
        }
        default:
            fail(QStringLiteral("its metadata has a value of unknown type %1").arg(type));
    }
}

}  // namespace runlens
