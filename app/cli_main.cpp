// runlens-cli: the engine without a display, for scripts, CI and tests (DESIGN.md,
// "Command line"). Exit codes: 0 success, 1 nothing could be read, 2 bad arguments.

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <cstdio>
#include <memory>

#include "MetricChart.h"
#include "ParallelView.h"
#include "analysis/ChartCurve.h"
#include "export/CurveCsv.h"
#include "export/RunExport.h"
#include "model/RunColours.h"
#include "model/RunSelection.h"
#include "project/Detector.h"
#include "project/ProjectLoader.h"
#include "query/RunFilter.h"

using namespace runlens;

namespace {

constexpr int kOk = 0;
constexpr int kNothingRead = 1;
constexpr int kBadArguments = 2;

const char* const kUsage =
    "usage: runlens-cli COMMAND PATH [options]   (PATH: a folder, a file, or a server's URL)\n"
    "commands:\n"
    "  sources PATH [--format table|json]          what was detected, run counts, problems\n"
    "  runs PATH [--filter EXPR] [--format table|csv|json] [--include-deleted] [--metric-stats]\n"
    "       [--no-purge] [--no-join]\n"
    "  history PATH --run ID --metric KEY [--format csv|json] [--no-purge] [--no-join]\n"
    "  chart PATH --metric KEY --out FILE.png|.svg|.csv [--filter EXPR] [--x step|wall|relative]\n"
    "        [--smoothing 0..0.999] [--log-y] [--size WxH]\n"
    "  parallel PATH --out FILE.png|.svg|.csv [--filter EXPR] [--axes K1,K2,...]\n"
    "        [--color-by KEY] [--size WxH]   keys: params.lr, metrics.loss, tags.t, "
    "attributes.status\n"
    "  --version, --help\n";

void writeOut(const QByteArray& bytes) {
    fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    fflush(stdout);
}

int fail(int code, const QString& message) {
    fprintf(stderr, "runlens-cli: %s\n", qPrintable(message));
    return code;
}

// Exit 1 with the reason on stderr when nothing could be read: no source found, or sources
// that gave only problems (a garbage mlflow.db). An empty store read cleanly is exit 0.
int nothingReadExit(const LoadedProject& project, const QString& path) {
    if (!project.nothingRead()) return kOk;
    if (project.sources.empty() && project.delta.problems.isEmpty())
        return fail(kNothingRead, QStringLiteral("no runs found under %1").arg(path));
    const Problem& first = project.delta.problems.first();
    return fail(kNothingRead, QStringLiteral("no runs could be read from %1: %2: %3")
                                  .arg(path, first.path, first.message));
}

struct Arguments {
    QString command;
    QString path;
    QString format;
    QString filter;
    QString run;
    QString metric;
    bool includeDeleted = false;
    bool metricStats = false;
    bool purgeRestarts = true;
    bool joinHparamsRuns = true;
    QString out;
    QString x = QStringLiteral("step");
    double smoothing = 0;
    bool logY = false;
    QSize size{1200, 700};
    QStringList axes;
    QString colorBy;
};

ScanOptions scanOptions(const Arguments& args) {
    ScanOptions options;
    options.includeDeleted = args.includeDeleted;
    options.metricStats = args.metricStats;
    options.purgeRestarts = args.purgeRestarts;
    options.joinHparamsRuns = args.joinHparamsRuns;
    return options;
}

// Returns an error sentence, or an empty string when the arguments make sense.
QString parseArguments(const QStringList& args, Arguments& out) {
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("command"), {});
    parser.addPositionalArgument(QStringLiteral("path"), {});
    parser.addOptions({
        {QStringLiteral("format"), {}, QStringLiteral("format")},
        {QStringLiteral("filter"), {}, QStringLiteral("expr")},
        {QStringLiteral("run"), {}, QStringLiteral("id")},
        {QStringLiteral("metric"), {}, QStringLiteral("key")},
        {QStringLiteral("include-deleted"), {}},
        {QStringLiteral("metric-stats"), {}},
        {QStringLiteral("no-purge"), {}},
        {QStringLiteral("no-join"), {}},
        {QStringLiteral("out"), {}, QStringLiteral("file")},
        {QStringLiteral("x"), {}, QStringLiteral("axis")},
        {QStringLiteral("smoothing"), {}, QStringLiteral("weight")},
        {QStringLiteral("log-y"), {}},
        {QStringLiteral("size"), {}, QStringLiteral("WxH")},
        {QStringLiteral("axes"), {}, QStringLiteral("keys")},
        {QStringLiteral("color-by"), {}, QStringLiteral("key")},
    });
    if (!parser.parse(args)) return parser.errorText();
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) return QStringLiteral("expected a command and a PATH");
    out.command = positional[0];
    out.path = positional[1];
    out.filter = parser.value(QStringLiteral("filter"));
    out.run = parser.value(QStringLiteral("run"));
    out.metric = parser.value(QStringLiteral("metric"));
    out.includeDeleted = parser.isSet(QStringLiteral("include-deleted"));
    out.metricStats = parser.isSet(QStringLiteral("metric-stats"));
    out.purgeRestarts = !parser.isSet(QStringLiteral("no-purge"));
    out.joinHparamsRuns = !parser.isSet(QStringLiteral("no-join"));
    out.format = parser.value(QStringLiteral("format"));

    QStringList formats;
    if (out.command == u"sources")
        formats = {QStringLiteral("table"), QStringLiteral("json")};
    else if (out.command == u"runs")
        formats = {QStringLiteral("table"), QStringLiteral("csv"), QStringLiteral("json")};
    else if (out.command == u"history")
        formats = {QStringLiteral("csv"), QStringLiteral("json")};
    else if (out.command == u"chart" || out.command == u"parallel")
        formats = {QStringLiteral("file")};  // the format is --out's suffix
    else
        return QStringLiteral("unknown command '%1' (sources, runs, history, chart, parallel)")
            .arg(out.command);
    if (out.format.isEmpty()) out.format = formats.first();
    if (!formats.contains(out.format))
        return QStringLiteral("--format for %1 is one of %2").arg(out.command, formats.join(u'|'));
    if (out.command == u"history" && (out.run.isEmpty() || out.metric.isEmpty()))
        return QStringLiteral("history needs --run ID and --metric KEY");
    if (out.command == u"chart" || out.command == u"parallel") {
        out.out = parser.value(QStringLiteral("out"));
        if (out.command == u"chart" && (out.metric.isEmpty() || out.out.isEmpty()))
            return QStringLiteral("chart needs --metric KEY and --out FILE");
        if (out.out.isEmpty()) return QStringLiteral("parallel needs --out FILE");
        for (const QString& key :
             parser.value(QStringLiteral("axes")).split(u',', Qt::SkipEmptyParts))
            out.axes << key.trimmed();
        out.colorBy = parser.value(QStringLiteral("color-by"));
        const QString suffix = QFileInfo(out.out).suffix().toLower();
        if (suffix != u"png" && suffix != u"svg" && suffix != u"csv")
            return QStringLiteral("--out must end in .png, .svg or .csv");
        if (parser.isSet(QStringLiteral("x"))) out.x = parser.value(QStringLiteral("x"));
        if (out.x != u"step" && out.x != u"wall" && out.x != u"relative")
            return QStringLiteral("--x is step, wall or relative");
        bool ok = true;
        if (parser.isSet(QStringLiteral("smoothing")))
            out.smoothing = parser.value(QStringLiteral("smoothing")).toDouble(&ok);
        if (!ok || out.smoothing < 0 || out.smoothing > 0.999)
            return QStringLiteral("--smoothing is a number from 0 to 0.999");
        out.logY = parser.isSet(QStringLiteral("log-y"));
        if (parser.isSet(QStringLiteral("size"))) {
            const QStringList wh = parser.value(QStringLiteral("size")).split(u'x');
            const int w = wh.value(0).toInt(), h = wh.value(1).toInt();
            if (wh.size() != 2 || w < 100 || h < 100 || w > 10000 || h > 10000)
                return QStringLiteral("--size is WxH, e.g. 1200x700");
            out.size = QSize(w, h);
        }
    }
    FilterSyntaxError syntax;
    if (!RunFilter::parse(out.filter, &syntax).isValid())
        return QStringLiteral("--filter: %1 at column %2\n  %3\n  %4^")
            .arg(syntax.message)
            .arg(syntax.column)
            .arg(out.filter, QString(syntax.column - 1, u' '));
    return {};
}

