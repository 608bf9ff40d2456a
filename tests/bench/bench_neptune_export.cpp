// A neptune-exporter project of 1,000 runs x 20 params x 10 float series x 1,000 steps
// (10 M values), written once the way pyarrow 21 writes the exporter's files (model.SCHEMA's
// 16 leaf columns, dictionary pages for every non-boolean column, V1 data pages, SNAPPY, the
// step as FIXED_LEN_BYTE_ARRAY(8) decimal(18,6), one row group for the parameters and one for
// the metrics batch, rows ordered by step then attribute); then how long the source takes to
// list it and to load one series' history.
//   bench_neptune_export [DIR]   (default: a temporary folder; the files are about 160 MB)

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <random>

#include "BenchStats.h"
#include "ParquetTestWriter.h"
#include "sources/NeptuneExportSource.h"

using namespace runlens;
using namespace parquettest;
using bench::cpuMs;
using bench::median;

namespace {

constexpr int kRuns = 1000, kParams = 20, kSeries = 10, kSteps = 1000;

// model.SCHEMA as Arrow C++ 21 writes it (SCHEMA.md 2).
std::vector<Element> exporterSchema() {
    const auto text = [](const char* name) {
        return Element(name, kByteArray, 1, 0, 0, 0, 0, 0, 1);
    };
    const auto time = [](const char* name) {
        return Element(name, kInt64, 1, 0, 0, 9, 0, 0, 8, 1);
    };
    return {Element("schema", -1, -1, 14),
            text("project_id"),
            text("run_id"),
            text("attribute_path"),
            text("attribute_type"),
            Element("step", kFlba, 1, 0, 8, 5, 6, 18, 5),
            time("timestamp"),
            Element("int_value", kInt64),
            Element("float_value", kDouble),
            text("string_value"),
            Element("bool_value", kBoolean),
            time("datetime_value"),
            Element("string_set_value", -1, 1, 1, 0, 3, 0, 0, 3),
            Element("list", -1, 2, 1),
            text("element"),
            Element("file_value", -1, 1, 1),
            text("path"),
            Element("histogram_value", -1, 1, 3),
            text("type"),
            Element("edges", -1, 1, 1, 0, 3, 0, 0, 3),
            Element("list", -1, 2, 1),
            Element("element", kDouble),
            Element("values", -1, 1, 1, 0, 3, 0, 0, 3),
            Element("list", -1, 2, 1),
            Element("element", kDouble)};
}

// One exporter batch as a row group: the 16 leaves, `rows` long.
struct Batch {
    Chunk project, run, path, type, step, time, intValue, floatValue, stringValue, boolValue,
        datetime, set{3, 1}, file{2}, histogramType{2}, edges{4, 1}, values{4, 1};

