// The first open of a TensorBoard logdir (issue 19): every event file read and every run's
// series cache entry written, in process, the event files in the page cache. Prints the best
// and the median of the repeats in ns a point, wall and CPU (the machine is shared: the best
// says most about the code). A logdir of one run is read on the calling thread, as
// `runlens-cli history` reads one: the per-point cost of one core.
//   bench_first_open LOGDIR [--repeat 7] [--no-cache]
// LOGDIR: tfevents_generate's, e.g. --runs 1 --tags 50 --steps 50000 (2.5 M points).

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "BenchStats.h"
#include "sources/TensorBoardSource.h"

using namespace runlens;
using bench::median;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        fprintf(stderr, "usage: bench_first_open LOGDIR [--repeat N] [--no-cache]\n");
        return 2;
    }
    const QString logdir = QString::fromLocal8Bit(argv[1]);
    int repeat = 7;
    bool cache = true;
    for (int i = 2; i < argc; ++i) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = atoi(argv[++i]);
        if (!strcmp(argv[i], "--no-cache")) cache = false;
    }
    std::vector<double> wallNs, cpuNs;
    qint64 points = 0;
    for (int r = 0; r < repeat; ++r) {
        QTemporaryDir cacheDir;
        TensorBoardSource source(logdir);
        ScanOptions options;
        if (cache) options.cacheDir = cacheDir.path();
        QElapsedTimer t;
        const double cpu0 = bench::cpuMs();
        t.start();
        const ScanDelta delta = source.scan(options);
        const double wallMs = double(t.nsecsElapsed()) / 1e6;
        const double cpuMs = bench::cpuMs() - cpu0;
        points = 0;
        for (const Run& run : delta.runs)
            for (const MetricSummary& m : run.metrics)
                points += m.count;
        if (points == 0) {
            fprintf(stderr, "no points in %s\n", argv[1]);
            return 1;
        }
        wallNs.push_back(wallMs * 1e6 / double(points));
        cpuNs.push_back(cpuMs * 1e6 / double(points));
    }
    printf(
        "%lld points, %s, %d repeats: wall %.1f ns a point best, %.1f median; CPU %.1f best, "
        "%.1f median\n",
        points, cache ? "writing the series cache" : "no cache", repeat,
        *std::min_element(wallNs.begin(), wallNs.end()), median(wallNs),
        *std::min_element(cpuNs.begin(), cpuNs.end()), median(cpuNs));
    return 0;
}
