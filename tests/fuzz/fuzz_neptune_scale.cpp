// Fuzz target: neptune-scale's operations. An input starting with SQLite's header is a whole
// run_operations.sqlite3 read by the source; any other is one row: its first byte the
// operation_type, the rest the protobuf BLOB (seeds: the databases and rows neptune-scale
// wrote).

#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>

#include "sources/NeptuneScaleOperation.h"
#include "sources/NeptuneScaleSource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (bytes.starts_with(std::string_view("SQLite format 3\0", 16))) {
        static QTemporaryDir tmp;
        const QString path = tmp.path() + "/run_operations.sqlite3";
        {
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
            f.write(bytes.data(), qint64(size));
        }
        runlens::NeptuneScaleSource source(path);
        const runlens::ScanDelta delta = source.scan({});
        for (const runlens::Run& run : delta.runs)
            for (const QString& key : run.metrics.keys())
                if (!source.loadHistory(run, key).found) abort();
        return 0;
    }
    if (size == 0) return 0;
    runlens::NeptuneScaleRunInfo info;
    runlens::NeptuneAttributes attributes;
    runlens::NeptuneScaleOperation::apply(data[0], bytes.substr(1), 1e12, info, attributes);
    // Twice: a snapshot applied again meets the series it made.
    runlens::NeptuneScaleOperation::apply(data[0] ^ 1, bytes.substr(1), 1e12, info, attributes);
    runlens::NeptuneScaleOperation::apply(data[0], bytes.substr(1), 1e12, info, attributes);
    runlens::Run run;
    attributes.fillRun(run);
    return 0;
}
