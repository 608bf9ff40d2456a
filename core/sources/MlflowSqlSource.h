#pragma once

#include "Format.h"
#include "Source.h"
#include "codec/SqliteDatabase.h"

namespace runlens {

class SqliteDatabase;

// Reads an MLflow SQL store in an SQLite file (`mlflow.db`), every schema from MLflow 1.2 on.
// Schema: mlflow/store/tracking/dbmodels/models.py; columns are detected, not assumed by
// version. NaN is stored as value 0 with is_nan 1, +-inf as +-DBL_MAX: mapped back here.
class MlflowSqlSource : public Source {
public:
    static constexpr auto kKind = "mlflow-sql";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit MlflowSqlSource(QString databasePath);

    // True if `path` is an SQLite file with MLflow's tables (runs, experiments, metrics).
    static bool hasTables(const SqliteTables& tables);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_path; }
    ScanDelta scan(const ScanOptions& options) override;
    bool mayHaveChanged() override { return m_probe.changed(); }
    QStringList watchPaths() const override { return sqliteWatchPaths(m_path); }
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    HistoryResult loadHistoryFrom(const Run& run, const QString& metric, uint64_t resume) override;

    // MLflow's encoding of non-finite values (mlflowMetricValue in MlflowRules).
    static double decodeValue(double stored, bool isNan);

private:
    QString m_path;
    SqliteChangeProbe m_probe{m_path};
};

}  // namespace runlens
