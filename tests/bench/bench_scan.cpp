// Prints how long RunLens takes to read a project (any store it detects) and one metric's
// history, and the memory it holds.
//   bench_scan PATH [--repeat 5]
// PATH: an mlruns folder or mlflow.db (mlflow_generate), a TensorBoard logdir (tfevents_generate).

#include <sys/resource.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>

#include "BenchStats.h"
#include "export/RunExport.h"
#include "project/ProjectLoader.h"

using namespace runlens;
using bench::median;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        fprintf(stderr, "usage: bench_scan PATH [--repeat N]\n");
        return 2;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    const int repeat = argc > 3 ? atoi(argv[3]) : 5;

    for (bool stats : {false, true}) {
        std::vector<double> scanMs, jsonMs;
        size_t runs = 0, points = 0;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            ScanOptions options;
            options.metricStats = stats;
            LoadedProject project = loadProject(path, options);
            scanMs.push_back(t.nsecsElapsed() / 1e6);
            std::vector<const Run*> list;
            for (const Run& r : project.delta.runs)
                list.push_back(&r);
            t.restart();
            const QByteArray json = runsToJson(list, project.delta.problems, false);
            jsonMs.push_back(t.nsecsElapsed() / 1e6);
            runs = list.size();
            points = 0;
            for (const Run& r : project.delta.runs)
                for (const MetricSummary& m : r.metrics)
                    points += size_t(std::max<qint64>(m.count, 0));
        }
        printf("scan%s: %zu runs, %zu points summarised: median %.1f ms (min %.1f), JSON %.1f ms\n",
               stats ? " with metric stats" : "", runs, points, median(scanMs),
               *std::min_element(scanMs.begin(), scanMs.end()), median(jsonMs));
        if (!path.endsWith(u".db")) break;  // only SQL stores skip stats by default
    }

    ScanOptions options;
    const LoadedProject project = loadProject(path, options);
    if (project.delta.runs.empty()) return 1;
    std::vector<double> historyUs;
    size_t historyPoints = 0;
    const int samples = std::min<int>(200, int(project.delta.runs.size()));
    for (int i = 0; i < samples; ++i) {
        const Run& run =
            project.delta.runs[size_t(i) * project.delta.runs.size() / size_t(samples)];
        if (run.metrics.isEmpty()) continue;
        const QString key = run.metrics.firstKey();
        QElapsedTimer t;
        t.start();
        const HistoryResult history = project.sourceFor(run)->loadHistory(run, key);
        historyUs.push_back(t.nsecsElapsed() / 1e3);
        historyPoints = history.series.size();
    }
    printf("history of one metric (%zu points): median %.2f ms over %zu runs\n", historyPoints,
           median(historyUs) / 1000, historyUs.size());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    qint64 points = 0;
    for (const Run& r : project.delta.runs)
        for (const MetricSummary& m : r.metrics)
            points += std::max<qint64>(m.count, 0);
    printf("peak resident memory of this benchmark: %.1f MB (%.1f bytes per point summarised)\n",
           usage.ru_maxrss / 1024.0, points ? usage.ru_maxrss * 1024.0 / double(points) : 0.0);
    // Reopening with the index of the first open (the app keeps it in the user's cache
    // folder): only files whose stamp changed are read.
    {
        QTemporaryDir cache;
        ScanOptions options;
        options.cacheDir = cache.path();
        loadProject(path, options);  // writes the index
        std::vector<double> reopenMs;
        size_t runs = 0;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            LoadedProject project = loadProject(path, options);
            reopenMs.push_back(t.nsecsElapsed() / 1e6);
            runs = project.delta.runs.size();
        }
        printf("reopen with the index: %zu runs: median %.1f ms (min %.1f)\n", runs,
               median(reopenMs), *std::min_element(reopenMs.begin(), reopenMs.end()));
    }
    return 0;
}
