#pragma once

#include <vector>

namespace runlens {

// A group of runs drawn as one line with a band (runs that differ only by seed, say).
//
// Alignment: the group's x values are the union of its runs' x values. At each x, a run
// takes part if x lies within its own first and last x, with its value at the last point at
// or before x (carried forward, as a step chart would show it). NaN values do not take part.
// The line is the mean of the runs taking part; the band is their min-max range or the mean
// +- one standard deviation.
struct GroupBand {
    std::vector<double> xs, mean, low, high;
    std::vector<int> runs;  // how many runs took part at each x
};

enum class BandKind { MinMax, StdDev };

struct CurveView {
    const std::vector<double>* xs;  // sorted ascending
    const std::vector<double>* ys;
};

GroupBand groupBand(const std::vector<CurveView>& curves, BandKind kind);

}  // namespace runlens