    void row(const std::string& runId, const std::string& attribute, const char* attributeType) {
        for (auto [c, v] : {std::pair{&project, "acme/bench"}, std::pair{&run, runId.c_str()},
                            std::pair{&path, attribute.c_str()}, std::pair{&type, attributeType}}) {
            c->def.push_back(1);
            c->strings.emplace_back(v);
        }
        for (Chunk* c : {&set, &edges, &values})
            c->rep.push_back(0);
    }
    void null(std::initializer_list<Chunk*> chunks) {
        for (Chunk* c : chunks)
            c->def.push_back(0);
    }
    void write(Writer& w, int64_t rows) {
        w.beginRowGroup(rows);
        for (Chunk* c :
             {&project, &run, &path, &type, &step, &time, &intValue, &floatValue, &stringValue,
              &boolValue, &datetime, &set, &file, &histogramType, &edges, &values})
            w.addChunk(*c);
    }
};

void writeRun(const QString& dir, int index, std::mt19937& rng) {
    const std::string runId = "bench-run-" + std::to_string(index);
    char digest[17];
    snprintf(digest, sizeof digest, "%016llx", 0x9e3779b97f4a7c15ull * uint64_t(index + 1));
    Writer w(exporterSchema());
    std::uniform_real_distribution<double> unit(0, 1);
    Batch params;
    for (int p = 0; p < kParams; ++p) {
        params.row(runId, "parameters/p" + std::to_string(p), p % 2 ? "float" : "int");
        params.null({&params.step, &params.time, &params.stringValue, &params.boolValue,
                     &params.datetime, &params.set, &params.file, &params.histogramType,
                     &params.edges, &params.values});
        params.intValue.def.push_back(p % 2 ? 0 : 1);
        params.floatValue.def.push_back(p % 2 ? 1 : 0);
        if (p % 2)
            params.floatValue.doubles.push_back(unit(rng));
        else
            params.intValue.ints.push_back(int64_t(rng() % 1000));
    }
    params.row(runId, "sys/name", "string");
    params.null({&params.step, &params.time, &params.intValue, &params.floatValue,
                 &params.boolValue, &params.datetime, &params.set, &params.file,
                 &params.histogramType, &params.edges, &params.values});
    params.stringValue.def.push_back(1);
    params.stringValue.strings.push_back("bench " + std::to_string(index));
    params.write(w, kParams + 1);

    Batch metrics;
    const int64_t start = 1740000000000 + int64_t(index) * 3600000;
    for (int s = 0; s < kSteps; ++s) {
        for (int m = 0; m < kSeries; ++m) {
            metrics.row(runId, "train/metric_" + std::to_string(m), "float_series");
            metrics.null({&metrics.intValue, &metrics.stringValue, &metrics.boolValue,
                          &metrics.datetime, &metrics.set, &metrics.file, &metrics.histogramType,
                          &metrics.edges, &metrics.values});
            metrics.step.def.push_back(1);
            metrics.step.ints.push_back(int64_t(s) * 1000000);  // decimal(18,6)
            metrics.time.def.push_back(1);
            metrics.time.ints.push_back(start + s * 250 + m);
            metrics.floatValue.def.push_back(1);
            metrics.floatValue.doubles.push_back(unit(rng) / (1 + s * 0.01));
        }
    }
    metrics.write(w, kSteps * kSeries);
    QFile f(dir + QStringLiteral("/%1-%2_part_0.parquet")
                      .arg(QString::fromStdString(runId), QLatin1String(digest)));
    f.open(QIODevice::WriteOnly);
    const std::string bytes = w.finish("parquet-cpp-arrow version 21.0.0 (emulated)");
    f.write(bytes.data(), qint64(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString dir = (argc > 1 ? QString::fromLocal8Bit(argv[1]) : tmp.path()) +
                        QStringLiteral("/data/acme_bench-0123456789abcdef");
    QDir().mkpath(dir);
    if (QDir(dir).entryList(QDir::Files).size() < kRuns) {
        QElapsedTimer t;
        t.start();
        std::mt19937 rng(7);
        for (int r = 0; r < kRuns; ++r)
            writeRun(dir, r, rng);
        printf("wrote %d runs in %.1f s\n", kRuns, double(t.elapsed()) / 1000);
    }
    qint64 bytes = 0;
    for (QDirIterator it(dir, QDir::Files); it.hasNext();) {
        it.next();
        bytes += it.fileInfo().size();
    }
    std::vector<double> listing, listingCpu;
    ScanDelta delta;
    for (int i = 0; i < 5; ++i) {
        NeptuneExportSource source(dir);
        QElapsedTimer t;
        t.start();
        const double cpu = cpuMs();
        delta = source.scan({});
        listing.push_back(double(t.nsecsElapsed()) / 1e6);
        listingCpu.push_back(cpuMs() - cpu);
    }
    qint64 points = 0;
    for (const Run& run : delta.runs)
        for (const MetricSummary& m : run.metrics)
            points += m.count;
    NeptuneExportSource source(dir);
    delta = source.scan({});
    std::vector<double> history;
    size_t historyPoints = 0;
    for (int i = 0; i < 50; ++i) {
        const Run& run = delta.runs[size_t(i * 17) % delta.runs.size()];
        QElapsedTimer t;
        t.start();
        const HistoryResult h =
            source.loadHistory(run, QStringLiteral("train/metric_%1").arg(i % 10));
        history.push_back(double(t.nsecsElapsed()) / 1e6);
        historyPoints = h.series.size();
    }
    printf(
        "neptune-exporter project, %zu runs x %d params x %d series x %d steps (%.0f MB, %lld "
        "points, %zu problems): listed in median %.0f ms (best %.0f; CPU %.0f ms on %d threads); "
        "one series' history (%zu points) in median %.2f ms (best %.2f)\n",
        delta.runs.size(), kParams, kSeries, kSteps, double(bytes) / 1e6, qlonglong(points),
        size_t(delta.problems.size()), median(listing),
        *std::min_element(listing.begin(), listing.end()), median(listingCpu),
        QThread::idealThreadCount(), historyPoints, median(history),
        *std::min_element(history.begin(), history.end()));
    return 0;
}
