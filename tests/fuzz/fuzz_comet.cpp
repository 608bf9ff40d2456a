// Fuzz target: a Comet offline archive, the zip container and its JSON entries together.
// Seeds: tests/fuzz/seeds/comet (stored and deflated archives).

#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>

#include "sources/CometSource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static QTemporaryDir tmp;
    static const QString path = tmp.path() + "/run.zip";
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
        f.write(reinterpret_cast<const char*>(data), qint64(size));
    }
    runlens::CometSource::setMaxEntryBytes(16 << 20);  // inputs may claim huge entries
    runlens::CometSource source(tmp.path(), {path});
    const runlens::ScanDelta delta = source.scan({});
    if (delta.runs.size() != 1) abort();  // a damaged archive costs its values, never the run
    const runlens::Run& run = delta.runs.front();
    for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it)
        if (qint64(source.loadHistory(run, it.key()).series.size()) != it->count) abort();
    return 0;
}
