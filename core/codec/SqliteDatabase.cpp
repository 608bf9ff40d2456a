#include "SqliteDatabase.h"

#include <sys/stat.h>

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QUrl>

#include "LocalFiles.h"

namespace runlens {

namespace {

const QByteArray kHeader("SQLite format 3\0", 16);
// A private copy is a last resort for files SQLite cannot read in place; past this size the
// file is reported instead of copied into the temporary folder.
constexpr qint64 kMaxPrivateCopyBytes = qint64(4) << 30;

qint64 fileSize(const QString& path) {
    struct stat st;
    return stat(QFile::encodeName(path).constData(), &st) == 0 ? qint64(st.st_size) : -1;
}

// Bytes 18 and 19 of the header: the file format write and read versions, 2 for WAL.
bool isWalMode(const std::string& header) {
    return header.size() >= 20 && header[18] == 2 && header[19] == 2;
}

QString sqliteText(sqlite3* db) {
    return QString::fromUtf8(sqlite3_errmsg(db));
}

// Codes that mean "SQLite could read this, but not without writing beside it".
bool needsPrivateCopy(int extendedCode) {
    return extendedCode == SQLITE_READONLY_ROLLBACK || extendedCode == SQLITE_READONLY_RECOVERY ||
           extendedCode == SQLITE_READONLY_CANTINIT || extendedCode == SQLITE_READONLY_CANTLOCK ||
           extendedCode == SQLITE_CANTOPEN;
}

// Copies `from` to `to` through LocalFiles (a regular file only, read whole).
bool copyFile(const QString& from, const QString& to, QString* error) {
    std::string bytes;
    if (!readWholeFile(toLocalPath(from), bytes, error)) return false;
    QFile out(to);
    if (!out.open(QIODevice::WriteOnly) ||
        out.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size())) {
        if (error) *error = QStringLiteral("cannot be copied to read: %1").arg(out.errorString());
        return false;
    }
    return true;
}

}  // namespace

SqliteDatabase::SqliteDatabase(sqlite3* db, Access access) : m_db(db), m_access(access) {}

SqliteDatabase::~SqliteDatabase() {
    if (m_db) sqlite3_close_v2(m_db);
}

bool SqliteDatabase::hasSqliteHeader(const QString& path) {
    std::string head;
    return readFileHead(toLocalPath(path), 16, head, nullptr) &&
           QByteArray::fromStdString(head) == kHeader;
}

std::unique_ptr<SqliteDatabase> SqliteDatabase::open(const QString& path, Access access,
                                                     QString* error, int* code) {
    // The path is percent-encoded so '?', '#' and '%' in folder names survive the URI.
    QByteArray uri = "file:" + QUrl::toPercentEncoding(QFileInfo(path).absoluteFilePath(), "/");
    uri += access == Access::Immutable  ? "?mode=ro&immutable=1"
           : access == Access::ReadOnly ? "?mode=ro"
                                        : "";  // our own copy: SQLite may roll it back
    const int flags =
        (access == Access::PrivateCopy ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) |
        SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(uri.constData(), &db, flags, nullptr);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(db, 1);
        sqlite3_busy_timeout(db, 5000);
        // The schema is read now, so that a damaged file or a hot journal shows here.
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
        if (code) *code = sqlite3_extended_errcode(db);
        if (error) *error = QStringLiteral("cannot be read by SQLite: %1").arg(sqliteText(db));
        sqlite3_close_v2(db);
        return nullptr;
    }
    return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(db, access));
}

std::unique_ptr<SqliteDatabase> SqliteDatabase::openCopy(const QString& path,
                                                         const QString& sideFile, QString* error) {
    const qint64 size = fileSize(path) + std::max<qint64>(fileSize(sideFile), 0);
    if (size > kMaxPrivateCopyBytes) {
        if (error)
            *error = QStringLiteral(
                         "cannot be read in place without writing beside it, and is "
                         "too large (%1 MB) to read from a private copy")
                         .arg(size >> 20);
        return nullptr;
    }
    auto copy = std::make_unique<QTemporaryDir>();
    const QString name = copy->path() + QStringLiteral("/copy.db");
    if (!copy->isValid() || !copyFile(path, name, error)) return nullptr;
    // The -wal or -journal goes along under the copy's name, so SQLite finds it there.
    if (fileSize(sideFile) >= 0 && !copyFile(sideFile, name + sideFile.mid(path.size()), error))
        return nullptr;
    auto db = open(name, Access::PrivateCopy, error, nullptr);
    if (db) db->m_copy = std::move(copy);
    return db;
}

