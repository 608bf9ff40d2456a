#pragma once

#include "Source.h"
#include "codec/SqlConnection.h"

namespace runlens {

// MLflow's SQL store (mlflow/store/tracking/dbmodels/models.py) read through an SqlConnection:
// the queries and the row mapping that an SQLite file (MlflowSqlSource) and a PostgreSQL
// server (MlflowPostgresSource) share. Columns are detected, not assumed by version, so every
// schema from MLflow 1.2 on reads. NaN is stored as value 0 with is_nan, +-inf as +-DBL_MAX:
// both are mapped back.
class MlflowSqlStore {
public:
    // `kind` and `root` make the runs' ids; `name` names the store in problems ("mlflow.db",
    // "postgresql://team@db/mlflow").
    MlflowSqlStore(SqlConnection& db, QString kind, QString root, QString name)
        : m_db(db), m_kind(std::move(kind)), m_root(std::move(root)), m_name(std::move(name)) {}

    // True if `tables` holds MLflow's runs, experiments and metrics.
    static bool hasTables(const QStringList& tables);
    // MLflow's encoding of non-finite values: is_nan, and +-DBL_MAX for infinities.
    static double decodeValue(double stored, bool isNan);

    // Every run with its params, tags and latest metrics: one query per table, in one
    // snapshot where the database offers it. `what` says what the database is when it lacks
    // MLflow's tables ("an SQLite database").
    ScanDelta scan(const ScanOptions& options, const QString& what);

    // One metric's points in MLflow's own order (SqlAlchemyStore.get_metric_history: by
    // timestamp, step, value). Where the database numbers its rows in insertion order
    // (SQLite's rowid) `resume` is the last row read plus one, and a later call with it reads
    // only the rows inserted since: MLflow only ever inserts metric rows.
    HistoryResult history(const Run& run, const QString& metric, uint64_t resume);

    // One metric's whole history for many runs (a chart of every run), each delivered by its
    // index in `runs`: a few runs are read one query each; from `oneQueryFrom` runs on, one
    // query reads the metric's rows for all of them in MLflow's primary key order.
    void histories(const std::vector<Run>& runs, const QString& metric, const HistoryBatch& batch,
                   size_t oneQueryFrom = kOneQueryFrom);

    // Past a few hundred runs one pass over the metric's rows (a microsecond or so a row)
    // costs less than a query per run (milliseconds each: their rows lie spread over the
    // file).
    static constexpr size_t kOneQueryFrom = 200;

private:
    void historiesInOneQuery(const std::vector<Run>& runs, const QString& metric,
                             const HistoryBatch& batch);
    QString column(const QStringList& columns, const char* name, const char* fallback) const;

    SqlConnection& m_db;
    const QString m_kind;
    const QString m_root;
    const QString m_name;
};

}  // namespace runlens
