#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace runlens {

// A minimal reader of the protobuf wire format (protobuf.dev/programming-guides/encoding):
// iterates the fields of one message without allocating. Enough for TensorBoard's Event
// and W&B's Record; every read is bounds-checked, and a malformed message makes next()
// return false with ok() false.
class ProtoReader {
public:
    enum WireType : uint32_t { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

    explicit ProtoReader(std::string_view bytes)
        : m_p(reinterpret_cast<const uint8_t*>(bytes.data())), m_end(m_p + bytes.size()) {}

    // Advances to the next field; false at the end or on malformed input.
    bool next() {
        if (m_p >= m_end) return false;
        uint64_t key;
        if (!readVarint(key)) return fail();
        m_field = uint32_t(key >> 3);
        m_wire = WireType(key & 7);
        if (m_field == 0) return fail();
        switch (m_wire) {
            case Varint:
                if (!readVarint(m_varint)) return fail();
                return true;
            case Fixed64:
                if (m_end - m_p < 8) return fail();
                memcpy(&m_varint, m_p, 8);
                m_p += 8;
                return true;
            case Fixed32: {
                if (m_end - m_p < 4) return fail();
                uint32_t v;
                memcpy(&v, m_p, 4);
                m_varint = v;
                m_p += 4;
                return true;
            }
            case LengthDelimited: {
                uint64_t len;
                if (!readVarint(len) || len > uint64_t(m_end - m_p)) return fail();
                m_bytes = std::string_view(reinterpret_cast<const char*>(m_p), size_t(len));
                m_p += len;
                return true;
            }
            default:
                return fail();  // groups (3, 4) are not used by the formats we read
        }
    }

    bool ok() const { return m_ok; }
    uint32_t field() const { return m_field; }
    WireType wireType() const { return m_wire; }

    uint64_t varint() const { return m_varint; }
    int64_t int64() const { return int64_t(m_varint); }
    int32_t int32() const { return int32_t(m_varint); }
    double fixedDouble() const {
        double d;
        memcpy(&d, &m_varint, 8);
        return d;
    }
    float fixedFloat() const {
        const auto bits = uint32_t(m_varint);
        float f;
        memcpy(&f, &bits, 4);
        return f;
    }
    std::string_view bytes() const {
        return m_wire == LengthDelimited ? m_bytes : std::string_view();
    }

    // Reads a varint at p (for packed repeated fields); false if it runs past `end`.
    static bool varintAt(const uint8_t*& p, const uint8_t* end, uint64_t& out) {
        out = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= end) return false;
            const uint8_t b = *p++;
            out |= uint64_t(b & 0x7F) << shift;
            if (!(b & 0x80)) return true;
        }
        return false;
    }

private:
    bool readVarint(uint64_t& out) { return varintAt(m_p, m_end, out); }
    bool fail() {
        m_ok = false;
        m_p = m_end;
        return false;
    }

    const uint8_t* m_p;
    const uint8_t* m_end;
    uint32_t m_field = 0;
    WireType m_wire = Varint;
    uint64_t m_varint = 0;
    std::string_view m_bytes;
    bool m_ok = true;
};

}  // namespace runlens
