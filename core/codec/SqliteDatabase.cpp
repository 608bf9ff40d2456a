#include "SqliteDatabase.h"

#include <sys/stat.h>

#include <QFile>
#include <QFileInfo>
#include <QUrl>

namespace runlens {

SqliteDatabase::~SqliteDatabase() {
    if (m_db) sqlite3_close_v2(m_db);
}

bool SqliteDatabase::hasSqliteHeader(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return false;
    return file.read(16) == QByteArray("SQLite format 3\0", 16);
}

std::unique_ptr<SqliteDatabase> SqliteDatabase::openReadOnly(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = QStringLiteral("cannot be opened: %1").arg(file.errorString());
        return nullptr;
    }
    const QByteArray header = file.read(16);
    file.close();
    if (header.isEmpty()) {
        if (error) *error = QStringLiteral("is empty (0 bytes), not an SQLite database");
        return nullptr;
    }
    if (header != QByteArray("SQLite format 3\0", 16)) {
        if (error)
            *error = QStringLiteral(
                "is not an SQLite database (its first bytes are not SQLite's header)");
        return nullptr;
    }
    // mode=ro: read-only and never creates a journal; the path is percent-encoded so
    // '?', '#' and '%' in folder names survive the URI.
    const QByteArray uri =
        "file:" + QUrl::toPercentEncoding(QFileInfo(path).absoluteFilePath(), "/") + "?mode=ro";
    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(uri.constData(), &db,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        if (error)
            *error = QStringLiteral("cannot be opened by SQLite: %1")
                         .arg(QString::fromUtf8(sqlite3_errmsg(db)));
        sqlite3_close_v2(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, 5000);
    return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(db));
}

QString SqliteDatabase::lastError() const {
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

QStringList SqliteDatabase::columns(const QString& table) const {
    SqliteStatement stmt(*this, QStringLiteral("SELECT * FROM \"%1\" LIMIT 0").arg(table));
    QStringList names;
    if (!stmt.ok()) return names;
    for (int i = 0; i < stmt.columnCount(); ++i)
        names << stmt.columnName(i);
    return names;
}

bool SqliteDatabase::forEachChunk(const QString& table, const QString& columns,
                                  const QString& where,
                                  const std::function<void(SqliteStatement&)>& onRow,
                                  QString* error, int chunk) const {
    const QString sql =
        QStringLiteral("SELECT rowid, %1 FROM \"%2\" WHERE rowid > ?1%3 ORDER BY rowid LIMIT ?2")
            .arg(columns, table,
                 where.isEmpty() ? QString() : QStringLiteral(" AND (%1)").arg(where));
    SqliteStatement stmt(*this, sql);
    if (!stmt.ok()) {
        if (error) *error = stmt.error();
        return false;
    }
    qint64 after = std::numeric_limits<qint64>::min();
    for (;;) {
        stmt.bind(1, after);
        stmt.bind(2, qint64(chunk));
        int rows = 0;
        while (stmt.next()) {
            after = stmt.int64(0);
            onRow(stmt);
            ++rows;
        }
        if (!stmt.error().isEmpty()) {
            if (error) *error = stmt.error();
            return false;
        }
        stmt.reset();  // ends this window's read transaction
        if (rows < chunk) return true;
    }
}

SqliteStatement::SqliteStatement(const SqliteDatabase& db, const QString& sql) : m_db(db.handle()) {
    const QByteArray utf8 = sql.toUtf8();
    if (sqlite3_prepare_v2(m_db, utf8.constData(), int(utf8.size()), &m_stmt, nullptr) !=
        SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
}

SqliteStatement::~SqliteStatement() {
    sqlite3_finalize(m_stmt);
}

void SqliteStatement::bind(int index, const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bind(int index, qint64 value) {
    sqlite3_bind_int64(m_stmt, index, value);
}

bool SqliteStatement::next() {
    if (!m_stmt) return false;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
    return false;
}

void SqliteStatement::reset() {
    sqlite3_reset(m_stmt);
    m_error.clear();
}

QString SqliteStatement::text(int i) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
    return data ? QString::fromUtf8(data, sqlite3_column_bytes(m_stmt, i)) : QString();
}

std::string_view SqliteStatement::bytes(int i) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, i));
    return data ? std::string_view(data, size_t(sqlite3_column_bytes(m_stmt, i)))
                : std::string_view();
}

bool SqliteChangeProbe::changed() {
    struct stat st;
    const quint64 inode = stat(QFile::encodeName(m_path).constData(), &st) == 0 ? st.st_ino : 0;
    if (!m_db || inode != m_inode) {
        m_inode = inode;
        m_db = SqliteDatabase::openReadOnly(m_path, nullptr);
        m_version = -1;
    }
    if (!m_db) return true;
    SqliteStatement pragma(*m_db, QStringLiteral("PRAGMA data_version"));
    if (!pragma.ok() || !pragma.next()) {
        m_db.reset();
        return true;
    }
    const qint64 version = pragma.int64(0);
    const bool changed = version != m_version;
    m_version = version;
    return changed;
}

QStringList sqliteWatchPaths(const QString& path) {
    return {path, path + QStringLiteral("-wal"), QFileInfo(path).absolutePath()};
}

}  // namespace runlens
