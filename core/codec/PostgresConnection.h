#pragma once

#include <QHash>
#include <memory>

#include "SqlConnection.h"

struct pg_conn;

namespace runlens {

// A read-only libpq connection to a PostgreSQL database, seen through SqlConnection.
// - Every statement runs in a READ ONLY transaction, and the session's
//   default_transaction_read_only is on as well: nothing sent can write.
// - Rows are streamed through a cursor, FETCH by FETCH, so memory is bounded by one batch
//   whatever the table holds.
// - Between beginRead() and endRead() (which nest) the queries share one repeatable-read
//   snapshot, so runs, params, tags and metrics read one after the other belong together.
// - Doubles are sent in full precision (extra_float_digits 3), text as UTF-8.
class PostgresConnection : public SqlConnection {
public:
    ~PostgresConnection() override;
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    // Connects to `url`, a libpq connection URI (postgresql://user@host:port/db?sslmode=...).
    // libpq takes the password from the URL, PGPASSWORD or ~/.pgpass, and the PG* variables
    // for what the URL leaves out. On failure returns null with `error` set to one line, and
    // `loginRefused` true when the server wanted a password it was not given or did not take.
    static std::unique_ptr<PostgresConnection> connect(const QString& url, QString* error,
                                                       bool* loginRefused = nullptr);

    // True if `text` is a URL libpq reads (postgresql:// or postgres://).
    static bool isUrl(const QString& text);
    // `url` without its password (in the user part or as ?password=), for showing and naming.
    static QString withoutPassword(const QString& url);

    // False once the server is gone or the connection broke.
    bool isOk() const;
    // Connected and between transactions: fit to be used again.
    bool isIdle() const;

    Dialect dialect() const override { return Dialect::Postgres; }
    bool tables(QStringList& names, QString* error) override;
    QStringList columns(const QString& table) override;
    bool forEachRow(const QString& table, const QString& columns, const SqlRowCallback& onRow,
                    QString* error) override;
    bool query(const QString& sql, const std::vector<SqlParam>& params, const SqlRowCallback& onRow,
               QString* error) override;
    bool beginRead(QString* error) override;
    void endRead() override;

    // Rows fetched per round trip.
    static constexpr int kBatch = 10000;

private:
    explicit PostgresConnection(pg_conn* conn) : m_conn(conn) {}
    // Runs a statement that returns no rows; false with `error` set on failure.
    bool execute(const char* sql, QString* error);
    QString lastError() const;
    // `sql` with its ?N parameters written in as escaped literals.
    QByteArray withLiterals(const QString& sql, const std::vector<SqlParam>& params) const;

    pg_conn* m_conn = nullptr;
    int m_readDepth = 0;          // beginRead() calls not yet ended: reads nest
    bool m_beginPending = false;  // a read begun, its BEGIN not sent yet
    // The columns of every table, read by tables() within the current read.
    QHash<QString, QStringList> m_columns;
    bool m_catalogRead = false;
    int m_cursors = 0;  // names each cursor apart
};

}  // namespace runlens