std::unique_ptr<SqliteDatabase> SqliteDatabase::openReadOnly(const QString& path, QString* error) {
    std::string header;
    QString why;
    if (!readFileHead(toLocalPath(path), 100, header, &why)) {
        if (error) *error = why;
        return nullptr;
    }
    if (header.empty()) {
        if (error) *error = QStringLiteral("is empty (0 bytes), not an SQLite database");
        return nullptr;
    }
    if (QByteArray::fromStdString(header.substr(0, 16)) != kHeader) {
        if (error)
            *error = QStringLiteral(
                "is not an SQLite database (its first bytes are not SQLite's header)");
        return nullptr;
    }
    const QString wal = path + QStringLiteral("-wal");
    const QString journal = path + QStringLiteral("-journal");
    const bool writerFiles = fileSize(wal) >= 0 && fileSize(path + QStringLiteral("-shm")) >= 0;
    if (isWalMode(header) && !writerFiles) {
        // No live writer. Without frames in a -wal the file is all there is: immutable.
        if (fileSize(wal) <= 0) return open(path, Access::Immutable, error, nullptr);
        auto db = openCopy(path, wal, error);
        if (db)
            db->m_note = QStringLiteral(
                "has a write-ahead log (-wal) but no -shm (its writer is gone); it was read "
                "from a private copy with its log, so nothing was written beside it");
        return db;
    }
    int code = 0;
    auto db = open(path, Access::ReadOnly, error, &code);
    if (db || !needsPrivateCopy(code)) return db;
    // A hot journal (a writer stopped mid-transaction) must be rolled back before reading,
    // which a read-only connection cannot do; a WAL file whose -shm cannot be opened is
    // likewise unreadable in place.
    const bool hotJournal = code == SQLITE_READONLY_ROLLBACK;
    db = openCopy(path, hotJournal ? journal : wal, error);
    if (db)
        db->m_note = hotJournal
                         ? QStringLiteral(
                               "has a hot rollback journal (-journal: a writer stopped in the "
                               "middle of a transaction); it was read from a private copy, "
                               "rolled back as SQLite would, so nothing was written beside it")
                         : QStringLiteral(
                               "cannot be read in place without writing beside it; it was "
                               "read from a private copy");
    return db;
}

QString SqliteDatabase::lastError() const {
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

bool SqliteDatabase::tables(QStringList& names, QString* error) const {
    names.clear();
    SqliteStatement stmt(*this, QStringLiteral("SELECT name FROM sqlite_master WHERE type = "
                                               "'table'"));
    while (stmt.next())
        names << stmt.text(0);
    if (!stmt.ok() || !stmt.error().isEmpty()) {
        if (error) *error = QStringLiteral("cannot be read by SQLite: %1").arg(stmt.error());
        return false;
    }
    return true;
}

bool SqliteTables::has(std::initializer_list<const char*> tables) const {
    for (const char* table : tables)
        if (!names.contains(QLatin1String(table), Qt::CaseInsensitive)) return false;
    return true;
}

SqliteTables sqliteTables(const QString& path) {
    SqliteTables out;
    if (!SqliteDatabase::hasSqliteHeader(path)) return out;
    out.isSqlite = true;
    const auto db = SqliteDatabase::openReadOnly(path, &out.error);
    if (db) db->tables(out.names, &out.error);
    return out;
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

std::string_view SqliteStatement::blob(int i) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, i));
    return data ? std::string_view(data, size_t(sqlite3_column_bytes(m_stmt, i)))
                : std::string_view();
}

SqliteChangeProbe::Stamp SqliteChangeProbe::stamp() const {
    Stamp out;
    struct stat st;
    if (stat(QFile::encodeName(m_path).constData(), &st) == 0) {
        out.inode = st.st_ino;
        out.size = qint64(st.st_size);
        out.mtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
    if (stat(QFile::encodeName(m_path + QStringLiteral("-wal")).constData(), &st) == 0) {
        out.walSize = qint64(st.st_size);
        out.walMtimeNs = qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    }
    return out;
}

bool SqliteChangeProbe::changed() {
    const Stamp now = stamp();
    const bool seesCommits = m_db && m_db->access() == SqliteDatabase::Access::ReadOnly;
    if (!m_db || now.inode != m_stamp.inode || (!seesCommits && !(now == m_stamp))) {
        m_db = SqliteDatabase::openReadOnly(m_path, nullptr);
        m_version = -1;
    }
    m_stamp = now;
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