int commandSources(const Arguments& args) {
    const LoadedProject project = loadProject(args.path, scanOptions(args));
    std::vector<SourceSummary> sources;
    for (size_t i = 0; i < project.sources.size(); ++i)
        sources.push_back({project.sources[i]->kind(), project.sources[i]->root(),
                           project.runCounts[i], project.sources[i]->skippedTags()});
    if (args.format == u"json") {
        writeOut(sourcesToJson(sources, project.delta.problems, project.skipped));
    } else {
        QByteArray out;
        for (const SourceSummary& source : sources) {
            out += QStringLiteral("%1  %2 runs  %3\n")
                       .arg(source.kind, -12)
                       .arg(source.runs, 6)
                       .arg(source.root)
                       .toUtf8();
            for (auto it = source.skippedTags.begin(); it != source.skippedTags.end(); ++it)
                out += QStringLiteral("    not read (%1): %2\n")
                           .arg(it.key(), it.value().join(QStringLiteral(", ")))
                           .toUtf8();
        }
        if (project.sources.empty()) out += "no sources found\n";
        for (const Problem& p : project.delta.problems)
            out += QStringLiteral("problem: %1: %2\n").arg(p.path, p.message).toUtf8();
        for (const Problem& p : project.skipped)
            out += QStringLiteral("skipped: %1: %2\n").arg(p.path, p.message).toUtf8();
        writeOut(out);
    }
    return nothingReadExit(project, args.path);
}

