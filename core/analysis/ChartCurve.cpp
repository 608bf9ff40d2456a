#include "ChartCurve.h"

#include <QHash>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "analysis/Smoothing.h"

namespace runlens {

ChartCurve buildCurve(const Run& run, uint32_t colour, const MetricSeries& series,
                      const MetricSeries* xSeries, const CurveOptions& options) {
    return buildCurve(run.id, run.name, colour, series, xSeries, options);
}

namespace {

// Columns the curve takes unchanged are shared with `owner`.
ChartCurve curveOf(const RunId& run, const QString& name, uint32_t colour,
                   const std::shared_ptr<const MetricSeries>& owner, const MetricSeries* xSeries,
                   const CurveOptions& options) {
    const MetricSeries& series = *owner;
    const XKind xKind = options.xKind;
    const Smoothing smoothing = options.smoothing;
    const double amount = options.amount;
    ChartCurve c;
    c.run = run;
    c.name = name;
    c.colour = colour;
    const size_t n = series.size();
    std::vector<double> xs(n);
    // A wall time of 0 is one the logger never wrote (SB3's progress.csv without time/...):
    // such points have no place on a time axis.
    double firstWall = INFINITY;
    if (xKind == XKind::RelativeTime)
        for (double t : series.wallTimesMs)
            if (t > 0) firstWall = std::min(firstWall, t);
    for (size_t i = 0; i < n; ++i) {
        switch (xKind) {
            case XKind::Step:
                xs[i] = series.steps[i];
                break;
            case XKind::WallTime:
                xs[i] = series.wallTimesMs[i] > 0 ? series.wallTimesMs[i] : NAN;
                break;
            case XKind::RelativeTime:
                xs[i] =
                    series.wallTimesMs[i] > 0 ? (series.wallTimesMs[i] - firstWall) / 1000.0 : NAN;
                break;
            case XKind::Metric:
                xs[i] = NAN;  // filled below, by step
                break;
        }
    }
    if (xKind == XKind::Metric && xSeries) {
        // Another metric as x: each point takes that metric's value logged at the same step
        // (the last one, if logged twice); points at steps it never logged are left out.
        QHash<double, double> byStep;
        for (size_t i = 0; i < xSeries->size(); ++i)
            byStep.insert(xSeries->steps[i], xSeries->values[i]);
        for (size_t i = 0; i < n; ++i)
            xs[i] = byStep.value(series.steps[i], NAN);
    }
    // Charts need x in order; histories are in the order they were recorded.
    std::vector<double> ys;
    const std::vector<double>* values = &ys;  // the raw values in x order
    const bool sorted = xKind != XKind::Metric && std::is_sorted(xs.begin(), xs.end());
    if (sorted && std::none_of(xs.begin(), xs.end(), [](double x) { return std::isnan(x); })) {
        // The usual case (steps that only grow): the history's own columns.
        c.xs = std::move(xs);
        c.steps = CurveColumn(owner, series.steps);
        c.wallTimesMs = CurveColumn(owner, series.wallTimesMs);
        values = &series.values;
    } else {
        std::vector<size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        if (!sorted)
            std::stable_sort(order.begin(), order.end(),
                             [&](size_t a, size_t b) { return xs[a] < xs[b]; });
        std::vector<double> steps, wallTimesMs;
        c.xs.reserve(n);
        ys.reserve(n);
        steps.reserve(n);
        wallTimesMs.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            if (std::isnan(xs[order[i]])) continue;
            c.xs.push_back(xs[order[i]]);
            ys.push_back(series.values[order[i]]);
            steps.push_back(series.steps[order[i]]);
            wallTimesMs.push_back(series.wallTimesMs[order[i]]);
        }
        c.steps = std::move(steps);
        c.wallTimesMs = std::move(wallTimesMs);
    }
    // Smoothing runs on the full series, before any reduction for drawing.
    switch (smoothing) {
        case Smoothing::None:
            c.ys = values == &ys ? std::move(ys) : *values;
            return c;
        case Smoothing::Ema:
            c.ys = smoothEma(*values, amount);
            break;
        case Smoothing::RunningAverage:
            c.ys = smoothRunningAverage(*values, int(std::lround(amount * 50)));
            break;
        case Smoothing::TimeWeightedEma:
            c.ys = smoothTimeWeightedEma(c.xs, *values, amount);
            break;
    }
    if (amount <= 0)
        c.rawYs.clear();
    else if (values == &ys)
        c.rawYs = std::move(ys);
    else
        c.rawYs = CurveColumn(owner, series.values);
    return c;
}

}  // namespace

// A history that is not shared is copied once, as the curve's own columns were before.
ChartCurve buildCurve(const RunId& run, const QString& name, uint32_t colour,
                      const MetricSeries& series, const MetricSeries* xSeries,
                      const CurveOptions& options) {
    return curveOf(run, name, colour, std::make_shared<const MetricSeries>(series), xSeries,
                   options);
}

ChartCurve buildCurve(const RunId& run, const QString& name, uint32_t colour,
                      const std::shared_ptr<const MetricSeries>& series,
                      const MetricSeries* xSeries, const CurveOptions& options) {
    return curveOf(run, name, colour, series, xSeries, options);
}

}  // namespace runlens
