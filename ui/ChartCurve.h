#pragma once

#include "MetricChart.h"
#include "model/MetricSeries.h"
#include "model/Run.h"

namespace runlens {

enum class Smoothing { None, Ema, RunningAverage, TimeWeightedEma };

struct CurveOptions {
    MetricChart::XKind xKind = MetricChart::XKind::Step;
    Smoothing smoothing = Smoothing::Ema;
    double amount = 0.6;  // EMA weight, or the running average's half window / 50
};

// A run's history as a chart curve: x chosen (step, wall time, time since start, or another
// metric matched by step), points in x order, smoothing computed on the whole series (the raw
// values kept for the faint line). Used by the charts and by `runlens-cli chart`.
MetricChart::Curve buildCurve(const Run& run, uint32_t colour, const MetricSeries& series,
                              const MetricSeries* xSeries, const CurveOptions& options);

}  // namespace runlens