int commandRuns(const Arguments& args) {
    const LoadedProject project = loadProject(args.path, scanOptions(args));
    const RunFilter filter = RunFilter::parse(args.filter);
    std::vector<const Run*> runs;
    for (const Run& run : project.delta.runs)
        if (filter.matches(run)) runs.push_back(&run);
    if (args.format == u"json")
        writeOut(runsToJson(runs, project.delta.problems, false));
    else if (args.format == u"csv")
        writeOut(runsToCsv(runs));
    else
        writeOut(runsToTable(runs));
    if (args.format != u"json")
        for (const Problem& p : project.delta.problems)
            fprintf(stderr, "problem: %s: %s\n", qPrintable(p.path), qPrintable(p.message));
    return nothingReadExit(project, args.path);
}

int commandHistory(const Arguments& args) {
    ScanOptions options = scanOptions(args);
    options.includeDeleted = true;  // a run named explicitly is shown even if deleted
    const LoadedProject project = loadProject(args.path, options);
    std::vector<const Run*> matches;
    for (const Run& run : project.delta.runs)
        if (run.id.text() == args.run) matches = {&run};
    if (matches.empty())
        for (const Run& run : project.delta.runs)
            if (run.nativeId == args.run) matches.push_back(&run);
    if (matches.empty())
        return fail(kNothingRead,
                    QStringLiteral("no run with id '%1' under %2").arg(args.run, args.path));
    if (matches.size() > 1)
        return fail(kBadArguments,
                    QStringLiteral("'%1' names %2 runs; give the full id (%3 or ...)")
                        .arg(args.run)
                        .arg(matches.size())
                        .arg(matches[0]->id.text()));
    const Run& run = *matches[0];
    Source* source = project.sourceFor(run);
    const HistoryResult history = source ? source->loadHistory(run, args.metric) : HistoryResult{};
    for (const Problem& p : history.problems)
        fprintf(stderr, "problem: %s: %s\n", qPrintable(p.path), qPrintable(p.message));
    if (!history.found)
        return fail(kNothingRead,
                    QStringLiteral("run '%1' has no metric '%2'").arg(run.name, args.metric));
    writeOut(args.format == u"json" ? historyToJson(run, args.metric, history.series)
                                    : historyToCsv(history.series));
    return kOk;
}

}  // namespace

namespace {

bool isCsvPath(const QString& path) {
    return QFileInfo(path).suffix().compare(u"csv", Qt::CaseInsensitive) == 0;
}

int writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) < 0)
        return fail(kNothingRead, QStringLiteral("cannot write %1").arg(path));
    return kOk;
}

// The value after `option` in argv, before Qt has parsed anything; empty if absent.
const char* optionValue(int argc, char** argv, const char* option) {
    for (int i = 1; i + 1 < argc; ++i)
        if (strcmp(argv[i], option) == 0) return argv[i + 1];
    return "";
}

}  // namespace

// The chart a user would see for --metric over the runs --filter picks, drawn offscreen.
int commandChart(const Arguments& args) {
    const LoadedProject project = loadProject(args.path, scanOptions(args));
    const RunFilter filter = RunFilter::parse(args.filter);
    CurveOptions options;
    options.xKind = args.x == u"wall"       ? XKind::WallTime
                    : args.x == u"relative" ? XKind::RelativeTime
                                            : XKind::Step;
    options.smoothing = args.smoothing > 0 ? Smoothing::Ema : Smoothing::None;
    options.amount = args.smoothing;
    std::vector<ChartCurve> curves;
    for (const Run& run : project.delta.runs) {
        if (!filter.matches(run) || !run.metrics.contains(args.metric)) continue;
        Source* source = project.sourceFor(run);
        const HistoryResult history =
            source ? source->loadHistory(run, args.metric) : HistoryResult{};
        if (history.found)
            // Palette colours in turn, as runs checked one after another get in the app.
            curves.push_back(buildCurve(run, runPalette()[curves.size() % runPalette().size()],
                                        history.series, nullptr, options));
    }
    if (curves.empty())
        return fail(
            kNothingRead,
            QStringLiteral("no run under %1 has the metric '%2'").arg(args.path, args.metric));
    // The drawn values need no chart: core writes them.
    if (isCsvPath(args.out)) return writeFile(args.out, curvesCsv(args.metric, curves));
    MetricChart chart(args.metric);
    chart.resize(args.size);
    chart.setCurves(std::move(curves), options.xKind, args.logY);
    if (!chart.saveAs(args.out, args.size, 1))
        return fail(kNothingRead, QStringLiteral("cannot write %1").arg(args.out));
    return kOk;
}

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

