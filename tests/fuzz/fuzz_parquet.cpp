// Fuzz target: a Parquet file, through the general reader (every column of every row group,
// lists assembled) and through the neptune-exporter source that lists it and loads its
// histories. Bounds are lowered so that inputs claiming huge pages or chunks cost little.
// Seeds: the exporter fixtures of three writers and small files of the test writer
// (tests/fuzz/seeds/parquet: V2 pages, GZIP, ZSTD, lists, decimals, dictionary fallback).

#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "codec/ParquetFile.h"
#include "codec/ParquetLists.h"
#include "sources/NeptuneExportSource.h"

namespace {

void readEverything(const std::string& bytes) {
    runlens::ParquetFile file;
    file.limits().maxPageBytes = 8 << 20;
    file.limits().maxChunkValues = 1 << 20;
    file.limits().maxChunkBytes = 32 << 20;
    QString error;
    if (!file.openBytes(bytes, &error)) {
        if (error.isEmpty()) abort();  // a refusal always says why
        return;
    }
    runlens::ParquetColumnData data;
    runlens::ParquetLists lists;
    for (int g = 0; g < file.rowGroupCount(); ++g) {
        for (int c = 0; c < int(file.schema().columns().size()); ++c) {
            if (!file.readColumn(g, c, data, &error)) {
                if (error.isEmpty()) abort();
                continue;
            }
            if (file.column(c).maxRepetitionLevel == 1) lists.build(file.column(c), data, &error);
            for (size_t i = 0; i < data.size; ++i)  // every slot is readable
                if (!data.isNull(i) && data.storage == runlens::ParquetColumnData::Storage::Bytes)
                    (void)data.bytes(i);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    readEverything(bytes);

    static QTemporaryDir tmp;
    static const QString path = tmp.path() + "/run-0123456789abcdef_part_0.parquet";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
    f.write(bytes.data(), qint64(size));
    f.close();
    runlens::NeptuneExportSource source(tmp.path());
    const runlens::ScanDelta delta = source.scan({});
    if (delta.runs.size() != 1) abort();  // a damaged file costs its rows, never the run
    const runlens::Run& run = delta.runs.front();
    for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
        const runlens::HistoryResult h = source.loadHistory(run, it.key());
        // The listing and the history read the same rows of an intact file.
        if (delta.problems.isEmpty() && h.problems.isEmpty() &&
            qint64(h.series.size()) != it->count)
            abort();
    }
    return 0;
}
