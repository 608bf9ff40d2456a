#include "MlflowPostgresSource.h"

#include "MlflowSqlStore.h"

namespace runlens {

namespace {

// Writes to MLflow's tables so far, by PostgreSQL's per-table counters (pg_stat_user_tables'
// n_tup_ins, n_tup_upd, n_tup_del): constant cost, whatever the tables hold. Where the server
// keeps no counters (track_counts off) the clock stands in: every look lists again.
const char* const kCounters =
    "coalesce(CASE WHEN pg_catalog.current_setting('track_counts') = 'on' THEN (SELECT "
    "sum(pg_catalog.pg_stat_get_tuples_inserted(t::oid) + "
    "pg_catalog.pg_stat_get_tuples_updated(t::oid) + "
    "pg_catalog.pg_stat_get_tuples_deleted(t::oid)) FROM (VALUES "
    "(pg_catalog.to_regclass('runs')), (pg_catalog.to_regclass('experiments')), "
    "(pg_catalog.to_regclass('tags')), (pg_catalog.to_regclass('params')), "
    "(pg_catalog.to_regclass('metrics')), (pg_catalog.to_regclass('latest_metrics'))) "
    "AS v(t))::text ELSE pg_catalog.clock_timestamp()::text END, '')";

// A digest of every row of the running runs ?1 (a text array) in the tables a running run
// writes to: cost grows with the running runs, through MLflow's run_uuid indexes.
QString digestSql(bool hasLatestMetrics) {
    QStringList parts;
    for (const char* table : {"runs", "latest_metrics", "tags", "params"}) {
        if (!hasLatestMetrics && qstrcmp(table, "latest_metrics") == 0) continue;
        parts << QStringLiteral(
                     "(SELECT pg_catalog.md5(string_agg(x::text, ';' ORDER BY "
                     "x::text)) FROM %1 x WHERE x.run_uuid = ANY(?1::text[]))")
                     .arg(QLatin1String(table));
    }
    return QStringLiteral("pg_catalog.concat_ws('|', %1)").arg(parts.join(u", "));
}

QString textArray(const QStringList& items) {
    QStringList quoted;
    for (QString item : items)
        quoted << u'"' +
                      item.replace(u'\\', QStringLiteral("\\\\"))
                          .replace(u'"', QStringLiteral("\\\"")) +
                      u'"';
    return u'{' + quoted.join(u',') + u'}';
}

QString firstText(PostgresConnection& db, const QString& sql, const std::vector<SqlParam>& params,
                  QString* error, bool* ok) {
    QString out;
    *ok = db.query(
        sql, params, [&](const SqlRow& row) { out = row.text(0); }, error);
    return out;
}

}  // namespace

MlflowPostgresSource::MlflowPostgresSource(QString url)
    : m_url(std::move(url)), m_root(PostgresConnection::withoutPassword(m_url)) {}

MlflowPostgresSource::~MlflowPostgresSource() = default;

MlflowPostgresSource::Connection MlflowPostgresSource::acquire(QString* error) {
    {
        QMutexLocker lock(&m_mutex);
        while (!m_idle.empty()) {
            Connection connection = std::move(m_idle.back());
            m_idle.pop_back();
            if (connection->isIdle()) return connection;
        }
    }
    return PostgresConnection::connect(m_url, error);
}

void MlflowPostgresSource::release(Connection connection) {
    if (!connection || !connection->isIdle()) return;
    QMutexLocker lock(&m_mutex);
    if (m_idle.size() < kIdleConnections) m_idle.push_back(std::move(connection));
}

ScanDelta MlflowPostgresSource::offline(const QString& why) {
    ScanDelta delta;
    delta.unreachable = true;
    QMutexLocker lock(&m_mutex);
    m_stamp.clear();
    // Once runs are shown, a database out of reach is said by unreachable() (the status bar's
    // "Offline since"), not as a problem on every look.
    if (m_everRead) {
        if (!m_offline.since.isValid()) m_offline.since = QDateTime::currentDateTime();
        m_offline.why = QStringLiteral("%1 cannot be reached: %2").arg(m_root, why);
        return delta;
    }
    delta.problems.append(
        {m_root,
         QStringLiteral("Cannot connect to %1: %2; no runs were read from it").arg(m_root, why)});
    return delta;
}

Unreachable MlflowPostgresSource::unreachable() const {
    QMutexLocker lock(&m_mutex);
    return m_offline;
}

ScanDelta MlflowPostgresSource::scan(const ScanOptions& options) {
    QString error;
    // A connection kept from before may have lost its server meanwhile: one more try, anew.
    for (int attempt = 0; attempt < 2; ++attempt) {
        Connection db = acquire(&error);
        if (!db) return offline(error);
        QString ignored;
        db->beginRead(&ignored);
        // The counters first: the statement that starts the listing's snapshot, so a write
        // they miss is one the listing holds.
        bool ok = false;
        const QString counters =
            firstText(*db, QStringLiteral("SELECT %1").arg(kCounters), {}, &ignored, &ok);
        ScanDelta delta = MlflowSqlStore(*db, kind(), m_root, m_root)
                              .scan(options, QStringLiteral("a PostgreSQL database"));
        QStringList running;
        for (const Run& run : delta.runs)
            if (run.status == RunStatus::Running || run.status == RunStatus::Scheduled)
                running << run.nativeId;
        const bool hasLatest = !db->columns(QStringLiteral("latest_metrics")).isEmpty();
        QString digest;
        if (ok && delta.problems.isEmpty())
            digest = firstText(*db, QStringLiteral("SELECT %1").arg(digestSql(hasLatest)),
                               {textArray(running)}, &ignored, &ok);
        db->endRead();
        if (!db->isOk()) {
            // The server went away or restarted: the kept connections are gone with it.
            error = delta.problems.isEmpty() ? error : delta.problems.constLast().message;
            QMutexLocker lock(&m_mutex);
            m_idle.clear();
            continue;
        }
        release(std::move(db));
        QMutexLocker lock(&m_mutex);
        m_everRead = true;
        m_offline = {};
        m_running = running;
        m_hasLatestMetrics = hasLatest;
        m_stamp = ok && delta.problems.isEmpty() ? counters + u'|' + digest : QString();
        return delta;
    }
    return offline(error);
}

QString MlflowPostgresSource::stamp(PostgresConnection& db, const QStringList& running,
                                    QString* error) {
    bool hasLatest = true;
    {
        QMutexLocker lock(&m_mutex);
        hasLatest = m_hasLatestMetrics;
    }
    bool ok = false;
    const QString now =
        firstText(db, QStringLiteral("SELECT %1 || '|' || %2").arg(kCounters, digestSql(hasLatest)),
                  {textArray(running)}, error, &ok);
    return ok ? now : QString();
}

bool MlflowPostgresSource::mayHaveChanged() {
    QStringList running;
    QString before;
    {
        QMutexLocker lock(&m_mutex);
        running = m_running;
        before = m_stamp;
    }
    if (before.isEmpty()) return true;  // never listed, or unsure since
    QString error;
    if (!m_probe || !m_probe->isIdle()) m_probe = PostgresConnection::connect(m_url, &error);
    if (!m_probe) return true;  // the scan says why
    const QString now = stamp(*m_probe, running, &error);
    if (now.isEmpty()) {
        m_probe.reset();
        return true;
    }
    return now != before;
}

HistoryResult MlflowPostgresSource::loadHistory(const Run& run, const QString& metric) {
    QString error;
    // As for a listing: a kept connection that lost its server is dropped, and one more try.
    for (int attempt = 0; attempt < 2; ++attempt) {
        Connection db = acquire(&error);
        if (!db) break;
        HistoryResult result = MlflowSqlStore(*db, kind(), m_root, m_root).history(run, metric, 0);
        if (db->isOk() || attempt == 1) {
            release(std::move(db));
            return result;
        }
        QMutexLocker lock(&m_mutex);
        m_idle.clear();
    }
    HistoryResult result;
    result.problems.append(
        {m_root, QStringLiteral("Cannot connect to %1: %2; the history of %3 was not read")
                     .arg(m_root, error, metric)});
    return result;
}

void MlflowPostgresSource::loadHistories(const std::vector<Run>& runs, const QString& metric,
                                         const HistoryBatch& batch) {
    QString error;
    if (Connection db = acquire(&error)) {
        MlflowSqlStore(*db, kind(), m_root, m_root).histories(runs, metric, batch);
        if (db->isOk()) release(std::move(db));
        return;
    }
    for (size_t i = 0; i < runs.size(); ++i) {
        HistoryResult result;
        result.problems.append(
            {m_root, QStringLiteral("Cannot connect to %1: %2; the history of %3 was not read")
                         .arg(m_root, error, metric)});
        batch.deliver(i, std::move(result));
    }
}

Format MlflowPostgresSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.schemes = {QStringLiteral("postgresql"), QStringLiteral("postgres")};
    f.descriptions = {
        QStringLiteral("MLflow tracking databases on PostgreSQL: postgresql://user@host:port/db")};
    f.claim = [](const Candidate& c) {
        return PostgresConnection::isUrl(c.path) ? Claim::mine(100) : Claim{};
    };
    f.create = [](const QString&, const QStringList& urls) -> SourcePtr {
        return std::make_unique<MlflowPostgresSource>(urls.first());
    };
    return f;
}

}  // namespace runlens
