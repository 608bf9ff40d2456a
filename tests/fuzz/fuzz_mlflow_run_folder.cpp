// Fuzz target: one MLflow run folder. The input is split at the first 0xFF byte into a
// run meta.yaml and a metric file; the store is scanned and the history loaded.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <cstdint>
#include <cstdlib>

#include "sources/MlflowFileSource.h"

namespace {

void write(const QString& path, const char* data, qsizetype size) {
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate)) f.write(data, size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static QTemporaryDir tmp;
    static const QString run = [] {
        const QString dir = tmp.path() + "/mlruns/1/0123456789abcdef0123456789abcdef";
        QDir().mkpath(dir + "/metrics");
        write(tmp.path() + "/mlruns/1/meta.yaml",
              "artifact_location: x\nexperiment_id: '1'\nname: fuzz\n", -1);
        return dir;
    }();
    const char* bytes = reinterpret_cast<const char*>(data);
    const char* split = static_cast<const char*>(memchr(bytes, 0xFF, size));
    const qsizetype metaSize = split ? split - bytes : qsizetype(size);
    write(run + "/meta.yaml", bytes, metaSize);
    write(run + "/metrics/loss", split ? split + 1 : "",
          split ? qsizetype(size) - metaSize - 1 : 0);

    runlens::MlflowFileSource source(tmp.path() + "/mlruns");
    runlens::ScanOptions options;
    options.includeDeleted = true;
    const runlens::ScanDelta delta = source.scan(options);
    if (delta.runs.size() != 1) abort();  // a damaged meta.yaml costs its values, never the run
    const runlens::HistoryResult history = source.loadHistory(delta.runs[0], "loss");
    const qint64 count = delta.runs[0].metrics.value("loss").count;
    if (qint64(history.series.size()) != count) abort();  // summary and history agree
    return 0;
}
