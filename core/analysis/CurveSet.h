#pragma once

#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <vector>

#include "analysis/ChartCurve.h"
#include "analysis/Decimation.h"
#include "analysis/GroupBand.h"

namespace runlens {

// One line of a chart made ready to draw: its curve and the min/max blocks its reduction uses
// (analysis/Decimation), built once. Never changed once made, so a chart on the GUI thread and
// a reduction on the pool read it at once; shared by the sets that draw it.
struct PreparedCurve {
    ChartCurve curve;
    MinMaxBlocks blocks, rawBlocks;
    size_t nonPositive = 0;  // values a log axis cannot show
    // What it was made from, to tell whether a later set can take it as it is.
    std::weak_ptr<const MetricSeries> series, xSeries;
    CurveOptions options;

    static std::shared_ptr<PreparedCurve> make(ChartCurve curve);
};
using PreparedCurvePtr = std::shared_ptr<const PreparedCurve>;

// What one chart draws: its lines, each with the name its legend shows (names read apart, see
// DistinctLabels) and its whole name, and the part of the names the legend leaves out.
struct CurveSet {
    std::vector<PreparedCurvePtr> curves;
    QStringList names, fullNames;
    QString legendPrefix;
    // The runs' own lines, by run, kept for the next set to take up (the same as `curves`
    // unless runs are grouped).
    std::vector<PreparedCurvePtr> members;

    size_t size() const { return curves.size(); }
    const ChartCurve& curve(size_t i) const { return curves[i]->curve; }
    size_t points() const;
    // A set of whole ChartCurves (a test's, the command line's), each named by its own name.
    static std::shared_ptr<const CurveSet> of(std::vector<ChartCurve> curves);
};

// One run as a chart wants it drawn.
struct ChartRun {
    RunId run;
    QString name, experiment;
    QString group;  // its group's label when grouping
    uint32_t colour = 0;
    std::shared_ptr<const MetricSeries> series, xSeries;
};

// Everything a chart's lines are made from: its runs with their histories, the x axis and
// smoothing, the grouping, and room for legend names (in characters).
struct ChartPlan {
    std::vector<ChartRun> runs;
    CurveOptions options;
    QString groupKey;  // "params.seed" / "tags.t"; empty: one line per run
    BandKind band = BandKind::MinMax;
    int legendChars = 20;
};

// Builds what a chart draws from `plan` (on the pool): every run's curve (buildCurve), taken
// from `previous` where it was made from the same histories, options and colour; groups as
// their mean and band; legend names read apart. Returns null if `cancelled` turned true.
std::shared_ptr<const CurveSet> buildCurveSet(const ChartPlan& plan, const CurveSet* previous,
                                              const std::atomic_bool* cancelled = nullptr);

}  // namespace runlens
