#pragma once

#include "Format.h"
#include "Source.h"
#include "codec/SqliteConnection.h"

namespace runlens {

// Reads an MLflow SQL store in an SQLite file (`mlflow.db`), every schema from MLflow 1.2 on,
// with the queries and row mapping of MlflowSqlStore.
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
    // On one connection; many runs in one query (MlflowSqlStore::histories).
    void loadHistories(const std::vector<Run>& runs, const QString& metric,
                       const HistoryBatch& batch) override;
    size_t historyBatchSize() const override { return SIZE_MAX; }

    // MLflow's encoding of non-finite values (mlflowMetricValue in MlflowRules).
    static double decodeValue(double stored, bool isNan);

private:
    std::unique_ptr<SqliteConnection> open(QString* error) const;

    QString m_path;
    SqliteChangeProbe m_probe{m_path};
};

}  // namespace runlens
