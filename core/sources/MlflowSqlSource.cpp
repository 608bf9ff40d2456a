#include "MlflowSqlSource.h"

#include <QFileInfo>

#include "MlflowSqlStore.h"

namespace runlens {

MlflowSqlSource::MlflowSqlSource(QString databasePath)
    : m_path(QFileInfo(databasePath).absoluteFilePath()) {}

double MlflowSqlSource::decodeValue(double stored, bool isNan) {
    return MlflowSqlStore::decodeValue(stored, isNan);
}

bool MlflowSqlSource::hasTables(const SqliteTables& tables) {
    return MlflowSqlStore::hasTables(tables.names);
}

std::unique_ptr<SqliteConnection> MlflowSqlSource::open(QString* error) const {
    auto db = SqliteDatabase::openReadOnly(m_path, error);
    return db ? std::make_unique<SqliteConnection>(std::move(db)) : nullptr;
}

ScanDelta MlflowSqlSource::scan(const ScanOptions& options) {
    m_probe.changed();  // a commit from here on is a change for the next look
    QString error;
    const auto db = open(&error);
    const QString name = QFileInfo(m_path).fileName();
    if (!db) {
        ScanDelta delta;
        delta.problems.append(
            {m_path, QStringLiteral("%1 %2; no runs were read from it").arg(name, error)});
        return delta;
    }
    ScanDelta delta = MlflowSqlStore(*db, kind(), m_path, name)
                          .scan(options, QStringLiteral("an SQLite database"));
    if (!db->database().note().isEmpty())
        delta.problems.prepend({m_path, name + u' ' + db->database().note()});
    return delta;
}

HistoryResult MlflowSqlSource::loadHistory(const Run& run, const QString& metric) {
    return loadHistoryFrom(run, metric, 0);
}

HistoryResult MlflowSqlSource::loadHistoryFrom(const Run& run, const QString& metric,
                                               uint64_t resume) {
    QString error;
    const auto db = open(&error);
    if (!db) {
        HistoryResult result;
        result.problems.append({m_path, error});
        return result;
    }
    return MlflowSqlStore(*db, kind(), m_path, QFileInfo(m_path).fileName())
        .history(run, metric, resume);
}

void MlflowSqlSource::loadHistories(const std::vector<Run>& runs, const QString& metric,
                                    const HistoryBatch& batch) {
    QString error;
    const auto db = open(&error);
    if (!db) {
        for (size_t i = 0; i < runs.size(); ++i) {
            HistoryResult result;
            result.problems.append({m_path, error});
            batch.deliver(i, std::move(result));
        }
        return;
    }
    MlflowSqlStore(*db, kind(), m_path, QFileInfo(m_path).fileName())
        .histories(runs, metric, batch);
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
