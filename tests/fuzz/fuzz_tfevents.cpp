// Fuzz target: TFRecord framing + Event decoding, as one event file of one TensorBoard run.
// Seeds: the fixtures' event files (including the damaged ones).

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "codec/TfRecordReader.h"
#include "sources/TensorBoardSource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Framing alone: offsets stay inside the input and always advance.
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    uint64_t last = 0;
    const runlens::TfRecordScan scan =
        runlens::scanTfRecords(bytes, 0, [&](std::string_view record, uint64_t offset) {
            if (offset < last || offset + 16 + record.size() > size) abort();
            last = offset + 1;
        });
    if (scan.resumeOffset > size) abort();
    // A file no longer written is read to its end: whatever runs past it is damage, said.
    const runlens::TfRecordScan settled = runlens::scanTfRecords(
        bytes, 0, [](std::string_view, uint64_t) {}, true);
    if (settled.partialTail || settled.resumeOffset != size) abort();
    if (settled.issues.size() < scan.issues.size()) abort();

    // The whole reader, through a file, twice: a second scan of an unchanged file adds nothing.
    static QTemporaryDir tmp;
    {
        QFile f(tmp.path() + "/events.out.tfevents.0.fuzz");
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
        f.write(bytes.data(), qint64(size));
    }
    runlens::TensorBoardSource source(tmp.path());
    const runlens::ScanDelta first = source.scan({});
    const runlens::ScanDelta second = source.scan({});
    if (first.runs.size() > 1) abort();
    for (const runlens::Run& run : first.runs)
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
            const runlens::HistoryResult h = source.loadHistory(run, it.key());
            if (qint64(h.series.size()) != it->count) abort();
        }
    if (!second.runs.empty() && !first.runs.empty() &&
        second.runs[0].metrics.size() != first.runs[0].metrics.size())
        abort();

    // Through the series cache: written by one source, restored by the next without reading
    // the file; both list and chart what the uncached source did.
    static QTemporaryDir cache;
    QDir(cache.path() + QStringLiteral("/series")).removeRecursively();  // this input's alone
    runlens::ScanOptions cached;
    cached.cacheDir = cache.path();
    for (int pass = 0; pass < 2; ++pass) {
        runlens::TensorBoardSource again(tmp.path());
        const runlens::ScanDelta delta = again.scan(cached);
        if (delta.runs.size() != first.runs.size()) abort();
        for (size_t r = 0; r < delta.runs.size(); ++r) {
            if (delta.runs[r].metrics.keys() != first.runs[r].metrics.keys()) abort();
            for (auto it = delta.runs[r].metrics.begin(); it != delta.runs[r].metrics.end(); ++it) {
                const runlens::HistoryResult h = again.loadHistory(delta.runs[r], it.key());
                const runlens::HistoryResult g = source.loadHistory(first.runs[r], it.key());
                if (h.series.size() != g.series.size() ||
                    it->count != first.runs[r].metrics[it.key()].count)
                    abort();
                if (memcmp(h.series.values.data(), g.series.values.data(), h.series.size() * 8) !=
                    0)
                    abort();
            }
        }
    }
    return 0;
}
