// The series cache's codec (core/codec/SeriesColumns, SeriesCacheFile) on series shaped like
// tfevents_generate's (whole steps, float32 values, wall times 5 ms apart with fractions) and
// like MLflow's (whole-ms timestamps, float64 values): bytes a point, points a second to
// encode and decode, and one 50,000-point series read back from an entry of 50 series.
//   bench_series_cache [--points 50000] [--series 50]

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <cmath>
#include <cstdio>
#include <random>

#include "BenchStats.h"
#include "codec/SeriesCacheFile.h"
#include "codec/SeriesCacheWriter.h"
#include "codec/SeriesColumns.h"

using namespace runlens;

namespace {

MetricSeries tensorBoardShaped(int points, int seed) {
    MetricSeries s;
    s.reserve(size_t(points));
    double wall = 1764000000.0 + seed * 600;
    for (int step = 0; step < points; ++step) {
        wall += 0.005;  // 50 tags, 0.1 ms apart each: one tag's points 5 ms apart
        s.append(step,
                 double(float(std::exp(-step / 1500.0) * (1 + seed % 50) +
                              0.01 * std::sin(step * 0.37 + seed))),
                 wall * 1000.0);
    }
    return s;
}

MetricSeries mlflowShaped(int points, int seed) {
    MetricSeries s;
    std::mt19937 rng{uint32_t(seed)};
    std::normal_distribution<double> noise(0, 0.01);
    double ms = 1764000000000.0;
    for (int step = 0; step < points; ++step) {
        ms += 900 + double(rng() % 200);
        s.append(step, std::exp(-step / 1500.0) + noise(rng), ms);
    }
    return s;
}

void measure(const char* name, const std::vector<MetricSeries>& all) {
    size_t points = 0, bytes = 0;
    std::vector<std::string> blocks;
    QElapsedTimer t;
    t.start();
    for (const MetricSeries& s : all) {
        blocks.push_back(SeriesColumns::encode(s));
        points += s.size();
        bytes += blocks.back().size();
    }
    const double encodeMs = double(t.nsecsElapsed()) / 1e6;
    t.restart();
    MetricSeries back;
    for (const std::string& b : blocks)
        SeriesColumns::decode(b, back);
    const double decodeMs = double(t.nsecsElapsed()) / 1e6;
    printf(
        "%-12s %.2f bytes a point (pyramid included); encode %.0f M points/s, decode %.0f M "
        "points/s\n",
        name, double(bytes) / double(points), double(points) / encodeMs / 1e3,
        double(points) / decodeMs / 1e3);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions(
        {{"points", "Points a series", "n", "50000"}, {"series", "Series", "n", "50"}});
    parser.process(app);
    const int points = parser.value("points").toInt(), count = parser.value("series").toInt();
    std::vector<MetricSeries> tb, mlflow;
    for (int i = 0; i < count; ++i) {
        tb.push_back(tensorBoardShaped(points, i));
        mlflow.push_back(mlflowShaped(points, i));
    }
    measure("tensorboard", tb);
    measure("mlflow", mlflow);

    QTemporaryDir dir;
    const QString path = dir.filePath("entry.rlsc");
    {
        SeriesCacheWriter writer(path, "bench");
        for (int i = 0; i < count; ++i)
            writer.add(QStringLiteral("tag_%1").arg(i), tb[size_t(i)]);
        writer.commit();
    }
    std::vector<double> opens, reads;
    for (int round = 0; round < 20; ++round) {
        QElapsedTimer t;
        t.start();
        const auto entry = SeriesCacheFile::open(path, "bench");
        opens.push_back(double(t.nsecsElapsed()) / 1e6);
        t.restart();
        MetricSeries s;
        entry->read(entry->indexOf(QStringLiteral("tag_%1").arg(round % count)), s);
        reads.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    printf("entry of %d series: open %.3f ms, read one series of %d points %.3f ms (medians)\n",
           count, bench::median(opens), points, bench::median(reads));
    return 0;
}
