// A 10-column x 1,000,000-row metrics.csv (step, timestamp and 8 metrics, some cells empty
// as Lightning writes them): how long the CSV source takes to read it.
//   bench_csv [DIR]   (default: a temporary folder; the file is about 100 MB)

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <cstdio>
#include <random>

#include "sources/CsvSource.h"

using namespace runlens;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString dir = (argc > 1 ? QString::fromLocal8Bit(argv[1]) : tmp.path()) +
                        QStringLiteral("/lightning_logs/version_0");
    QDir().mkpath(dir);
    const QString path = dir + QStringLiteral("/metrics.csv");
    if (!QFile::exists(path)) {
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        std::mt19937 rng(2);
        std::uniform_real_distribution<double> unit(0, 1);
        f.write("step,timestamp,m0,m1,m2,m3,m4,m5,m6,m7\n");
        QByteArray row;
        for (int r = 0; r < 1'000'000; ++r) {
            row = QByteArray::number(r) + ',' + QByteArray::number(1800000000.0 + r * 0.01, 'f', 2);
            for (int m = 0; m < 8; ++m) {
                row += ',';
                if (m < 6 || r % 10 == 0) row += QByteArray::number(unit(rng), 'g', 17);
            }
            row += '\n';
            f.write(row);
        }
    }
    std::vector<double> ms;
    size_t points = 0;
    for (int i = 0; i < 5; ++i) {
        CsvSource source(QFileInfo(dir).path(), {dir});
        QElapsedTimer t;
        t.start();
        const ScanDelta delta = source.scan({});
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        points = 0;
        for (const MetricSummary& m : delta.runs.front().metrics)
            points += size_t(m.count);
    }
    std::sort(ms.begin(), ms.end());
    printf(
        "metrics.csv, 10 columns x 1,000,000 rows (%.0f MB), %zu points: read in median %.0f ms "
        "(best %.0f)\n",
        double(QFileInfo(path).size()) / 1e6, points, ms[2], ms[0]);
    return 0;
}
