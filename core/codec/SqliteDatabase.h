#pragma once

#include <sqlite3.h>

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

class QTemporaryDir;

namespace runlens {

class SqliteStatement;

// A read-only connection to a user's SQLite file that never writes beside it: no journal, no
// -wal, no -shm appears that was not there, and no byte of the database or its -wal changes.
// - Rollback-journal databases (and WAL databases while their writer's -wal and -shm exist)
//   are opened by URI with mode=ro: shared locks only, a busy timeout rides out a commit.
// - A WAL database without its -wal (or with an empty one) and no -shm is opened immutable:
//   mode=ro alone would create -wal and -shm beside it, and there is nothing to miss.
// - A WAL database whose -wal holds frames but whose -shm is gone (a writer that crashed, a
//   copied store), or that SQLite cannot read in place (a hot rollback journal left by a
//   crashed writer: SQLITE_READONLY_ROLLBACK), is read from a private copy in the temporary
//   folder, which SQLite recovers or rolls back as it would the original. note() says so.
// Every query is its own short read transaction: long reads go through forEachChunk so a
// training job writing to the same file is never held up for long.
class SqliteDatabase {
public:
    enum class Access { ReadOnly, Immutable, PrivateCopy };

    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    // Checks the header first, so a file that is empty or not SQLite gets a clear sentence,
    // then reads the schema, so a damaged file gets SQLite's own reason ("database disk
    // image is malformed") rather than looking like a database without tables.
    static std::unique_ptr<SqliteDatabase> openReadOnly(const QString& path, QString* error);
    // True if the file is a regular file starting with SQLite's 16-byte header.
    static bool hasSqliteHeader(const QString& path);

    sqlite3* handle() const { return m_db; }
    QString lastError() const;
    Access access() const { return m_access; }
    // What was done to read the file without writing beside it, when more than mode=ro; for
    // a problem naming the file ("had a hot rollback journal ...").
    QString note() const { return m_note; }

    // The names of the tables, or false with `error` set to SQLite's reason.
    bool tables(QStringList& names, QString* error) const;

    // Column names of `table`, empty if there is no such table. Uses a query every SQL
    // database answers (SELECT * ... LIMIT 0), not SQLite's PRAGMA.
    QStringList columns(const QString& table) const;

    // Runs `SELECT rowid, <columns> FROM <table> [WHERE <where>]` in windows of `chunk` rows
    // ordered by rowid, each window its own read transaction. `onRow` gets the statement with
    // the selected columns from index 1. Returns false with `error` set if a query failed.
    bool forEachChunk(const QString& table, const QString& columns, const QString& where,
                      const std::function<void(SqliteStatement&)>& onRow, QString* error,
                      int chunk = 50000) const;

private:
    SqliteDatabase(sqlite3* db, Access access);
    static std::unique_ptr<SqliteDatabase> open(const QString& path, Access access, QString* error,
                                                int* code);
    static std::unique_ptr<SqliteDatabase> openCopy(const QString& path, const QString& sideFile,
                                                    QString* error);

    sqlite3* m_db = nullptr;
    Access m_access = Access::ReadOnly;
    QString m_note;
    std::unique_ptr<QTemporaryDir> m_copy;  // the private copy read, removed with the connection
};

// Whether `path` is an SQLite database, its tables, and SQLite's reason when it cannot be
// read: one open for detection, whatever the tracker.
struct SqliteTables {
    bool isSqlite = false;
    QStringList names;
    QString error;  // set when it is SQLite but could not be read
    bool has(std::initializer_list<const char*> tables) const;
};
SqliteTables sqliteTables(const QString& path);

// Tells whether an SQLite file was written since the last look, without reading its
// tables: PRAGMA data_version on a connection kept open (it changes when another connection
// commits), and the file's inode (a file replaced is a change). The first look says changed.
// A connection that does not see other connections' commits (immutable, or a private copy)
// is replaced whenever the file's or its -wal's size, time or inode moved.
class SqliteChangeProbe {
public:
    explicit SqliteChangeProbe(QString path) : m_path(std::move(path)) {}
    bool changed();

private:
    struct Stamp {
        quint64 inode = 0;
        qint64 size = -1, mtimeNs = 0, walSize = -1, walMtimeNs = 0;
        friend bool operator==(const Stamp&, const Stamp&) = default;
    };
    Stamp stamp() const;

    QString m_path;
    std::unique_ptr<SqliteDatabase> m_db;
    qint64 m_version = -1;
    Stamp m_stamp;
};

// What to watch for a database's changes: the file, its write-ahead log and its folder (where
// the log appears).
QStringList sqliteWatchPaths(const QString& path);

class SqliteStatement {
public:
    SqliteStatement(const SqliteDatabase& db, const QString& sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    bool ok() const { return m_stmt != nullptr; }
    QString error() const { return m_error; }

    void bind(int index, const QString& text);
    void bind(int index, qint64 value);
    // Returns true while a row is available; on an error sets error() and returns false.
    bool next();
    void reset();

    int columnCount() const { return sqlite3_column_count(m_stmt); }
    QString columnName(int i) const { return QString::fromUtf8(sqlite3_column_name(m_stmt, i)); }
    bool isNull(int i) const { return sqlite3_column_type(m_stmt, i) == SQLITE_NULL; }
    qint64 int64(int i) const { return sqlite3_column_int64(m_stmt, i); }
    double real(int i) const { return sqlite3_column_double(m_stmt, i); }
    QString text(int i) const;
    // The raw UTF-8 bytes, valid until the next step.
    std::string_view bytes(int i) const;
    // A BLOB's bytes (a text's, for a text value), valid until the next step.
    std::string_view blob(int i) const;

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    QString m_error;
};

}  // namespace runlens
