// A neptune-client `.neptune` folder of 1,000,000 logged values (100 offline runs x 10 float
// series x 1,000 steps, each value its own LogFloats operation, as `run[...].append()` writes
// them, plus params and tags): how long listing it takes (detection and scan, every journal
// line replayed), and one series' history.
//   bench_neptune_client [DIR]   (default: a temporary folder; the journals are about 190 MB)

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <random>

#include "model/NumberText.h"
#include "project/ProjectLoader.h"

using namespace runlens;

namespace {

constexpr int kRuns = 100, kSeries = 10, kSteps = 1000;

void generate(const QString& data) {
    std::mt19937 rng(18);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int r = 0; r < kRuns; ++r) {
        const QString uuid =
            QStringLiteral("%1-0000-4000-8000-000000000000").arg(r, 8, 16, QLatin1Char('0'));
        const QString dir = data + QStringLiteral("/offline/run__%1__1000__bench%2")
                                       .arg(uuid)
                                       .arg(r, 3, 10, QLatin1Char('0'));
        QDir().mkpath(dir);
        QFile f(dir + QStringLiteral("/data-1.log"));
        f.open(QIODevice::WriteOnly);
        int version = 0;
        const double t0 = 1735732800.0 + 3600.0 * r;
        auto op = [&](const QByteArray& obj) {
            ++version;
            f.write("{\"obj\": " + obj + ", \"version\": " + QByteArray::number(version) +
                    ", \"at\": " + numberText(t0 + version * 0.001).toLatin1() + "}\n");
        };
        op(QStringLiteral(R"({"type": "AssignString", "path": ["sys", "name"], "value": "run-%1"})")
               .arg(r)
               .toUtf8());
        op(R"({"type": "AddStrings", "path": ["sys", "tags"], "values": ["bench"]})");
        op(QStringLiteral(R"({"type": "AssignFloat", "path": ["parameters", "lr"], "value": %1})")
               .arg(numberText(0.001 * (1 + r % 10)))
               .toUtf8());
        op(QStringLiteral(R"({"type": "AssignInt", "path": ["parameters", "seed"], "value": %1})")
               .arg(r)
               .toUtf8());
        for (int s = 0; s < kSteps; ++s)
            for (int m = 0; m < kSeries; ++m)
                op(QStringLiteral(R"({"type": "LogFloats", "path": ["train", "metric_%1"], )"
                                  R"("values": [{"value": %2, "step": %3, "ts": %4}]})")
                       .arg(m)
                       .arg(numberText(unit(rng)))
                       .arg(s)
                       .arg(numberText(t0 + s * 0.5))
                       .toUtf8());
        QFile put(dir + QStringLiteral("/last_put_version"));
        put.open(QIODevice::WriteOnly);
        put.write(QByteArray::number(version));
        QFile(dir + QStringLiteral("/last_ack_version")).open(QIODevice::WriteOnly);
    }
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString project = argc > 1 ? QString::fromLocal8Bit(argv[1]) : tmp.path();
    const QString data = project + QStringLiteral("/.neptune");
    if (!QFile::exists(data + QStringLiteral("/done"))) {
        QDir(data).removeRecursively();
        generate(data);
        QFile(data + QStringLiteral("/done")).open(QIODevice::WriteOnly);
    }
    qint64 bytes = 0;
    for (const QFileInfo& run : QDir(data + QStringLiteral("/offline")).entryInfoList(QDir::Dirs))
        bytes += QFileInfo(run.filePath() + QStringLiteral("/data-1.log")).size();

    std::vector<double> listMs, historyMs;
    size_t runs = 0, values = 0;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        const LoadedProject loaded = loadProject(project, {});
        listMs.push_back(double(t.nsecsElapsed()) / 1e6);
        runs = loaded.delta.runs.size();
        values = 0;
        for (const Run& run : loaded.delta.runs)
            for (const MetricSummary& m : run.metrics)
                values += size_t(m.count);
        const Run& first = loaded.delta.runs.front();
        t.restart();
        const HistoryResult h =
            loaded.sourceFor(first)->loadHistory(first, QStringLiteral("train/metric_0"));
        historyMs.push_back(double(t.nsecsElapsed()) / 1e6);
        if (h.series.size() != size_t(kSteps)) fprintf(stderr, "history: wrong size\n");
    }
    std::sort(listMs.begin(), listMs.end());
    std::sort(historyMs.begin(), historyMs.end());
    printf(
        "neptune-client .neptune, %zu runs, %zu logged values (%.0f MB of journals): listed in "
        "median %.0f ms (best %.0f); one series' history (%d points) in %.2f ms\n",
        runs, values, double(bytes) / 1e6, listMs[2], listMs[0], kSteps, historyMs[2]);
    return 0;
}
