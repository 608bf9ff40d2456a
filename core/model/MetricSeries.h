#pragma once

#include <QtGlobal>
#include <vector>

namespace runlens {

// One metric's whole history, struct of arrays: 24 bytes a point, no per-point objects.
// Points stay in the order the tracker recorded them. Steps are whole numbers for most
// trackers, but Neptune logs fractional ones (600.5, 0.333333) that must keep their fraction;
// a double holds both, whole steps exactly up to 2^53.
struct MetricSeries {
    std::vector<double> steps;
    std::vector<double> values;
    std::vector<double> wallTimesMs;  // ms since the epoch; fractions kept (TensorBoard has us)

    size_t size() const { return values.size(); }
    bool empty() const { return values.empty(); }
    void reserve(size_t n) {
        steps.reserve(n);
        values.reserve(n);
        wallTimesMs.reserve(n);
    }
    // Drops every point at `step` or later, keeping the order of the rest (a restarted run's
    // orphaned points).
    void removeStepsFrom(double step) {
        size_t keep = 0;
        for (size_t i = 0; i < size(); ++i) {
            if (steps[i] >= step) continue;
            steps[keep] = steps[i];
            values[keep] = values[i];
            wallTimesMs[keep] = wallTimesMs[i];
            ++keep;
        }
        steps.resize(keep);
        values.resize(keep);
        wallTimesMs.resize(keep);
    }
    void append(double step, double value, double wallTimeMs) {
        steps.push_back(step);
        values.push_back(value);
        wallTimesMs.push_back(wallTimeMs);
    }
};

}  // namespace runlens
