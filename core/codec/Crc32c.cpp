#include "Crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace runlens {

namespace {

// Slicing-by-8 tables for the reflected Castagnoli polynomial 0x82F63B78.
struct Tables {
    std::array<std::array<uint32_t, 256>, 8> t{};
    constexpr Tables() {
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
            t[0][i] = c;
        }
        for (uint32_t i = 0; i < 256; ++i)
            for (size_t s = 1; s < 8; ++s)
                t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFF];
    }
};
constexpr Tables kTables;

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32cSse42(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    uint64_t crc = 0xFFFFFFFFu;
    while (size >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc = _mm_crc32_u64(crc, word);
        p += 8;
        size -= 8;
    }
    auto crc32 = uint32_t(crc);
    // An event record's data is a few dozen bytes: its tail in 4, 2 and 1 byte steps.
    if (size >= 4) {
        uint32_t word;
        memcpy(&word, p, 4);
        crc32 = _mm_crc32_u32(crc32, word);
        p += 4;
        size -= 4;
    }
    if (size >= 2) {
        uint16_t half;
        memcpy(&half, p, 2);
        crc32 = _mm_crc32_u16(crc32, half);
        p += 2;
        size -= 2;
    }
    if (size) crc32 = _mm_crc32_u8(crc32, *p);
    return crc32 ^ 0xFFFFFFFFu;
}
#endif

const bool kHasHardware = [] {
#if defined(__x86_64__)
    return __builtin_cpu_supports("sse4.2") != 0;
#else
    return false;
#endif
}();

}  // namespace

uint32_t crc32cPortable(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    uint32_t crc = 0xFFFFFFFFu;
    const auto& t = kTables.t;
    while (size >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
        lo ^= crc;
        crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
              t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
        p += 8;
        size -= 8;
    }
    while (size--)
        crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
    return crc ^ 0xFFFFFFFFu;
}

bool crc32cHasHardware() {
    return kHasHardware;
}

uint32_t crc32c(const void* data, size_t size) {
#if defined(__x86_64__)
    if (kHasHardware) return crc32cSse42(data, size);
#endif
    return crc32cPortable(data, size);
}

}  // namespace runlens
