#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/MetricSeries.h"

namespace runlens {

// One level of a series' min/max pyramid: the points cut into buckets of `bucketSize` in
// recorded order, and each bucket's least and greatest non-NaN value (NaN for a bucket of
// NaNs only), so a chart can draw millions of points from a few thousand pairs.
struct SeriesPyramidLevel {
    uint64_t bucketSize = 0;
    std::vector<double> mins;
    std::vector<double> maxs;
};

// The compact, lossless encoding of one MetricSeries for the series cache. Every column is
// encoded the smallest of a few ways, chosen per series:
//   steps, wall times: whole numbers as zigzag varints of first or second differences;
//     anything else (fractions, NaN, -0.0) as differences of the doubles' bit patterns.
//   values: float32 when every value survives a round trip through float bit for bit (what
//     TensorBoard's simple_value stores), else float64; raw, or differences of their bit
//     patterns as varints where that is smaller.
// Decoding gives back every double bit for bit (NaN payloads, infinities, -0.0 included).
class SeriesColumns {
public:
    static constexpr uint64_t kFirstBucket = 64;  // points per bucket at the pyramid's base
    static constexpr uint64_t kBucketGrowth = 8;  // each level up merges this many buckets

    // `float32` (optional) tells whether the values went as float32.
    static std::string encode(const MetricSeries& series, bool* float32 = nullptr);
    // False on damaged bytes (out is then unspecified). `pyramid` (optional) gets the levels.
    static bool decode(std::string_view block, MetricSeries& out,
                       std::vector<SeriesPyramidLevel>* pyramid = nullptr);
    // The pyramid alone, without decoding the points.
    static bool decodePyramid(std::string_view block, std::vector<SeriesPyramidLevel>& pyramid);
    static bool fitsFloat32(const std::vector<double>& values);
    static std::vector<SeriesPyramidLevel> pyramidOf(const std::vector<double>& values);
};

}  // namespace runlens
