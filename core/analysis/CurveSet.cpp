#include "CurveSet.h"

#include <QHash>
#include <QSet>
#include <algorithm>

#include "InTwoHalves.h"
#include "model/DistinctLabels.h"
#include "model/RunColours.h"

namespace runlens {

namespace {

bool sameObject(const std::weak_ptr<const MetricSeries>& made,
                const std::shared_ptr<const MetricSeries>& now) {
    return !made.owner_before(now) && !now.owner_before(made);
}

// The run's line from `previous` if it was made from these histories, options and colour.
PreparedCurvePtr reusable(const QHash<RunId, PreparedCurvePtr>& previous, const ChartRun& run,
                          const CurveOptions& options) {
    const PreparedCurvePtr old = previous.value(run.run);
    if (!old || old->curve.colour != run.colour || old->curve.name != run.name ||
        !(old->options == options) || !sameObject(old->series, run.series) ||
        !sameObject(old->xSeries, run.xSeries))
        return nullptr;
    return old;
}

// Legend names that read apart (distinctLabels): the part all names share goes, a name still
// too long for a legend entry loses its middle. Runs of several experiments that share names
// (Optuna's "trial 1" in two studies) are named with their experiment first.
void nameApart(CurveSet& set, const QStringList& experiments, int legendChars) {
    for (const PreparedCurvePtr& c : set.curves) {
        set.names << c->curve.name;
        set.fullNames << c->curve.title();
    }
    if (set.curves.size() < 2) return;
    QStringList names = set.names;
    if (QSet<QString>(names.begin(), names.end()).size() < names.size() &&
        QSet<QString>(experiments.begin(), experiments.end()).size() > 1)
        for (qsizetype i = 0; i < names.size(); ++i)
            names[i] = experiments[i] + u'/' + names[i];
    const DistinctLabels labels = distinctLabels(names, std::max(10, legendChars));
    set.fullNames = names;
    set.names = labels.labels;
    set.legendPrefix = labels.prefix;
}

// Group labels in value order (numbers first, then text), so a group keeps its colour as runs
// come and go.
QStringList groupLabels(const std::vector<ChartRun>& runs) {
    QStringList labels;
    QSet<QString> seen;
    for (const ChartRun& run : runs)
        if (!seen.contains(run.group)) seen.insert(run.group), labels << run.group;
    std::stable_sort(labels.begin(), labels.end(), [](const QString& a, const QString& b) {
        bool aNumber = false, bNumber = false;
        const double x = a.toDouble(&aNumber), y = b.toDouble(&bNumber);
        if (aNumber != bNumber) return aNumber;
        return aNumber ? x < y : QString::compare(a, b, Qt::CaseInsensitive) < 0;
    });
    return labels;
}

// One line per group: the mean of its (smoothed) runs and their band, in palette order.
std::vector<PreparedCurvePtr> groupCurves(const ChartPlan& plan,
                                          const std::vector<PreparedCurvePtr>& members) {
    std::vector<PreparedCurvePtr> grouped;
    const QString key = plan.groupKey.section(u'.', 1);
    for (const QString& label : groupLabels(plan.runs)) {
        std::vector<CurveView> views;
        ChartCurve out;
        out.colour = runPalette()[grouped.size() % runPalette().size()];
        for (size_t i = 0; i < members.size(); ++i) {
            if (plan.runs[i].group != label) continue;
            if (views.empty()) out.run = members[i]->curve.run;
            views.push_back({&members[i]->curve.xs, &members[i]->curve.ys});
        }
        GroupBand band = groupBand(views, plan.band);
        out.name = QStringLiteral("%1=%2 (%3 runs)").arg(key, label).arg(views.size());
        out.xs = std::move(band.xs);
        out.ys = std::move(band.mean);
        out.low = std::move(band.low);
        out.high = std::move(band.high);
        grouped.push_back(PreparedCurve::make(std::move(out)));
    }
    return grouped;
}

}  // namespace

std::shared_ptr<PreparedCurve> PreparedCurve::make(ChartCurve curve) {
    auto prepared = std::make_shared<PreparedCurve>();
    prepared->curve = std::move(curve);
    const ChartCurve& c = prepared->curve;
    prepared->blocks.build(c.ys.data(), c.ys.size());
    if (!c.rawYs.empty()) prepared->rawBlocks.build(c.rawYs.data(), c.rawYs.size());
    prepared->nonPositive =
        size_t(std::count_if(c.ys.begin(), c.ys.end(), [](double y) { return y <= 0; }));
    return prepared;
}

size_t CurveSet::points() const {
    size_t n = 0;
    for (const PreparedCurvePtr& c : curves)
        n += c->curve.xs.size();
    return n;
}

std::shared_ptr<const CurveSet> CurveSet::of(std::vector<ChartCurve> curves) {
    auto set = std::make_shared<CurveSet>();
    for (ChartCurve& c : curves) {
        set->names << c.name;
        set->fullNames << c.title();
        set->curves.push_back(PreparedCurve::make(std::move(c)));
    }
    set->members = set->curves;
    return set;
}

std::shared_ptr<const CurveSet> buildCurveSet(const ChartPlan& plan, const CurveSet* previous,
                                              const std::atomic_bool* cancelled) {
    QHash<RunId, PreparedCurvePtr> before;
    if (previous)
        for (const PreparedCurvePtr& c : previous->members)
            before.insert(c->curve.run, c);
    auto set = std::make_shared<CurveSet>();
    QStringList experiments;
    set->members.resize(plan.runs.size());
    std::vector<size_t> toBuild;
    for (size_t i = 0; i < plan.runs.size(); ++i) {
        const ChartRun& run = plan.runs[i];
        set->members[i] = reusable(before, run, plan.options);
        if (!set->members[i]) toBuild.push_back(i);
        experiments << run.experiment;
    }
    const auto stopped = [cancelled] {
        return cancelled && cancelled->load(std::memory_order_relaxed);
    };
    // Each curve on its own (smoothing a 50,000-point history, its min/max blocks): on two
    // threads, each filling its own members.
    inTwoHalves(toBuild.size(), [&](size_t from, size_t to) {
        for (size_t k = from; k < to && !stopped(); ++k) {
            const ChartRun& run = plan.runs[toBuild[k]];
            auto made = PreparedCurve::make(buildCurve(run.run, run.name, run.colour, run.series,
                                                       run.xSeries.get(), plan.options));
            made->series = run.series;
            made->xSeries = run.xSeries;
            made->options = plan.options;
            set->members[toBuild[k]] = std::move(made);
        }
    });
    if (stopped()) return nullptr;
    if (plan.groupKey.isEmpty()) {
        set->curves = set->members;
        nameApart(*set, experiments, plan.legendChars);
    } else {
        set->curves = groupCurves(plan, set->members);
        for (const PreparedCurvePtr& c : set->curves)
            set->names << c->curve.name, set->fullNames << c->curve.name;
    }
    return set;
}

}  // namespace runlens
