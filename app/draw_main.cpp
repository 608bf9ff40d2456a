// runlens-draw: the pictures of `runlens-cli chart` and `runlens-cli parallel` (PNG, SVG),
// drawn offscreen with the app's own views. runlens-cli runs it in its place (exec) for those
// commands, so that the other commands never load Qt's GUI libraries. Same arguments, exit
// codes and messages as runlens-cli (DESIGN.md, "Command line").

#include <QApplication>
#include <csignal>
#include <cstdio>

#include "CliArguments.h"
#include "MetricChart.h"
#include "ParallelView.h"
#include "PlotInputs.h"
#include "model/RunSelection.h"
#include "query/RunFilter.h"

using namespace runlens;

namespace {

// The chart a user would see for --metric over the runs --filter picks.
int drawChart(const Arguments& args) {
    ChartInput input;
    if (const int code = loadChart(args, input)) return code;
    MetricChart chart(args.metric);
    chart.resize(args.size);
    chart.setCurves(std::move(input.curves), input.xKind, args.logY);
    if (!chart.saveAs(args.out, args.size, 1))
        return fail(kNothingRead, QStringLiteral("cannot write %1").arg(args.out));
    return kOk;
}

// The parallel coordinates a user would see over the runs --filter picks.
int drawParallel(const Arguments& args) {
    ParallelInput input;
    if (const int code = loadParallel(args, input)) return code;
    RunSelection selection;
    ParallelView view(&input.catalog, &selection);
    selection.setFilter(RunFilter::parse(args.filter));
    if (view.shownRuns().empty())
        return fail(kNothingRead, QStringLiteral("no run under %1 to show").arg(args.path));
    view.setColumns(input.columns);
    view.setColouring(input.colour, false);
    view.resize(args.size);
    if (!view.saveAs(args.out, args.size, 1))
        return fail(kNothingRead, QStringLiteral("cannot write %1").arg(args.out));
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    // Headless, with Qt's offscreen platform unless the user chose one.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's own chatter about the offscreen platform is not for script users.
    if (qEnvironmentVariableIsEmpty("RUNLENS_DEBUG"))
        qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext&, const QString& message) {
                if (type == QtCriticalMsg || type == QtFatalMsg)
                    fprintf(stderr, "runlens-cli: %s\n", qPrintable(message));
            });
    // As in runlens-cli: a cache write past ulimit -f costs only the cache.
    std::signal(SIGXFSZ, SIG_IGN);
    QApplication app(argc, argv);
    Arguments args;
    const QString error = parseArguments(app.arguments(), args);
    if (!error.isEmpty() || !drawsPicture(args))
        return fail(kBadArguments, error.isEmpty()
                                       ? QStringLiteral("runlens-draw draws chart or parallel "
                                                        "into a .png or .svg; use runlens-cli")
                                       : error);
    if (args.command == u"chart") return drawChart(args);
    return drawParallel(args);
}
