#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

namespace runlens {

// The bytes the zigzag varints of the first and of the second differences of u[0..n) take
// (differences in wrapping 64-bit arithmetic, from 0 before the first value), as
// SeriesColumns sums them for each column to choose its encoding. Uses AVX2 where the CPU has
// it (four values at a time: the sums were an eighth of a first open's CPU); the portable loop
// otherwise, and for tests.
std::pair<size_t, size_t> differencesVarintSizes(const uint64_t* u, size_t n);
std::pair<size_t, size_t> differencesVarintSizesPortable(const uint64_t* u, size_t n);
bool differencesVarintSizesHasAvx2();

}  // namespace runlens
