// Fuzz target: SQLite files with arbitrary bytes, read as MLflow and as Optuna databases
// (seeds: databases MLflow and Optuna wrote).

#include <QFile>
#include <QTemporaryDir>
#include <cstdint>

#include "sources/MlflowSqlSource.h"
#include "sources/OptunaSqlSource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static QTemporaryDir tmp;
    const QString path = tmp.path() + "/mlflow.db";
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return 0;
        f.write(reinterpret_cast<const char*>(data), qint64(size));
    }
    runlens::MlflowSqlSource source(path);
    runlens::ScanOptions options;
    options.includeDeleted = true;
    options.metricStats = true;
    const runlens::ScanDelta delta = source.scan(options);
    for (size_t i = 0; i < delta.runs.size() && i < 4; ++i)
        for (const QString& key : delta.runs[i].metrics.keys())
            source.loadHistory(delta.runs[i], key);
    return 0;
}
