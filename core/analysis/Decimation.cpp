#include "Decimation.h"

#include <algorithm>
#include <cmath>

namespace runlens {

void decimate(const double* xs, const double* ys, size_t count, double xMin, double xMax, int columns,
              std::vector<QPointF>& out) {
    out.clear();
    if (count == 0 || columns <= 0 || !(xMax >= xMin)) return;
    const double* first = std::lower_bound(xs, xs + count, xMin);
    const double* last = std::upper_bound(xs, xs + count, xMax);
    size_t begin = size_t(first - xs);
    size_t end = size_t(last - xs);
    // One point beyond each edge (finite y), so the line runs to the border.
    auto finite = [&](size_t i) { return std::isfinite(ys[i]); };
    size_t before = begin;
    while (before > 0 && !finite(before - 1)) --before;
    if (before > 0) out.emplace_back(xs[before - 1], ys[before - 1]);
    out.reserve(std::min<size_t>(end - begin, size_t(columns) * 4) + 2);
    const double width = xMax > xMin ? (xMax - xMin) / columns : 1.0;
    size_t i = begin;
    while (i < end) {
        if (!finite(i)) {
            ++i;
            continue;
        }
        const auto column = std::min<long long>(columns - 1, (long long)((xs[i] - xMin) / width));
        const size_t start = i;
        size_t lowest = i, highest = i, final = i;
        for (; i < end; ++i) {
            if (std::min<long long>(columns - 1, (long long)((xs[i] - xMin) / width)) != column) break;
            if (!finite(i)) continue;
            if (ys[i] < ys[lowest]) lowest = i;
            if (ys[i] > ys[highest]) highest = i;
            final = i;
        }
        size_t picks[4] = {start, std::min(lowest, highest), std::max(lowest, highest), final};
        size_t previous = size_t(-1);
        for (size_t p : picks) {
            if (p == previous) continue;
            out.emplace_back(xs[p], ys[p]);
            previous = p;
        }
    }
    size_t after = end;
    while (after < count && !finite(after)) ++after;
    if (after < count) out.emplace_back(xs[after], ys[after]);
}

}  // namespace runlens
