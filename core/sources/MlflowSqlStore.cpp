#include "MlflowSqlStore.h"

#include <QHash>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>

#include "MlflowRules.h"

namespace runlens {

namespace {

// Hashing for maps keyed by UTF-8 bytes that are looked up by string_view, without a copy.
struct BytesHash {
    using is_transparent = void;
    size_t operator()(std::string_view bytes) const { return std::hash<std::string_view>{}(bytes); }
};

// Each run's row in the listing by its run_uuid, in a flat open-addressing table: params, tags
// and metrics rows come in the heap's order (latest_metrics rows move as MLflow updates them),
// so most rows need a lookup, and a node-based map spent a quarter of a 10,000-run listing
// chasing pointers.
class RunRows {
public:
    void add(std::string_view uuid, int row) {
        if ((m_count + 1) * 2 > m_slots.size()) grow();
        const size_t offset = m_bytes.size();
        m_bytes.append(uuid);
        m_keys.push_back({offset, uuid.size()});
        place(std::hash<std::string_view>{}(uuid), int(m_keys.size()) - 1, row);
        ++m_count;
    }
    int find(std::string_view uuid) const {
        if (m_slots.empty()) return -1;
        const size_t hash = std::hash<std::string_view>{}(uuid);
        for (size_t i = hash & (m_slots.size() - 1);; i = (i + 1) & (m_slots.size() - 1)) {
            const Slot& slot = m_slots[i];
            if (slot.key < 0) return -1;
            if (slot.hash == hash && key(slot.key) == uuid) return slot.row;
        }
    }

private:
    struct Slot {
        size_t hash = 0;
        int key = -1;  // index in m_keys; -1: empty
        int row = -1;
    };
    std::string_view key(int i) const {
        return std::string_view(m_bytes).substr(m_keys[size_t(i)].first, m_keys[size_t(i)].second);
    }
    void place(size_t hash, int key, int row) {
        size_t i = hash & (m_slots.size() - 1);
        while (m_slots[i].key >= 0)
            i = (i + 1) & (m_slots.size() - 1);
        m_slots[i] = {hash, key, row};
    }
    void grow() {
        std::vector<Slot> old = std::move(m_slots);
        m_slots.assign(std::max<size_t>(64, old.size() * 2), Slot{});
        for (const Slot& slot : old)
            if (slot.key >= 0) place(slot.hash, slot.key, slot.row);
    }

