#pragma once

#include <sqlite3.h>

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace runlens {

class SqliteStatement;

// A read-only connection to a user's SQLite file. Opened by URI with mode=ro, so SQLite
// never creates a journal next to the data; a busy timeout rides out a writer's commit.
// Every query is its own short read transaction: long reads go through forEachChunk so a
// training job writing to the same file is never held up for long.
class SqliteDatabase {
public:
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    // Checks the header first, so a file that is empty or not SQLite gets a clear sentence.
    static std::unique_ptr<SqliteDatabase> openReadOnly(const QString& path, QString* error);
    // True if the file starts with SQLite's 16-byte header.
    static bool hasSqliteHeader(const QString& path);

    sqlite3* handle() const { return m_db; }
    QString lastError() const;

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
    explicit SqliteDatabase(sqlite3* db) : m_db(db) {}
    sqlite3* m_db = nullptr;
};

// Tells whether an SQLite file was written since the last look, without reading its
// tables: PRAGMA data_version on a connection kept open (it changes when another connection
// commits), and the file's inode (a file replaced is a change). The first look says changed.
class SqliteChangeProbe {
public:
    explicit SqliteChangeProbe(QString path) : m_path(std::move(path)) {}
    bool changed();

private:
    QString m_path;
    std::unique_ptr<SqliteDatabase> m_db;
    qint64 m_version = -1;
    quint64 m_inode = 0;
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

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    QString m_error;
};

}  // namespace runlens
