#pragma once

#include <QPointF>
#include <cstdint>
#include <vector>

namespace runlens {

// The lowest and highest finite value of every block of 64 points of a series, built once
// (O(n)), so that reducing a long series costs in proportion to the pixels, not the points.
struct MinMaxBlocks {
    static constexpr size_t kBlock = 16;
    static constexpr uint32_t kNone = UINT32_MAX;
    std::vector<uint32_t> lowest, highest;  // point indices; kNone for a block of NaNs

    void build(const double* ys, size_t count);
    bool empty() const { return lowest.empty(); }
};

// Reduces a series to what the pixels can show, never sampling it: over the visible x range
// (found by binary search, so xs must be sorted ascending), each pixel column keeps its first,
// lowest, highest and last point, in the order they occur. Every spike stays visible and a
// monotone series keeps its ends; the output has at most 4 points per column, plus the
// nearest point on either side of the range so lines reach the edges. NaN and infinite y
// values are skipped. With `blocks` (built for these ys) a column's min and max come from
// whole blocks where it spans them.
void decimate(const double* xs, const double* ys, size_t count, double xMin, double xMax,
              int columns, std::vector<QPointF>& out, const MinMaxBlocks* blocks = nullptr);

}  // namespace runlens
