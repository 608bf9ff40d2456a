#pragma once

#include <memory>

#include "SqlConnection.h"
#include "SqliteDatabase.h"

namespace runlens {

// An SQLite file seen through SqlConnection: tables are read in rowid windows, each its own
// short read transaction (SqliteDatabase::forEachChunk).
class SqliteConnection : public SqlConnection {
public:
    explicit SqliteConnection(std::unique_ptr<SqliteDatabase> db) : m_db(std::move(db)) {}

    SqliteDatabase& database() const { return *m_db; }

    Dialect dialect() const override { return Dialect::Sqlite; }
    bool tables(QStringList& names, QString* error) override { return m_db->tables(names, error); }
    QStringList columns(const QString& table) override { return m_db->columns(table); }
    bool forEachRow(const QString& table, const QString& columns, const SqlRowCallback& onRow,
                    QString* error) override;
    bool query(const QString& sql, const std::vector<SqlParam>& params, const SqlRowCallback& onRow,
               QString* error) override;

private:
    std::unique_ptr<SqliteDatabase> m_db;
};

}  // namespace runlens
