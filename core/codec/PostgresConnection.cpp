#include "PostgresConnection.h"

#include <QHash>
#include <QRegularExpression>
#include <charconv>

#include "LibPq.h"

namespace runlens {

namespace {

// libpq, loaded by connect() before any connection exists.
const LibPq& pq() {
    return *LibPq::load();
}

// libpq's messages run over lines ("FATAL:  password authentication failed ...\n", a hint on
// the next); the first line with its severity dropped says it.
QString oneLine(const char* message) {
    QString text = QString::fromUtf8(message).trimmed();
    text = text.section(u'\n', 0, 0).trimmed();
    static const QRegularExpression kSeverity(QStringLiteral("(ERROR|FATAL|PANIC):\\s+"));
    text.replace(kSeverity, QString());
    return text.isEmpty() ? QStringLiteral("unknown error") : text;
}

// A result freed when it goes out of scope.
struct Result {
    PGresult* res;
    explicit Result(PGresult* r) : res(r) {}
    ~Result() { pq().PQclear(res); }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    bool is(ExecStatusType status) const { return pq().PQresultStatus(res) == status; }
    QString error() const { return oneLine(pq().PQresultErrorMessage(res)); }
};

// One row of a text-format result.
class PostgresRow final : public SqlRow {
public:
    explicit PostgresRow(const PGresult* res) : m_res(res) {}
    void setRow(int row) { m_row = row; }

