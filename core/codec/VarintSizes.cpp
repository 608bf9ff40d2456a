#include "VarintSizes.h"

#include <array>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "ByteCursor.h"

namespace runlens {

namespace {

// varintSize() by table, indexed by leading zeros.
constexpr std::array<uint8_t, 65> kVarintBytes = [] {
    std::array<uint8_t, 65> bytes{};
    for (int zeros = 0; zeros <= 64; ++zeros)
        bytes[size_t(zeros)] = uint8_t(zeros == 64 ? 1 : (64 - zeros + 6) / 7);
    return bytes;
}();

size_t varintBytes(uint64_t v) {
    return kVarintBytes[size_t(__builtin_clzll(v | 1))];
}

#if defined(__x86_64__)
// Zigzag of each lane: (x << 1) ^ (x < 0 ? ~0 : 0).
__attribute__((target("avx2"), always_inline)) inline __m256i zigzag4(__m256i x) {
    return _mm256_xor_si256(_mm256_slli_epi64(x, 1), _mm256_cmpgt_epi64(_mm256_setzero_si256(), x));
}

// 2^(7k) - 1 for k = 1..8, in every lane: a value above one takes another byte.
struct Thresholds {
    __m256i t[8];
};

// Adds each lane's varint size minus one to `acc`: one for each 7 bits past the first 7. The
// compares are signed, so a lane of 2^63 or more (negative) passes none of the eight below
// 2^56 and is counted 9 by its sign instead.
__attribute__((target("avx2"), always_inline)) inline __m256i addSizes(__m256i acc, __m256i z,
                                                                       const Thresholds& th) {
    for (const __m256i& t : th.t)
        acc = _mm256_sub_epi64(acc, _mm256_cmpgt_epi64(z, t));
    const __m256i negative = _mm256_cmpgt_epi64(_mm256_setzero_si256(), z);
    return _mm256_add_epi64(acc, _mm256_and_si256(negative, _mm256_set1_epi64x(9)));
}

__attribute__((target("avx2"))) uint64_t sum4(__m256i v) {
    alignas(32) uint64_t lanes[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), v);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

__attribute__((target("avx2"))) std::pair<size_t, size_t> sizesAvx2(const uint64_t* u, size_t n) {
    if (n < 2 + 4) return differencesVarintSizesPortable(u, n);
    // The first two by hand: they have no two values before them.
    size_t first = varintBytes(zigzag(int64_t(u[0]))) + varintBytes(zigzag(int64_t(u[1] - u[0])));
    size_t second =
        varintBytes(zigzag(int64_t(u[0]))) + varintBytes(zigzag(int64_t(u[1] - u[0] - u[0])));
    Thresholds th;
    for (int k = 1; k <= 8; ++k)
        th.t[k - 1] = _mm256_set1_epi64x(int64_t((uint64_t(1) << (7 * k)) - 1));
    __m256i accFirst = _mm256_setzero_si256(), accSecond = _mm256_setzero_si256();
    size_t i = 2;
    for (; i + 4 <= n; i += 4) {
        const auto* p = reinterpret_cast<const __m256i*>(u + i);
        const __m256i a = _mm256_loadu_si256(p);
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(u + i - 1));
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(u + i - 2));
        const __m256i delta = _mm256_sub_epi64(a, b);
        const __m256i delta2 = _mm256_sub_epi64(delta, _mm256_sub_epi64(b, c));
        accFirst = addSizes(accFirst, zigzag4(delta), th);
        accSecond = addSizes(accSecond, zigzag4(delta2), th);
    }
    first += sum4(accFirst) + (i - 2);  // the "one" of each lane's size
    second += sum4(accSecond) + (i - 2);
    for (; i < n; ++i) {
        const uint64_t delta = u[i] - u[i - 1];
        first += varintBytes(zigzag(int64_t(delta)));
        second += varintBytes(zigzag(int64_t(delta - (u[i - 1] - u[i - 2]))));
    }
    return {first, second};
}
#endif

const bool kHasAvx2 = [] {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2") != 0;
#else
    return false;
#endif
}();

}  // namespace

std::pair<size_t, size_t> differencesVarintSizesPortable(const uint64_t* u, size_t n) {
    size_t first = 0, second = 0;
    uint64_t previous = 0, previousDelta = 0;
    for (size_t i = 0; i < n; ++i) {
        const uint64_t delta = u[i] - previous;
        first += varintBytes(zigzag(int64_t(delta)));
        second += varintBytes(zigzag(int64_t(delta - previousDelta)));
        previous = u[i];
        previousDelta = delta;
    }
    return {first, second};
}

bool differencesVarintSizesHasAvx2() {
    return kHasAvx2;
}

std::pair<size_t, size_t> differencesVarintSizes(const uint64_t* u, size_t n) {
#if defined(__x86_64__)
    if (kHasAvx2) return sizesAvx2(u, n);
#endif
    return differencesVarintSizesPortable(u, n);
}

}  // namespace runlens
