#pragma once

#include <QPointF>
#include <vector>

namespace runlens {

// Reduces a series to what the pixels can show, never sampling it: over the visible x range
// (found by binary search, so xs must be sorted ascending), each pixel column keeps its first,
// lowest, highest and last point, in the order they occur. Every spike stays visible and a
// monotone series keeps its ends; the output has at most 4 points per column, plus the
// nearest point on either side of the range so lines reach the edges. NaN y values are
// skipped (they have no place on a chart); infinities too.
void decimate(const double* xs, const double* ys, size_t count, double xMin, double xMax, int columns,
              std::vector<QPointF>& out);

}  // namespace runlens
