#pragma once

#include <cmath>
#include <limits>

namespace runlens {

// Count, mean, min and max of the numbers given, NaN skipped: the aggregate row of a group
// of runs in the run table, and group bands later.
struct Aggregate {
    int count = 0;  // numbers taken (NaN excluded)
    double sum = 0;
    double min = std::numeric_limits<double>::quiet_NaN();
    double max = std::numeric_limits<double>::quiet_NaN();

    void add(double v) {
        if (std::isnan(v)) return;
        if (count == 0 || v < min) min = v;
        if (count == 0 || v > max) max = v;
        sum += v;
        ++count;
    }
    double mean() const { return count ? sum / count : std::numeric_limits<double>::quiet_NaN(); }
};

}  // namespace runlens