// The parallel coordinates a user would see over the runs --filter picks, drawn offscreen.
int commandParallel(const Arguments& args) {
    LoadedProject project = loadProject(args.path, scanOptions(args));
    Catalog catalog;
    catalog.apply(std::move(project.delta));
    std::vector<ColumnRef> columns;
    for (const QString& key : args.axes) {
        const QString resolved = resolveKey(catalog.runs(), key);
        if (resolved.isEmpty())
            return fail(kBadArguments, QStringLiteral("--axes: no run has '%1'").arg(key));
        columns.push_back(ColumnRef::parse(resolved));
    }
    QString colour;
    if (!args.colorBy.isEmpty()) {
        colour = resolveKey(catalog.runs(), args.colorBy);
        if (colour.isEmpty())
            return fail(kBadArguments,
                        QStringLiteral("--color-by: no run has '%1'").arg(args.colorBy));
    }
    if (isCsvPath(args.out)) {
        // The values of the axes need no view: core writes them.
        const RunFilter filter = RunFilter::parse(args.filter);
        std::vector<const Run*> runs;
        for (const Run& run : catalog.runs())
            if (filter.matches(run)) runs.push_back(&run);
        if (runs.empty())
            return fail(kNothingRead, QStringLiteral("no run under %1 to show").arg(args.path));
        return writeFile(args.out, columnsToCsv(runs, parallelColumns(runs, columns)));
    }
    RunSelection selection;
    ParallelView view(&catalog, &selection);
    selection.setFilter(RunFilter::parse(args.filter));
    if (view.shownRuns().empty())
        return fail(kNothingRead, QStringLiteral("no run under %1 to show").arg(args.path));
    view.setColumns(columns);
    view.setColouring(colour, false);
    view.resize(args.size);
    if (!view.saveAs(args.out, args.size, 1))
        return fail(kNothingRead, QStringLiteral("cannot write %1").arg(args.out));
    return kOk;
}

int main(int argc, char** argv) {
    // --version answers before Qt starts: scripts call it to check the install.
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("runlens-cli %s\n", RUNLENS_VERSION);
            return kOk;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(kUsage, stdout);
            return kOk;
        }
    }
    // Pictures need a QApplication; headless, with Qt's offscreen platform. A CSV needs none.
    const bool charting = argc > 1 &&
                          (strcmp(argv[1], "chart") == 0 || strcmp(argv[1], "parallel") == 0) &&
                          !isCsvPath(QString::fromLocal8Bit(optionValue(argc, argv, "--out")));
    if (charting && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // Qt's own chatter about the offscreen platform is not for script users.
    if (charting && qEnvironmentVariableIsEmpty("RUNLENS_DEBUG"))
        qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext&, const QString& message) {
                if (type == QtCriticalMsg || type == QtFatalMsg)
                    fprintf(stderr, "runlens-cli: %s\n", qPrintable(message));
            });
    std::unique_ptr<QCoreApplication> app = charting
                                                ? std::make_unique<QApplication>(argc, argv)
                                                : std::make_unique<QCoreApplication>(argc, argv);
    Arguments args;
    const QString error = parseArguments(app->arguments(), args);
    if (!error.isEmpty()) {
        fprintf(stderr, "runlens-cli: %s\n", qPrintable(error));
        if (!error.startsWith(u"--filter"))
            fprintf(stderr, "  (runlens-cli --help lists the commands)\n");
        return kBadArguments;
    }
    // A server's or database's URL is not looked for on disk (Detector: urlScheme).
    if (urlScheme(args.path).isEmpty() && !QFile::exists(args.path))
        return fail(kNothingRead, QStringLiteral("%1: no such file or folder").arg(args.path));
    if (args.command == u"sources") return commandSources(args);
    if (args.command == u"runs") return commandRuns(args);
    if (args.command == u"chart") return commandChart(args);
    if (args.command == u"parallel") return commandParallel(args);
    return commandHistory(args);
}
