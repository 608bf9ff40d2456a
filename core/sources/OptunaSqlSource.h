#pragma once

#include <QHash>
#include <QMutex>

#include "OptunaSource.h"
#include "codec/SqliteDatabase.h"

namespace runlens {

// Optuna's RDB storage in an SQLite file (`sqlite:///optuna.db`), detected by its tables
// (studies, trials, trial_params, version_info), whatever the file's name. Read-only by URI
// with short read transactions, like the MLflow database reader.
class OptunaSqlSource : public OptunaSource {
public:
    static constexpr auto kKind = "optuna-sql";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit OptunaSqlSource(QString path);
    static bool hasTables(const SqliteTables& tables);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_path; }
    ScanDelta scan(const ScanOptions& options) override;
    bool mayHaveChanged() override { return m_probe.changed(); }
    QStringList watchPaths() const override { return sqliteWatchPaths(m_path); }

private:
    QString m_path;
    SqliteChangeProbe m_probe{m_path};
};

}  // namespace runlens
