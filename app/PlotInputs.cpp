#include "PlotInputs.h"

#include "model/RunColours.h"
#include "query/RunFilter.h"

namespace runlens {

namespace {

// A key as the user typed it: "params.lr", or a bare "lr" (a param, else a metric, else an
// attribute). Empty when no run has it.
QString resolveKey(const std::vector<Run>& runs, const QString& key) {
    const ColumnRef column = ColumnRef::parse(key);
    const bool prefixed = column.key() == key;
    auto has = [&runs](const ColumnRef& c) {
        if (c.kind == ColumnRef::Kind::Attribute) return viewAttributes().contains(c.name);
        return std::any_of(runs.begin(), runs.end(), [&c](const Run& run) {
            return cellValue(run, c).kind != CellValue::Kind::Missing;
        });
    };
    if (prefixed) return has(column) ? key : QString();
    for (const ColumnRef::Kind kind : {ColumnRef::Kind::Param, ColumnRef::Kind::Metric,
                                       ColumnRef::Kind::Tag, ColumnRef::Kind::Attribute})
        if (has({kind, key})) return ColumnRef{kind, key}.key();
    return {};
}

}  // namespace

int loadChart(const Arguments& args, ChartInput& out) {
    const LoadedProject project = loadProject(args.path, scanOptions(args));
    const RunFilter filter = RunFilter::parse(args.filter);
    CurveOptions options;
    options.xKind = args.x == u"wall"       ? XKind::WallTime
                    : args.x == u"relative" ? XKind::RelativeTime
                                            : XKind::Step;
    options.smoothing = args.smoothing > 0 ? Smoothing::Ema : Smoothing::None;
    options.amount = args.smoothing;
    out.xKind = options.xKind;
    for (const Run& run : project.delta.runs) {
        if (!filter.matches(run) || !run.metrics.contains(args.metric)) continue;
        Source* source = project.sourceFor(run);
        const HistoryResult history =
            source ? source->loadHistory(run, args.metric) : HistoryResult{};
        if (history.found)
            // Palette colours in turn, as runs checked one after another get in the app.
            out.curves.push_back(buildCurve(run,
                                            runPalette()[out.curves.size() % runPalette().size()],
                                            history.series, nullptr, options));
    }
    if (out.curves.empty())
        return fail(
            kNothingRead,
            QStringLiteral("no run under %1 has the metric '%2'").arg(args.path, args.metric));
    return kOk;
}

int loadParallel(const Arguments& args, ParallelInput& out) {
    LoadedProject project = loadProject(args.path, scanOptions(args));
    out.catalog.apply(std::move(project.delta));
    for (const QString& key : args.axes) {
        const QString resolved = resolveKey(out.catalog.runs(), key);
        if (resolved.isEmpty())
            return fail(kBadArguments, QStringLiteral("--axes: no run has '%1'").arg(key));
        out.columns.push_back(ColumnRef::parse(resolved));
    }
    if (!args.colorBy.isEmpty()) {
        out.colour = resolveKey(out.catalog.runs(), args.colorBy);
        if (out.colour.isEmpty())
            return fail(kBadArguments,
                        QStringLiteral("--color-by: no run has '%1'").arg(args.colorBy));
    }
    return kOk;
}

}  // namespace runlens
