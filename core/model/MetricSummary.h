#pragma once

#include <QtGlobal>
#include <cmath>
#include <limits>

namespace runlens {

// What the run table needs of a metric without its history.
//
// "Latest" follows MLflow (mlflow/store/tracking/file_store.py, `_get_metric_from_file` and
// the SQL store's latest_metrics): the point with the greatest (step, timestamp, value), not
// the last one written; steps repeat, go backwards and can be negative. A NaN value never
// wins a tie, as in Python's tuple comparison.
struct MetricSummary {
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

    double last = kNaN;
    double step = 0;  // fractional for Neptune (MetricSeries)
    double timestampMs = 0;
    double min = kNaN;  // over the non-NaN values
    double max = kNaN;
    qint64 count = 0;
    // False where the source gave the latest point only (an MLflow SQL store's
    // latest_metrics): min, max and count are then unknown, not zero.
    bool hasStats = true;
    // Logged by the tracker itself, not the user (Neptune's monitoring/* hardware and console
    // series): listed and readable, but not among the charts shown by default.
    bool systemMetric = false;

    void add(double pointStep, double value, double pointTimestampMs) {
        if (count == 0 || isLater(pointStep, pointTimestampMs, value)) {
            last = value;
            step = pointStep;
            timestampMs = pointTimestampMs;
        }
        if (!std::isnan(value)) {
            if (std::isnan(min) || value < min) min = value;
            if (std::isnan(max) || value > max) max = value;
        }
        ++count;
    }

    bool isLater(double otherStep, double otherTimestampMs, double otherValue) const {
        if (otherStep != step) return otherStep > step;
        if (otherTimestampMs != timestampMs) return otherTimestampMs > timestampMs;
        return otherValue > last;
    }

    // Combines two summaries of disjoint parts of one history.
    void merge(const MetricSummary& other) {
        if (other.count == 0 && other.hasStats) return;
        if (count == 0 || isLater(other.step, other.timestampMs, other.last)) {
            last = other.last;
            step = other.step;
            timestampMs = other.timestampMs;
        }
        if (!std::isnan(other.min) && (std::isnan(min) || other.min < min)) min = other.min;
        if (!std::isnan(other.max) && (std::isnan(max) || other.max > max)) max = other.max;
        count += other.count;
        hasStats = hasStats && other.hasStats;
    }
};

}  // namespace runlens
