#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace runlens {

// Little-endian fixed-width numbers and LEB128 varints (as protobuf writes them), for the
// files RunLens writes itself. Appending never fails; reading is bounds-checked: a read past
// the end sets ok() false and returns zeros, so a damaged file is a clean miss.
inline void putVarint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(char(uint8_t(v) | 0x80));
        v >>= 7;
    }
    out.push_back(char(uint8_t(v)));
}
inline int varintSize(uint64_t v) {
    return (64 - __builtin_clzll(v | 1) + 6) / 7;
}
inline uint64_t zigzag(int64_t v) {
    return (uint64_t(v) << 1) ^ uint64_t(v >> 63);
}
inline int64_t unzigzag(uint64_t v) {
    return int64_t(v >> 1) ^ -int64_t(v & 1);
}
template <class T>
void putFixed(std::string& out, T v) {
    char bytes[sizeof(T)];
    memcpy(bytes, &v, sizeof(T));
    out.append(bytes, sizeof(T));
}
inline void putBytes(std::string& out, std::string_view bytes) {
    putVarint(out, bytes.size());
    out.append(bytes);
}

class ByteCursor {
public:
    explicit ByteCursor(std::string_view bytes) : m_p(bytes.data()), m_end(m_p + bytes.size()) {}

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_p == m_end; }
    size_t remaining() const { return size_t(m_end - m_p); }

    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_p == m_end) return fail();
            const uint8_t b = uint8_t(*m_p++);
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
        return fail();
    }
    template <class T>
    T fixed() {
        T v{};
        if (remaining() < sizeof(T)) return T(fail());
        memcpy(&v, m_p, sizeof(T));
        m_p += sizeof(T);
        return v;
    }
    std::string_view bytes(uint64_t size) {
        if (size > remaining()) return fail(), std::string_view();
        const std::string_view out(m_p, size_t(size));
        m_p += size;
        return out;
    }
    std::string_view bytes() { return bytes(varint()); }
    uint8_t byte() { return fixed<uint8_t>(); }

private:
    uint64_t fail() {
        m_ok = false;
        m_p = m_end;
        return 0;
    }

    const char* m_p;
    const char* m_end;
    bool m_ok = true;
};

}  // namespace runlens