    bool isNull(int column) const override { return pq().PQgetisnull(m_res, m_row, column); }
    qint64 int64(int column) const override {
        const std::string_view text = bytes(column);
        qint64 value = 0;
        std::from_chars(text.data(), text.data() + text.size(), value);
        return value;
    }
    // float8out writes "Infinity", "-Infinity" and "NaN", which from_chars reads.
    double real(int column) const override {
        const std::string_view text = bytes(column);
        double value = 0;
        std::from_chars(text.data(), text.data() + text.size(), value);
        return value;
    }
    bool flag(int column) const override { return pq().PQgetvalue(m_res, m_row, column)[0] == 't'; }
    std::string_view bytes(int column) const override {
        return {pq().PQgetvalue(m_res, m_row, column),
                size_t(pq().PQgetlength(m_res, m_row, column))};
    }

private:
    const PGresult* m_res;
    int m_row = 0;
};

// The shared SQL numbers parameters `?1`; PostgreSQL's are `$1`.
QString postgresParameters(const QString& sql) {
    static const QRegularExpression kParameter(QStringLiteral("\\?(\\d+)"));
    QString out = sql;
    return out.replace(kParameter, QStringLiteral("$\\1"));
}

// The parameters as text, the way PQexecParams takes them.
struct TextParams {
    std::vector<QByteArray> texts;
    std::vector<const char*> values;
    explicit TextParams(const std::vector<SqlParam>& params) {
        for (const SqlParam& param : params)
            texts.push_back(std::holds_alternative<qint64>(param)
                                ? QByteArray::number(std::get<qint64>(param))
                                : std::get<QString>(param).toUtf8());
        for (const QByteArray& text : texts)
            values.push_back(text.constData());
    }
    int count() const { return int(values.size()); }
};

}  // namespace

PostgresConnection::~PostgresConnection() {
    pq().PQfinish(m_conn);
}

bool PostgresConnection::isUrl(const QString& text) {
    return text.startsWith(u"postgresql://") || text.startsWith(u"postgres://");
}

QString PostgresConnection::withoutPassword(const QString& url) {
    const qsizetype start = url.indexOf(u"://");
    if (start < 0) return url;
    QString out = url;
    qsizetype end = out.indexOf(u'/', start + 3);
    const qsizetype query = out.indexOf(u'?', start + 3);
    if (end < 0 || (query >= 0 && query < end)) end = query < 0 ? out.size() : query;
    const qsizetype at = out.lastIndexOf(u'@', end - 1);
    if (at > start) {
        const qsizetype colon = out.indexOf(u':', start + 3);
        if (colon >= 0 && colon < at) out.remove(colon, at - colon);
    }
    static const QRegularExpression kPassword(QStringLiteral("([?&])password=[^&]*&?"));
    out.replace(kPassword, QStringLiteral("\\1"));
    if (out.endsWith(u'?') || out.endsWith(u'&')) out.chop(1);
    return out;
}

std::unique_ptr<PostgresConnection> PostgresConnection::connect(const QString& url, QString* error,
                                                                bool* loginRefused) {
    if (loginRefused) *loginRefused = false;
    const QByteArray dbname = url.toUtf8();
    // Defaults first, so the URL's own values win; the encoding last, so text is UTF-8.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                          nullptr};
    const char* values[] = {"10", "runlens", dbname.constData(), "UTF8", nullptr};
    if (!LibPq::load(error)) return nullptr;
    PGconn* conn = pq().PQconnectdbParams(keys, values, 1);
    if (!conn) {
        if (error) *error = QStringLiteral("out of memory");
        return nullptr;
    }
    std::unique_ptr<PostgresConnection> out(new PostgresConnection(conn));
    if (pq().PQstatus(conn) != CONNECTION_OK) {
        const QString why = out->lastError();
        if (error) *error = why;
        // libpq says when no password was at hand; a wrong one is SQLSTATE 28P01, whose
        // message is all a failed connection leaves.
        if (loginRefused)
            *loginRefused = pq().PQconnectionNeedsPassword(conn) ||
                            (pq().PQconnectionUsedPassword(conn) &&
                             why.contains(u"password authentication failed"));
        return nullptr;
    }
    // Exact doubles even from servers older than 12, whose default rounds to 15 digits.
    if (!out->execute("SET default_transaction_read_only = on; SET extra_float_digits = 3", error))
        return nullptr;
    return out;
}

bool PostgresConnection::isOk() const {
    return pq().PQstatus(m_conn) == CONNECTION_OK;
}

bool PostgresConnection::isIdle() const {
    return isOk() && m_readDepth == 0 && pq().PQtransactionStatus(m_conn) == PQTRANS_IDLE;
}

QString PostgresConnection::lastError() const {
    return oneLine(pq().PQerrorMessage(m_conn));
}

bool PostgresConnection::execute(const char* sql, QString* error) {
    const Result result(pq().PQexec(m_conn, sql));
    if (result.is(PGRES_COMMAND_OK)) return true;
    if (error) *error = result.res ? result.error() : lastError();
    return false;
}

bool PostgresConnection::beginRead(QString* error) {
    (void)error;
    // BEGIN goes along with the first statement: no round trip of its own.
    if (m_readDepth++ == 0) m_beginPending = true;
    return true;
}

void PostgresConnection::endRead() {
    if (m_readDepth == 0 || --m_readDepth > 0) return;
    m_columns.clear();
    m_catalogRead = false;
    if (m_beginPending) {
        m_beginPending = false;  // nothing was sent
        return;
    }
    // Nothing was written; a transaction that failed ends the same way.
    execute(pq().PQtransactionStatus(m_conn) == PQTRANS_INTRANS ? "COMMIT" : "ROLLBACK", nullptr);
}

QByteArray PostgresConnection::withLiterals(const QString& sql,
                                            const std::vector<SqlParam>& params) const {
    static const QRegularExpression kParameter(QStringLiteral("\\?(\\d+)"));
    QByteArray out;
    qsizetype from = 0;
    for (auto it = kParameter.globalMatch(sql); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += sql.mid(from, m.capturedStart() - from).toUtf8();
        from = m.capturedEnd();
        const size_t i = size_t(m.captured(1).toInt() - 1);
        if (i >= params.size()) {
            out += "NULL";
        } else if (std::holds_alternative<qint64>(params[i])) {
            out += QByteArray::number(std::get<qint64>(params[i]));
        } else {
            const QByteArray text = std::get<QString>(params[i]).toUtf8();
            char* literal = pq().PQescapeLiteral(m_conn, text.constData(), size_t(text.size()));
            out += literal ? QByteArray(literal) : QByteArray("NULL");
            pq().PQfreemem(literal);
        }
    }
    return out + sql.mid(from).toUtf8();
}

bool PostgresConnection::query(const QString& sql, const std::vector<SqlParam>& params,
                               const SqlRowCallback& onRow, QString* error) {
    std::unique_ptr<Result> batch;
    QByteArray fetch;
    if (m_readDepth == 0) {
        // One statement on its own, read-only by the session's default, answered whole.
        const TextParams text(params);
        batch = std::make_unique<Result>(
            pq().PQexecParams(m_conn, postgresParameters(sql).toUtf8().constData(), text.count(),
                              nullptr, text.values.data(), nullptr, nullptr, 0));
    } else {
        // A cursor, FETCH by FETCH; it ends with the transaction (no CLOSE). The parameters go
        // in as escaped literals, so that BEGIN, DECLARE and the first FETCH are one round trip.
        const QByteArray cursor = "runlens_" + QByteArray::number(++m_cursors);
        fetch = "FETCH FORWARD " + QByteArray::number(kBatch) + " FROM " + cursor;
        QByteArray statements;
        if (m_beginPending) statements = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; ";
        m_beginPending = false;
        statements += "DECLARE " + cursor + " NO SCROLL CURSOR FOR " + withLiterals(sql, params) +
                      "; " + fetch;
        batch = std::make_unique<Result>(pq().PQexec(m_conn, statements.constData()));
    }
    for (;;) {
        if (!batch->is(PGRES_TUPLES_OK)) {
            if (error) *error = batch->res ? batch->error() : lastError();
            return false;
        }
        const int rows = pq().PQntuples(batch->res);
        // The next batch is asked for before this one is mapped, so the server reads it while
        // we map: two cores at work, not one after the other.
        const bool more = !fetch.isEmpty() && rows == kBatch;
        const bool sent = more && pq().PQsendQuery(m_conn, fetch.constData()) == 1;
        PostgresRow row(batch->res);
        for (int i = 0; i < rows; ++i) {
            row.setRow(i);
            onRow(row);
        }
        if (!more) return true;
        if (!sent) {
            if (error) *error = lastError();
            return false;
        }
        batch = std::make_unique<Result>(pq().PQgetResult(m_conn));
        while (PGresult* rest = pq().PQgetResult(m_conn))
            pq().PQclear(rest);
        if (!batch->res)
            batch = std::make_unique<Result>(pq().PQmakeEmptyPGresult(m_conn, PGRES_FATAL_ERROR));
    }
}

bool PostgresConnection::forEachRow(const QString& table, const QString& columns,
                                    const SqlRowCallback& onRow, QString* error) {
    return query(QStringLiteral("SELECT %1 FROM \"%2\"").arg(columns, table), {}, onRow, error);
}

bool PostgresConnection::tables(QStringList& names, QString* error) {
    names.clear();
    QHash<QString, QStringList> columns;
    // Tables and views the search path reaches, as an unqualified name in a query would, with
    // their columns: one query for the whole catalog a reader needs.
    QString why;
    if (!query(
            QStringLiteral("SELECT c.relname, a.attname FROM pg_catalog.pg_class c "
                           "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid "
                           "AND a.attnum > 0 AND NOT a.attisdropped "
                           "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                           "AND pg_catalog.pg_table_is_visible(c.oid) "
                           "ORDER BY c.relname, a.attnum"),
            {}, [&](const SqlRow& row) { columns[row.text(0)] << row.text(1); }, &why)) {
        if (error) *error = QStringLiteral("cannot be read: %1").arg(why);
        return false;
    }
    names = columns.keys();
    if (m_readDepth > 0) {
        // Kept for columns() until the read ends: the schema of one snapshot.
        m_columns = std::move(columns);
        m_catalogRead = true;
    }
    return true;
}

QStringList PostgresConnection::columns(const QString& table) {
    if (m_catalogRead) return m_columns.value(table);
    QStringList names;
    // to_regclass answers NULL for a missing table where SELECT * would end the transaction.
    query(
        QStringLiteral("SELECT attname FROM pg_catalog.pg_attribute "
                       "WHERE attrelid = pg_catalog.to_regclass(?1) AND attnum > 0 "
                       "AND NOT attisdropped ORDER BY attnum"),
        {QStringLiteral("\"%1\"").arg(QString(table).replace(u'"', QStringLiteral("\"\"")))},
        [&](const SqlRow& row) { names << row.text(0); }, nullptr);
    return names;
}

}  // namespace runlens
