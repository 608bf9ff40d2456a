#include "Decimation.h"

#include <algorithm>
#include <cmath>

namespace runlens {

void MinMaxBlocks::build(const double* ys, size_t count) {
    const size_t n = (count + kBlock - 1) / kBlock;
    lowest.assign(n, kNone);
    highest.assign(n, kNone);
    for (size_t b = 0; b < n; ++b) {
        const size_t end = std::min(count, (b + 1) * kBlock);
        for (size_t i = b * kBlock; i < end; ++i) {
            if (!std::isfinite(ys[i])) continue;
            if (lowest[b] == kNone || ys[i] < ys[lowest[b]]) lowest[b] = uint32_t(i);
            if (highest[b] == kNone || ys[i] > ys[highest[b]]) highest[b] = uint32_t(i);
        }
    }
}

namespace {

struct Extremes {
    size_t lowest = SIZE_MAX, highest = SIZE_MAX;
    double low = INFINITY, high = -INFINITY;
    // Finite values only (a NaN compares false; the infinities are kept out), the first of
    // equal ones.
    void take(const double* ys, size_t i) {
        const double y = ys[i];
        if (y < low && y > -INFINITY) low = y, lowest = i;
        if (y > high && y < INFINITY) high = y, highest = i;
    }
    void scan(const double* ys, size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            take(ys, i);
    }
};

// Lowest and highest finite points in [begin, end), using whole blocks where possible.
Extremes extremes(const double* ys, size_t begin, size_t end, const MinMaxBlocks* blocks) {
    Extremes e;
    constexpr size_t B = MinMaxBlocks::kBlock;
    if (!blocks || end - begin <= 2 * B) {
        e.scan(ys, begin, end);
        return e;
    }
    const size_t firstBlock = (begin + B - 1) / B, lastBlock = end / B;  // [first, last)
    e.scan(ys, begin, firstBlock * B);
    for (size_t b = firstBlock; b < lastBlock; ++b) {
        if (blocks->lowest[b] == MinMaxBlocks::kNone) continue;
        e.take(ys, blocks->lowest[b]);
        e.take(ys, blocks->highest[b]);
    }
    e.scan(ys, lastBlock * B, end);
    return e;
}

// std::lower_bound, searching from `first` in steps that double: a column's points are a few
// dozen from where the last column ended, not half the curve away.
const double* lowerBoundNear(const double* first, const double* last, double value) {
    size_t step = 1;
    const double* low = first;
    while (step < size_t(last - low) && low[step - 1] < value) {
        low += step;
        step *= 2;
    }
    return std::lower_bound(low, std::min(last, low + step), value);
}

}  // namespace

void decimate(const double* xs, const double* ys, size_t count, double xMin, double xMax,
              int columns, std::vector<QPointF>& out, const MinMaxBlocks* blocks) {
    out.clear();
    if (count == 0 || columns <= 0 || !(xMax >= xMin)) return;
    if (blocks &&
        blocks->lowest.size() != (count + MinMaxBlocks::kBlock - 1) / MinMaxBlocks::kBlock)
        blocks = nullptr;
    const size_t begin = size_t(std::lower_bound(xs, xs + count, xMin) - xs);
    const size_t end = size_t(std::upper_bound(xs, xs + count, xMax) - xs);
    auto finite = [&](size_t i) { return std::isfinite(ys[i]); };
    // One point beyond each edge (finite y), so the line runs to the border.
    size_t before = begin;
    while (before > 0 && !finite(before - 1))
        --before;
    if (before > 0) out.emplace_back(xs[before - 1], ys[before - 1]);
    out.reserve(std::min<size_t>(end - begin, size_t(columns) * 4) + 2);
    const double width = xMax > xMin ? (xMax - xMin) / columns : 1.0;
    size_t start = begin;
    for (int column = 0; column < columns && start < end; ++column) {
        // The points of this column: up to the first x at the next column's left edge.
        size_t stop = end;
        if (column + 1 < columns) {
            const double edge = xMin + width * (column + 1);
            stop = size_t(lowerBoundNear(xs + start, xs + end, edge) - xs);
        }
        if (stop == start) continue;
        size_t first = start, last = stop - 1;
        while (first < stop && !finite(first))
            ++first;
        while (last > first && !finite(last))
            --last;
        if (first < stop && finite(first)) {
            const Extremes e = extremes(ys, first, last + 1, blocks);
            const size_t picks[4] = {first, std::min(e.lowest, e.highest),
                                     std::max(e.lowest, e.highest), last};
            size_t previous = SIZE_MAX;
            for (size_t p : picks) {
                if (p == previous) continue;
                out.emplace_back(xs[p], ys[p]);
                previous = p;
            }
        }
        start = stop;
    }
    size_t after = end;
    while (after < count && !finite(after))
        ++after;
    if (after < count) out.emplace_back(xs[after], ys[after]);
}

}  // namespace runlens
