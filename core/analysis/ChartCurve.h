#pragma once

#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

#include "analysis/CurveColumn.h"
#include "model/MetricSeries.h"
#include "model/Run.h"

namespace runlens {

enum class Smoothing { None, Ema, RunningAverage, TimeWeightedEma };
// What a chart's x axis is: the step, the wall time (ms since the epoch), the time since the
// run started (seconds), or another metric of the run matched by step.
enum class XKind { Step, WallTime, RelativeTime, Metric };

struct CurveOptions {
    XKind xKind = XKind::Step;
    Smoothing smoothing = Smoothing::Ema;
    double amount = 0.6;  // EMA weight, or the running average's half window / 50
    friend bool operator==(const CurveOptions&, const CurveOptions&) = default;
};

// One line of a chart: a run (or a group of runs) in its colour, x in order.
struct ChartCurve {
    RunId run;
    QString name;      // as the legend reads it (a shared prefix may be left out)
    QString fullName;  // the whole name, on hover and in exports; empty: the same as name
    uint32_t colour = 0;
    std::vector<double> xs;         // sorted ascending
    std::vector<double> ys;         // smoothed (or raw when not smoothing); a group's mean
    CurveColumn rawYs;              // empty when not smoothing
    std::vector<double> low, high;  // a group's band (same xs); empty for a single run
    CurveColumn steps;              // per point, for CSV export; empty for groups
    CurveColumn wallTimesMs;

    const QString& title() const { return fullName.isEmpty() ? name : fullName; }
};

// A run's history as a chart curve: x chosen (step, wall time, time since start, or another
// metric matched by step), points in x order, smoothing computed on the whole series (the raw
// values kept for the faint line). Used by the charts and by `runlens-cli chart`.
ChartCurve buildCurve(const Run& run, uint32_t colour, const MetricSeries& series,
                      const MetricSeries* xSeries, const CurveOptions& options);
ChartCurve buildCurve(const RunId& run, const QString& name, uint32_t colour,
                      const MetricSeries& series, const MetricSeries* xSeries,
                      const CurveOptions& options);
// The same, sharing the history's columns where the curve has them unchanged (steps that
// only grow: the steps, wall times and raw values).
ChartCurve buildCurve(const RunId& run, const QString& name, uint32_t colour,
                      const std::shared_ptr<const MetricSeries>& series,
                      const MetricSeries* xSeries, const CurveOptions& options);

}  // namespace runlens
