#include "SqliteConnection.h"

namespace runlens {

namespace {

// A statement's current row, its columns shifted by `first` (forEachChunk selects the rowid
// before the columns asked for).
class SqliteRow final : public SqlRow {
public:
    SqliteRow(const SqliteStatement& stmt, int first) : m_stmt(stmt), m_first(first) {}
    bool isNull(int column) const override { return m_stmt.isNull(column + m_first); }
    qint64 int64(int column) const override { return m_stmt.int64(column + m_first); }
    double real(int column) const override { return m_stmt.real(column + m_first); }
    bool flag(int column) const override { return m_stmt.int64(column + m_first) != 0; }
    std::string_view bytes(int column) const override { return m_stmt.bytes(column + m_first); }

private:
    const SqliteStatement& m_stmt;
    const int m_first;
};

}  // namespace

bool SqliteConnection::forEachRow(const QString& table, const QString& columns,
                                  const SqlRowCallback& onRow, QString* error) {
    return m_db->forEachChunk(
        table, columns, {}, [&](SqliteStatement& stmt) { onRow(SqliteRow(stmt, 1)); }, error);
}

bool SqliteConnection::query(const QString& sql, const std::vector<SqlParam>& params,
                             const SqlRowCallback& onRow, QString* error) {
    SqliteStatement stmt(*m_db, sql);
    if (!stmt.ok()) {
        if (error) *error = stmt.error();
        return false;
    }
    for (size_t i = 0; i < params.size(); ++i)
        std::visit([&](const auto& value) { stmt.bind(int(i) + 1, value); }, params[i]);
    const SqliteRow row(stmt, 0);
    while (stmt.next())
        onRow(row);
    if (!stmt.error().isEmpty()) {
        if (error) *error = stmt.error();
        return false;
    }
    return true;
}

}  // namespace runlens
