#pragma once

#include <QDateTime>
#include <QMutex>
#include <memory>
#include <vector>

#include "Format.h"
#include "Source.h"
#include "codec/PostgresConnection.h"

namespace runlens {

// Reads the PostgreSQL database behind a team's MLflow tracking server, straight from MLflow's
// tables (`postgresql://user@host:port/db`), with the queries and row mapping of the SQLite
// reader (MlflowSqlStore) in read-only transactions. Histories are read on demand, streamed.
//
// Live: mayHaveChanged() sends one query whose cost grows with the running runs, not with all
// runs: the write counters PostgreSQL keeps per table (new runs, deletions, edits of finished
// runs; the statistics reach other sessions within a second or so, up to PostgreSQL's
// flush interval) and a digest of the running runs' rows (their status, latest metrics, tags
// and params) in the same snapshot as the listing. A database that cannot be reached keeps
// what was listed (ScanDelta::unreachable), says so by unreachable(), and is tried again on
// every look.
class MlflowPostgresSource : public Source {
public:
    static constexpr auto kKind = "mlflow-postgres";
    static Format format();  // claims postgresql:// and postgres:// URLs (FormatRegistry)

    // `url` as libpq takes it; the password, if any, is kept for connecting only.
    explicit MlflowPostgresSource(QString url);
    ~MlflowPostgresSource() override;

    QString kind() const override { return QString::fromLatin1(kKind); }
    // The URL without its password.
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    // On one kept connection; many runs in one query (MlflowSqlStore::histories).
    void loadHistories(const std::vector<Run>& runs, const QString& metric,
                       const HistoryBatch& batch) override;
    size_t historyBatchSize() const override { return SIZE_MAX; }
    bool mayHaveChanged() override;
    QStringList watchPaths() const override { return {}; }
    Unreachable unreachable() const override;

    // Connections kept open between reads, so a look or a chart does not connect again.
    static constexpr size_t kIdleConnections = 4;

private:
    using Connection = std::unique_ptr<PostgresConnection>;
    Connection acquire(QString* error);
    void release(Connection connection);
    // The changes stamp of what `connection` sees now: counters, then the running runs' digest.
    QString stamp(PostgresConnection& connection, const QStringList& running, QString* error);
    ScanDelta offline(const QString& why);

    const QString m_url;
    const QString m_root;
    mutable QMutex m_mutex;  // everything below: scans, histories and looks run on worker threads
    std::vector<Connection> m_idle;
    Connection m_probe;  // the looks' own connection
    QStringList m_running;
    QString m_stamp;  // as of the last listing
    bool m_hasLatestMetrics = true;
    bool m_everRead = false;
    Unreachable m_offline;  // since the first look that could not connect
};

}  // namespace runlens
