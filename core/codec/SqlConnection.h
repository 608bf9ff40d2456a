#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <string_view>
#include <variant>
#include <vector>

namespace runlens {

// One row of a result, whatever the database; columns count from 0.
class SqlRow {
public:
    virtual bool isNull(int column) const = 0;
    virtual qint64 int64(int column) const = 0;
    virtual double real(int column) const = 0;
    // A boolean column: SQLite keeps 0 or 1, PostgreSQL a `boolean`.
    virtual bool flag(int column) const = 0;
    // The text's UTF-8 bytes, valid until the next row.
    virtual std::string_view bytes(int column) const = 0;

    QString text(int column) const {
        const std::string_view b = bytes(column);
        return QString::fromUtf8(b.data(), qsizetype(b.size()));
    }

protected:
    ~SqlRow() = default;
};

using SqlParam = std::variant<QString, qint64>;
using SqlRowCallback = std::function<void(const SqlRow&)>;

// A read-only connection to a database holding a tracker's tables, so that a reader writes its
// queries and its row mapping once for SQLite files and PostgreSQL servers alike. The SQL
// given is what both accept: `?1`-style parameters, double-quoted identifiers.
class SqlConnection {
public:
    enum class Dialect { Sqlite, Postgres };

    virtual ~SqlConnection() = default;
    virtual Dialect dialect() const = 0;

    // The tables a query can name, or false with `error` set to the database's reason.
    virtual bool tables(QStringList& names, QString* error) = 0;
    // Column names of `table`, empty if there is no such table.
    virtual QStringList columns(const QString& table) = 0;

    // Every row of `SELECT <columns> FROM <table>`, read in bounded pieces. Returns false with
    // `error` set if a query failed.
    virtual bool forEachRow(const QString& table, const QString& columns,
                            const SqlRowCallback& onRow, QString* error) = 0;
    // The rows of one query. Between beginRead() and endRead() they are streamed in bounded
    // batches; outside, a PostgreSQL query is one statement answered whole (one round trip),
    // fit for small answers only (the catalog, a probe).
    virtual bool query(const QString& sql, const std::vector<SqlParam>& params,
                       const SqlRowCallback& onRow, QString* error) = 0;

    // Makes the reads until endRead() one consistent snapshot where that costs a writer
    // nothing (PostgreSQL: one read-only repeatable-read transaction). SQLite keeps its
    // short windows instead, so that a training job writing to the file is never held up.
    virtual bool beginRead(QString* error) {
        (void)error;
        return true;
    }
    virtual void endRead() {}
};

}  // namespace runlens