    std::vector<Slot> m_slots;  // a power of two, at most half full
    std::string m_bytes;        // every uuid, one after the other
    std::vector<std::pair<size_t, size_t>> m_keys;
    size_t m_count = 0;
};

// Finds a run's row quickly, the more so while rows come grouped by run, as MLflow inserts
// them.
class RunLookup {
public:
    explicit RunLookup(const RunRows& rows) : m_rows(rows) {}
    int find(std::string_view uuid) {
        if (uuid == m_lastUuid) return m_lastRow;
        m_lastUuid.assign(uuid);
        m_lastRow = m_rows.find(uuid);
        return m_lastRow;
    }

private:
    const RunRows& m_rows;
    std::string m_lastUuid;
    int m_lastRow = -1;
};

// Keys (of params, tags, metrics) repeat from run to run: each distinct key is decoded once and
// its QString shared by every run that has it. Bounded, so a hostile table of unique keys
// costs no more than decoding each.
class KeyTexts {
public:
    QString of(std::string_view key) {
        const auto it = m_texts.find(key);
        if (it != m_texts.end()) return it->second;
        QString text = QString::fromUtf8(key.data(), qsizetype(key.size()));
        if (m_texts.size() < kMaxKeys) m_texts.emplace(std::string(key), text);
        return text;
    }

private:
    static constexpr size_t kMaxKeys = 100000;
    std::unordered_map<std::string, QString, BytesHash, std::equal_to<>> m_texts;
};

struct ExperimentRow {
    QString name;
    bool deleted = false;
};

// Ends the connection's read when the scan returns, whichever way.
class ReadScope {
public:
    explicit ReadScope(SqlConnection& db) : m_db(db) {}
    ~ReadScope() { m_db.endRead(); }
    ReadScope(const ReadScope&) = delete;
    ReadScope& operator=(const ReadScope&) = delete;

private:
    SqlConnection& m_db;
};

}  // namespace

bool MlflowSqlStore::hasTables(const QStringList& tables) {
    for (const char* table : {"runs", "experiments", "metrics"})
        if (!tables.contains(QLatin1String(table), Qt::CaseInsensitive)) return false;
    return true;
}

double MlflowSqlStore::decodeValue(double stored, bool isNan) {
    return mlflowMetricValue(stored, isNan);
}

QString MlflowSqlStore::column(const QStringList& columns, const char* name,
                               const char* fallback) const {
    return columns.contains(QLatin1String(name), Qt::CaseInsensitive)
               ? QString::fromLatin1(name)
               : QString::fromLatin1(fallback);
}

ScanDelta MlflowSqlStore::scan(const ScanOptions& options, const QString& what) {
    ScanDelta delta;
    QString error;
    QStringList tables;
    const ReadScope scope(m_db);
    if (!m_db.beginRead(&error) || !m_db.tables(tables, &error)) {
        delta.problems.append(
            {m_root, QStringLiteral("%1 %2; no runs were read from it").arg(m_name, error)});
        return delta;
    }
    if (!hasTables(tables)) {
        delta.problems.append({m_root, QStringLiteral("%1 is %2 without MLflow's tables "
                                                      "(runs, experiments, metrics); no runs "
                                                      "were read from it")
                                           .arg(m_name, what)});
        return delta;
    }
    const QStringList runColumns = m_db.columns(QStringLiteral("runs"));
    const QStringList metricColumns = m_db.columns(QStringLiteral("metrics"));
    // latest_metrics (2019-08+) holds MLflow's own latest point per key; without it, or when
    // min/max/count are wanted, every metric row is read.
    const QStringList latestColumns = m_db.columns(QStringLiteral("latest_metrics"));
    auto fail = [&](const QString& table, const QString& why) {
        delta.problems.append({m_root, QStringLiteral("Reading %1 failed: %2").arg(table, why)});
        delta.runs.clear();
        return delta;
    };

    QHash<QString, ExperimentRow> experiments;
    if (!m_db.forEachRow(
            QStringLiteral("experiments"), QStringLiteral("experiment_id, name, lifecycle_stage"),
            [&](const SqlRow& row) {
                experiments.insert(row.text(0), {row.text(1), row.bytes(2) == "deleted"});
            },
            &error))
        return fail(QStringLiteral("experiments"), error);

    RunRows rowByUuid;
    KeyTexts keys;
    const QString columns =
        QStringLiteral("run_uuid, %1, status, start_time, end_time, lifecycle_stage, experiment_id")
            .arg(column(runColumns, "name", "NULL"));
    if (!m_db.forEachRow(
            QStringLiteral("runs"), columns,
            [&](const SqlRow& row) {
                Run run;
                run.sourceKind = m_kind;
                run.nativeId = row.text(0);
                run.name = row.text(1);
                run.status = mlflowStatusFromText(row.text(2));
                if (!row.isNull(3)) run.startTimeMs = row.int64(3);
                if (!row.isNull(4)) run.endTimeMs = row.int64(4);
                run.experimentId = row.text(6);
                const ExperimentRow exp = experiments.value(run.experimentId);
                run.experiment = exp.name.isEmpty() ? run.experimentId : exp.name;
                run.deleted = row.bytes(5) == "deleted" || exp.deleted;
                if (run.deleted && !options.includeDeleted) return;
                run.location = m_root;
                run.id = RunId::make(m_kind, m_root, run.nativeId);
                rowByUuid.add(row.bytes(0), int(delta.runs.size()));
                delta.runs.push_back(std::move(run));
            },
            &error))
        return fail(QStringLiteral("runs"), error);
    if (options.cancelled()) return delta.cancelled = true, delta;

    // params and tags: (run_uuid, key, value) rows, each given to its run.
    auto readKeyValues = [&](const QString& table, auto&& keep) {
        RunLookup lookup(rowByUuid);
        return m_db.forEachRow(
            table, QStringLiteral("run_uuid, key, value"),
            [&](const SqlRow& row) {
                const int i = lookup.find(row.bytes(0));
                if (i >= 0) keep(delta.runs[size_t(i)], keys.of(row.bytes(1)), row.text(2));
            },
            &error);
    };
    if (!readKeyValues(QStringLiteral("params"),
                       [](Run& run, const QString& key, const QString& value) {
                           run.params.insert(key, ParamValue::parse(value));
                       }))
        return fail(QStringLiteral("params"), error);
    if (!readKeyValues(QStringLiteral("tags"),
                       [](Run& run, const QString& key, const QString& value) {
                           run.tags.insert(key, value);
                       }))
        return fail(QStringLiteral("tags"), error);
    if (options.cancelled()) return delta.cancelled = true, delta;

    const bool fullPass = options.metricStats || latestColumns.isEmpty();
    const QStringList& tableColumns = fullPass ? metricColumns : latestColumns;
    const QString metricSelect =
        QStringLiteral("run_uuid, key, value, \"timestamp\", %1, %2")
            .arg(column(tableColumns, "step", "0"), column(tableColumns, "is_nan", "0"));
    {
        RunLookup lookup(rowByUuid);
        if (!m_db.forEachRow(
                fullPass ? QStringLiteral("metrics") : QStringLiteral("latest_metrics"),
                metricSelect,
                [&](const SqlRow& row) {
                    const int i = lookup.find(row.bytes(0));
                    if (i < 0) return;
                    MetricSummary& summary = delta.runs[size_t(i)].metrics[keys.of(row.bytes(1))];
                    summary.add(row.int64(4), decodeValue(row.real(2), row.flag(5)),
                                double(row.int64(3)));
                    if (!fullPass) summary.hasStats = false;
                },
                &error))
            return fail(QStringLiteral("metrics"), error);
    }

    for (Run& run : delta.runs)
        completeMlflowRun(run, m_root);
    sortRunsNewestFirst(delta.runs);
    if (options.progress) options.progress(int(delta.runs.size()));
    return delta;
}

HistoryResult MlflowSqlStore::history(const Run& run, const QString& metric, uint64_t resume) {
    HistoryResult result;
    QString error;
    const ReadScope scope(m_db);
    if (!m_db.beginRead(&error)) {
        result.problems.append({m_root, error});
        return result;
    }
    const QStringList columns = m_db.columns(QStringLiteral("metrics"));
    const QString step = column(columns, "step", "0");
    // Only SQLite numbers rows in insertion order (rowid); PostgreSQL's ctid is not that
    // order once several writers insert, so a history there is read whole each time.
    const bool appendable = m_db.dialect() == SqlConnection::Dialect::Sqlite;
    std::vector<SqlParam> params{run.nativeId, metric};
    QString sql = QStringLiteral(
                      "SELECT %1, value, \"timestamp\", %2%3 FROM metrics "
                      "WHERE run_uuid = ?1 AND key = ?2")
                      .arg(step, column(columns, "is_nan", "0"),
                           appendable ? QStringLiteral(", rowid") : QString());
    if (appendable) {
        sql += QStringLiteral(" AND rowid >= ?3");
        params.push_back(qint64(resume));
    }
    // A constant in ORDER BY would name a column by number: no step column, no step term.
    sql += step == u"step" ? QStringLiteral(" ORDER BY \"timestamp\", step, value")
                           : QStringLiteral(" ORDER BY \"timestamp\", value");
    qint64 lastRow = qint64(resume) - 1;
    const bool ok = m_db.query(
        sql, params,
        [&](const SqlRow& row) {
            result.series.append(row.int64(0), decodeValue(row.real(1), row.flag(3)),
                                 double(row.int64(2)));
            if (appendable) lastRow = std::max(lastRow, row.int64(4));
        },
        &error);
    if (!ok) result.problems.append({m_root, error});
    if (!appendable) {
        result.found = !result.series.empty();
        return result;
    }
    result.found = resume > 0 || !result.series.empty();
    result.appended = resume > 0;
    result.resume = uint64_t(lastRow + 1);
    return result;
}

void MlflowSqlStore::histories(const std::vector<Run>& runs, const QString& metric,
                               const HistoryBatch& batch, size_t oneQueryFrom) {
    if (runs.size() >= oneQueryFrom) {
        historiesInOneQuery(runs, metric, batch);
        return;
    }
    for (size_t i = 0; i < runs.size() && !batch.cancelled(); ++i)
        batch.deliver(i, history(runs[i], metric, 0));
}

// MLflow's primary key is (key, timestamp, step, run_uuid, value, is_nan)
// (mlflow/store/tracking/dbmodels/models.py, SqlMetric): the rows of one key lie together in
// its index, which holds every column read here (SQLite's rowid included), and ordered by it
// each run's rows come in MLflow's own order (timestamp, step, value).
void MlflowSqlStore::historiesInOneQuery(const std::vector<Run>& runs, const QString& metric,
                                         const HistoryBatch& batch) {
    std::vector<HistoryResult> results(runs.size());
    auto fail = [&](const QString& error) {
        for (size_t i = 0; i < runs.size(); ++i) {
            HistoryResult result;
            result.problems.append({m_root, error});
            batch.deliver(i, std::move(result));
        }
    };
    QString error;
    const ReadScope scope(m_db);
    if (!m_db.beginRead(&error)) return fail(error);
    const QStringList columns = m_db.columns(QStringLiteral("metrics"));
    const QString step = column(columns, "step", "0");
    const bool appendable = m_db.dialect() == SqlConnection::Dialect::Sqlite;
    RunRows byUuid;
    for (size_t i = 0; i < runs.size(); ++i)
        byUuid.add(runs[i].nativeId.toStdString(), int(i));
    RunLookup lookup(byUuid);
    std::vector<qint64> lastRow(runs.size(), -1);
    const QString order = step == u"step" ? QStringLiteral("\"timestamp\", step, run_uuid, value")
                                          : QStringLiteral("\"timestamp\", run_uuid, value");
    const QString sql = QStringLiteral(
                            "SELECT run_uuid, %1, value, \"timestamp\", %2%3 FROM metrics "
                            "WHERE key = ?1 ORDER BY %4")
                            .arg(step, column(columns, "is_nan", "0"),
                                 appendable ? QStringLiteral(", rowid") : QString(), order);
    const bool ok = m_db.query(
        sql, {metric},
        [&](const SqlRow& row) {
            const int i = lookup.find(row.bytes(0));
            if (i < 0) return;
            results[size_t(i)].series.append(row.int64(1), decodeValue(row.real(2), row.flag(4)),
                                             double(row.int64(3)));
            if (appendable) lastRow[size_t(i)] = std::max(lastRow[size_t(i)], row.int64(5));
        },
        &error);
    if (batch.cancelled()) return;
    for (size_t i = 0; i < runs.size(); ++i) {
        HistoryResult& result = results[i];
        if (!ok) result.problems.append({m_root, error});
        result.found = !result.series.empty();
        if (appendable) result.resume = uint64_t(lastRow[i] + 1);
        batch.deliver(i, std::move(result));
    }
}

}  // namespace runlens
