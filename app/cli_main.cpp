// runlens-cli: the engine without a display, for scripts, CI and tests (DESIGN.md,
// "Command line"). Exit codes: 0 success, 1 nothing could be read, 2 bad arguments.

#include <malloc.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "CliArguments.h"
#include "PlotInputs.h"
#include "export/CurveCsv.h"
#include "export/RunExport.h"
#include "project/CacheFolder.h"
#include "project/Detector.h"
#include "project/ProjectLoader.h"
#include "query/RunFilter.h"

using namespace runlens;

namespace {

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
    "  cache [--clear]                             where the cache is and its size; --clear "
    "empties it\n"
    "  --no-cache   read every file again, and neither read nor write the cache\n"
    "               (what was read is kept in the user's cache folder, as the app does)\n"
    "  --version, --help\n";

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

int commandCache(const Arguments& args) {
    const QString dir = CacheFolder::path();
    if (args.clearCache) {
        QString error;
        if (!CacheFolder::clear(dir, &error)) return fail(kNothingRead, error);
        printf("cleared %s\n", qPrintable(dir));
        return kOk;
    }
    int files = 0;
    const qint64 bytes = CacheFolder::sizeOf(dir, &files);
    printf("%s  %d files  %.1f MB\n", qPrintable(dir), files, double(bytes) / 1e6);
    return kOk;
}

int commandHistory(const Arguments& args) {
    ScanOptions options = scanOptions(args);
    options.includeDeleted = true;  // a run named explicitly is shown even if deleted
    options.onlyRun = args.run;     // looked for, and read, only where it is, where formats can
    const LoadedProject project = loadProject(args.path, options);
    const std::vector<const Run*> matches = project.runsNamed(args.run);
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
    const ByteSink toStdout = [](const char* data, size_t size) { fwrite(data, 1, size, stdout); };
    if (args.format == u"json")
        writeHistoryJson(run, args.metric, history.series, toStdout);
    else
        writeHistoryCsv(history.series, toStdout);
    fflush(stdout);
    return kOk;
}

// The values a chart of --metric would draw; the picture itself is runlens-draw's.
int commandChartCsv(const Arguments& args) {
    ChartInput chart;
    if (const int code = loadChart(args, chart)) return code;
    return writeFile(args.out, curvesCsv(args.metric, chart.curves));
}

// The values on the axes of the parallel coordinates; the picture itself is runlens-draw's.
int commandParallelCsv(const Arguments& args) {
    ParallelInput input;
    if (const int code = loadParallel(args, input)) return code;
    const RunFilter filter = RunFilter::parse(args.filter);
    std::vector<const Run*> runs;
    for (const Run& run : input.catalog.runs())
        if (filter.matches(run)) runs.push_back(&run);
    if (runs.empty())
        return fail(kNothingRead, QStringLiteral("no run under %1 to show").arg(args.path));
    return writeFile(args.out, columnsToCsv(runs, parallelColumns(runs, input.columns)));
}

// runlens-draw next to runlens-cli (the build tree), else where the package installs it
// (RUNLENS_DRAW_FROM_BIN: libexec relative to bin). Empty when neither is there.
QString drawProgram() {
    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString& candidate :
         {dir + QStringLiteral("/runlens-draw"),
          dir + QStringLiteral("/" RUNLENS_DRAW_FROM_BIN "/runlens-draw")}) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable()) return info.canonicalFilePath();
    }
    return {};
}

// Pictures need Qt's GUI libraries, which take runlens-cli's start-up time to load for every
// command; runlens-draw has them and takes over this process with the same arguments, so
// output, exit code and signals are its own.
int execDraw(char** argv) {
    const QString program = drawProgram();
    if (program.isEmpty())
        return fail(kNothingRead,
                    QStringLiteral("cannot draw pictures: runlens-draw is not installed next to "
                                   "%1 or in %1/%2")
                        .arg(QCoreApplication::applicationDirPath(),
                             QStringLiteral(RUNLENS_DRAW_FROM_BIN)));
    const QByteArray path = QFile::encodeName(program);
    argv[0] = const_cast<char*>(path.constData());
    execv(path.constData(), argv);
    return fail(
        kNothingRead,
        QStringLiteral("cannot run %1: %2").arg(program, QString::fromLocal8Bit(strerror(errno))));
}

}  // namespace

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
    // Past a file size limit (ulimit -f) a cache write fails and costs only the cache, rather
    // than SIGXFSZ ending the process.
    std::signal(SIGXFSZ, SIG_IGN);
    // A history's columns and buffers (hundreds of KB each) from the heap, reused once freed,
    // rather than each mapped fresh from the kernel and faulted in page by page.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    QCoreApplication app(argc, argv);
    Arguments args;
    const QString error = parseArguments(app.arguments(), args);
    if (!error.isEmpty()) {
        fprintf(stderr, "runlens-cli: %s\n", qPrintable(error));
        if (!error.startsWith(u"--filter"))
            fprintf(stderr, "  (runlens-cli --help lists the commands)\n");
        return kBadArguments;
    }
    if (args.command == u"cache") return commandCache(args);
    // A server's or database's URL is not looked for on disk (Detector: urlScheme).
    if (urlScheme(args.path).isEmpty() && !QFile::exists(args.path))
        return fail(kNothingRead, QStringLiteral("%1: no such file or folder").arg(args.path));
    if (drawsPicture(args)) return execDraw(argv);
    if (args.command == u"sources") return commandSources(args);
    if (args.command == u"runs") return commandRuns(args);
    if (args.command == u"chart") return commandChartCsv(args);
    if (args.command == u"parallel") return commandParallelCsv(args);
    return commandHistory(args);
}
