// Fuzz target: a W&B run log (`run-<id>.wandb`): the LevelDB-log framing, then the whole
// source over one run folder. Seeds: the fixtures' logs (synced, offline, cut off).

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>

#include "codec/WandbLog.h"
#include "sources/WandbSource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Framing alone: every record handed out lies inside the input (or is a join of pieces
    // that did), and a scan never runs away.
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    size_t total = 0;
    const runlens::WandbLogScan scan =
        runlens::scanWandbLog(bytes, [&](std::string_view record) { total += record.size(); });
    if (total > size) abort();
    if (scan.records > size / 7 + 1) abort();

    // The source over one run folder: at most one run; its histories agree with its summaries.
    static QTemporaryDir tmp;
    static const QString dir = [] {
        const QString d = tmp.path() + "/wandb/offline-run-20260101_000000-fuzz0001";
        QDir().mkpath(d);
        return d;
    }();
    {
        QFile f(dir + "/run-fuzz0001.wandb");
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
        f.write(bytes.data(), qint64(size));
    }
    runlens::WandbSource source(tmp.path() + "/wandb");
    const runlens::ScanDelta delta = source.scan({});
    if (delta.runs.size() != 1) abort();  // a damaged log costs its values, never the run
    for (const runlens::Run& run : delta.runs)
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
            const runlens::HistoryResult h = source.loadHistory(run, it.key());
            if (h.found && qint64(h.series.size()) != it->count) abort();
        }
    return 0;
}
