#include "MlflowSqlSource.h"

#include <QFileInfo>
#include <QHash>
#include "MlflowRules.h"
#include "codec/SqliteDatabase.h"

namespace runlens {

namespace {

// Finds a run's row quickly while metric rows come grouped by run, as MLflow inserts them.
class RunLookup {
public:
    explicit RunLookup(const QHash<QString, int>& rows) : m_rows(rows) {}
    int find(std::string_view uuid) {
        if (uuid == m_lastUuid) return m_lastRow;
        m_lastUuid.assign(uuid);
        m_lastRow = m_rows.value(QString::fromUtf8(uuid.data(), qsizetype(uuid.size())), -1);
        return m_lastRow;
    }

private:
    const QHash<QString, int>& m_rows;
    std::string m_lastUuid;
    int m_lastRow = -1;
};

QString orDefault(const QStringList& columns, const QString& name, const QString& fallback) {
    return columns.contains(name, Qt::CaseInsensitive) ? name : fallback;
}

}  // namespace

MlflowSqlSource::MlflowSqlSource(QString databasePath)
    : m_path(QFileInfo(databasePath).absoluteFilePath()) {}

double MlflowSqlSource::decodeValue(double stored, bool isNan) {
    return mlflowMetricValue(stored, isNan);
}

bool MlflowSqlSource::hasTables(const SqliteTables& tables) {
    return tables.has({"runs", "experiments", "metrics"});
}

ScanDelta MlflowSqlSource::scan(const ScanOptions& options) {
    m_probe.changed();  // a commit from here on is a change for the next look
    ScanDelta delta;
    QString error;
    const auto db = SqliteDatabase::openReadOnly(m_path, &error);
    if (!db) {
        delta.problems.append({m_path, QStringLiteral("%1 %2; no runs were read from it")
                                           .arg(QFileInfo(m_path).fileName(), error)});
        return delta;
    }
    if (!db->note().isEmpty())
        delta.problems.append({m_path, QFileInfo(m_path).fileName() + u' ' + db->note()});
    SqliteTables tables;
    tables.isSqlite = true;
    if (!db->tables(tables.names, &error)) {
        delta.problems.append({m_path, QStringLiteral("%1 %2; no runs were read from it")
                                           .arg(QFileInfo(m_path).fileName(), error)});
        return delta;
    }
    const QStringList runColumns = db->columns(QStringLiteral("runs"));
    const QStringList metricColumns = db->columns(QStringLiteral("metrics"));
    if (!hasTables(tables)) {
        delta.problems.append(
            {m_path, QStringLiteral("%1 is an SQLite database without MLflow's tables "
                                    "(runs, experiments, metrics); no runs were read from it")
                         .arg(QFileInfo(m_path).fileName())});
        return delta;
    }
    auto fail = [&](const QString& what, const QString& why) {
        delta.problems.append({m_path, QStringLiteral("Reading %1 failed: %2").arg(what, why)});
        delta.runs.clear();
        return delta;
    };

    struct ExperimentRow {
        QString name;
        bool deleted = false;
    };
    QHash<QString, ExperimentRow> experiments;
    if (!db->forEachChunk(
            QStringLiteral("experiments"), QStringLiteral("experiment_id, name, lifecycle_stage"),
            {},
            [&](SqliteStatement& row) {
                experiments.insert(row.text(1), {row.text(2), row.text(3) == u"deleted"});
            },
            &error))
        return fail(QStringLiteral("experiments"), error);

    QHash<QString, int> rowByUuid;
    const QString kind = this->kind();
    const QString columns =
        QStringLiteral("run_uuid, %1, status, start_time, end_time, lifecycle_stage, experiment_id")
            .arg(orDefault(runColumns, QStringLiteral("name"), QStringLiteral("NULL")));
    if (!db->forEachChunk(
            QStringLiteral("runs"), columns, {},
            [&](SqliteStatement& row) {
                Run run;
                run.sourceKind = kind;
                run.nativeId = row.text(1);
                run.name = row.text(2);
                run.status = mlflowStatusFromText(row.text(3));
                if (!row.isNull(4)) run.startTimeMs = row.int64(4);
                if (!row.isNull(5)) run.endTimeMs = row.int64(5);
                run.experimentId = row.text(7);
                const ExperimentRow exp = experiments.value(run.experimentId);
                run.experiment = exp.name.isEmpty() ? run.experimentId : exp.name;
                run.deleted = row.text(6) == u"deleted" || exp.deleted;
                if (run.deleted && !options.includeDeleted) return;
                run.location = m_path;
                run.id = RunId::make(kind, m_path, run.nativeId);
                rowByUuid.insert(run.nativeId, int(delta.runs.size()));
                delta.runs.push_back(std::move(run));
            },
            &error))
        return fail(QStringLiteral("runs"), error);
    if (options.cancelled()) return delta.cancelled = true, delta;

    {
        RunLookup lookup(rowByUuid);
        if (!db->forEachChunk(
                QStringLiteral("params"), QStringLiteral("run_uuid, key, value"), {},
                [&](SqliteStatement& row) {
                    const int i = lookup.find(row.bytes(1));
                    if (i >= 0)
                        delta.runs[size_t(i)].params.insert(row.text(2),
                                                            ParamValue::parse(row.text(3)));
                },
                &error))
            return fail(QStringLiteral("params"), error);
    }
    {
        RunLookup lookup(rowByUuid);
        if (!db->forEachChunk(
                QStringLiteral("tags"), QStringLiteral("run_uuid, key, value"), {},
                [&](SqliteStatement& row) {
                    const int i = lookup.find(row.bytes(1));
                    if (i >= 0) delta.runs[size_t(i)].tags.insert(row.text(2), row.text(3));
                },
                &error))
            return fail(QStringLiteral("tags"), error);
    }
    if (options.cancelled()) return delta.cancelled = true, delta;

    // latest_metrics (2019-08+) holds MLflow's own latest point per key; without it, or when
    // min/max/count are wanted, every metric row is read.
    const QStringList latestColumns = db->columns(QStringLiteral("latest_metrics"));
    const bool fullPass = options.metricStats || latestColumns.isEmpty();
    const QStringList& tableColumns = fullPass ? metricColumns : latestColumns;
    const QString metricSelect =
        QStringLiteral("run_uuid, key, value, timestamp, %1, %2")
            .arg(orDefault(tableColumns, QStringLiteral("step"), QStringLiteral("0")),
                 orDefault(tableColumns, QStringLiteral("is_nan"), QStringLiteral("0")));
    {
        RunLookup lookup(rowByUuid);
        QString lastKeyBytes;
        std::string lastKey;
        if (!db->forEachChunk(
                fullPass ? QStringLiteral("metrics") : QStringLiteral("latest_metrics"),
                metricSelect, {},
                [&](SqliteStatement& row) {
                    const int i = lookup.find(row.bytes(1));
                    if (i < 0) return;
                    const std::string_view key = row.bytes(2);
                    if (key != lastKey) {
                        lastKey.assign(key);
                        lastKeyBytes = QString::fromUtf8(key.data(), qsizetype(key.size()));
                    }
                    MetricSummary& summary = delta.runs[size_t(i)].metrics[lastKeyBytes];
                    summary.add(row.int64(5), decodeValue(row.real(3), row.int64(6) != 0),
                                double(row.int64(4)));
                    if (!fullPass) summary.hasStats = false;
                },
                &error))
            return fail(QStringLiteral("metrics"), error);
    }

    for (Run& run : delta.runs)
        completeMlflowRun(run, m_path);
    sortRunsNewestFirst(delta.runs);
    if (options.progress) options.progress(int(delta.runs.size()));
    return delta;
}

HistoryResult MlflowSqlSource::loadHistory(const Run& run, const QString& metric) {
    return loadHistoryFrom(run, metric, 0);
}

// `resume` is the last rowid read plus one: MLflow only inserts metric rows, so the rows past
// it are the points logged since.
HistoryResult MlflowSqlSource::loadHistoryFrom(const Run& run, const QString& metric,
                                               uint64_t resume) {
    HistoryResult result;
    QString error;
    const auto db = SqliteDatabase::openReadOnly(m_path, &error);
    if (!db) {
        result.problems.append({m_path, error});
        return result;
    }
    const QStringList columns = db->columns(QStringLiteral("metrics"));
    // Rows in insertion order: the order in which MLflow was told the points.
    SqliteStatement stmt(
        *db, QStringLiteral("SELECT %1, value, timestamp, %2, rowid FROM metrics "
                            "WHERE run_uuid = ?1 AND key = ?2 AND rowid >= ?3 ORDER BY rowid")
                 .arg(orDefault(columns, QStringLiteral("step"), QStringLiteral("0")),
                      orDefault(columns, QStringLiteral("is_nan"), QStringLiteral("0"))));
    if (!stmt.ok()) {
        result.problems.append({m_path, stmt.error()});
        return result;
    }
    stmt.bind(1, run.nativeId);
    stmt.bind(2, metric);
    stmt.bind(3, qint64(resume));
    qint64 lastRow = qint64(resume) - 1;
    while (stmt.next()) {
        result.series.append(stmt.int64(0), decodeValue(stmt.real(1), stmt.int64(3) != 0),
                             double(stmt.int64(2)));
        lastRow = stmt.int64(4);
    }
    if (!stmt.error().isEmpty()) result.problems.append({m_path, stmt.error()});
    result.found = resume > 0 || !result.series.empty();
    result.appended = resume > 0;
    result.resume = uint64_t(lastRow + 1);
    return result;
}

Format MlflowSqlSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral(
        "MLflow SQLite stores: mlflow.db, or any .db / .sqlite with MLflow's tables")};
    f.claim = [](const Candidate& c) {
        if (c.isDir || c.isSpecial) return Claim{};
        // Named like MLflow's default store, or named by the user: a source even when
        // broken, so reading it says what is wrong; another format's tables win.
        if (c.name == "mlflow.db") return Claim::mine(10);
        if (c.isOpened) return Claim::mine(1);
        if (!c.hasSuffix({".db", ".sqlite", ".sqlite3"})) return Claim{};
        const SqliteTables& tables = c.sqliteTables();
        if (!tables.error.isEmpty())
            return Claim::unreadable(QStringLiteral("%1 %2; it was skipped")
                                         .arg(QString::fromStdString(c.name), tables.error));
        return hasTables(tables) ? Claim::mine(50) : Claim{};
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<MlflowSqlSource>(paths.first());
    };
    f.namedLikeData = [](const std::string& name) {
        return Candidate({}, name, false, false, false).hasSuffix({".db", ".sqlite", ".sqlite3"});
    };
    return f;
}

}  // namespace runlens
