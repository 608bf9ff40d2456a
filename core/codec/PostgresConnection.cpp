#include "PostgresConnection.h"

#include <libpq-fe.h>

#include <QRegularExpression>
#include <charconv>

namespace runlens {

namespace {

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
    ~Result() { PQclear(res); }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    bool is(ExecStatusType status) const { return PQresultStatus(res) == status; }
    QString error() const { return oneLine(PQresultErrorMessage(res)); }
};

// One row of a text-format result.
class PostgresRow final : public SqlRow {
public:
    explicit PostgresRow(const PGresult* res) : m_res(res) {}
    void setRow(int row) { m_row = row; }

    bool isNull(int column) const override { return PQgetisnull(m_res, m_row, column); }
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
    bool flag(int column) const override { return PQgetvalue(m_res, m_row, column)[0] == 't'; }
    std::string_view bytes(int column) const override {
        return {PQgetvalue(m_res, m_row, column), size_t(PQgetlength(m_res, m_row, column))};
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

}  // namespace

PostgresConnection::~PostgresConnection() {
    PQfinish(m_conn);
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

std::unique_ptr<PostgresConnection> PostgresConnection::connect(const QString& url,
                                                                QString* error) {
    const QByteArray dbname = url.toUtf8();
    // Defaults first, so the URL's own values win; the encoding last, so text is UTF-8.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                          nullptr};
    const char* values[] = {"10", "runlens", dbname.constData(), "UTF8", nullptr};
    PGconn* conn = PQconnectdbParams(keys, values, 1);
    if (!conn) {
        if (error) *error = QStringLiteral("out of memory");
        return nullptr;
    }
    std::unique_ptr<PostgresConnection> out(new PostgresConnection(conn));
    if (PQstatus(conn) != CONNECTION_OK) {
        if (error) *error = out->lastError();
        return nullptr;
    }
    // Exact doubles even from servers older than 12, whose default rounds to 15 digits.
    if (!out->execute("SET default_transaction_read_only = on; SET extra_float_digits = 3", error))
        return nullptr;
    return out;
}

bool PostgresConnection::isOk() const {
    return PQstatus(m_conn) == CONNECTION_OK;
}

bool PostgresConnection::isIdle() const {
    return isOk() && m_readDepth == 0 && PQtransactionStatus(m_conn) == PQTRANS_IDLE;
}

QString PostgresConnection::lastError() const {
    return oneLine(PQerrorMessage(m_conn));
}

bool PostgresConnection::execute(const char* sql, QString* error) {
    const Result result(PQexec(m_conn, sql));
    if (result.is(PGRES_COMMAND_OK)) return true;
    if (error) *error = result.res ? result.error() : lastError();
    return false;
}

bool PostgresConnection::beginRead(QString* error) {
    if (m_readDepth > 0) return ++m_readDepth, true;
    if (!execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", error)) return false;
    m_readDepth = 1;
    return true;
}

void PostgresConnection::endRead() {
    if (m_readDepth == 0 || --m_readDepth > 0) return;
    // Nothing was written; a transaction that failed ends the same way.
    execute(PQtransactionStatus(m_conn) == PQTRANS_INTRANS ? "COMMIT" : "ROLLBACK", nullptr);
}

bool PostgresConnection::query(const QString& sql, const std::vector<SqlParam>& params,
                               const SqlRowCallback& onRow, QString* error) {
    const bool ownRead = m_readDepth == 0;
    if (ownRead && !beginRead(error)) return false;
    // The cursor ends with the transaction: no CLOSE, no round trip for it.
    const QByteArray cursor = "runlens_" + QByteArray::number(++m_cursors);
    const QByteArray declare =
        "DECLARE " + cursor + " NO SCROLL CURSOR FOR " + postgresParameters(sql).toUtf8();
    const QByteArray fetch = "FETCH FORWARD " + QByteArray::number(kBatch) + " FROM " + cursor;
    std::unique_ptr<Result> batch;
    if (params.empty()) {
        // One round trip: PQexec runs both and answers with the last result.
        batch = std::make_unique<Result>(PQexec(m_conn, (declare + "; " + fetch).constData()));
    } else {
        std::vector<QByteArray> texts;
        for (const SqlParam& param : params)
            texts.push_back(std::holds_alternative<qint64>(param)
                                ? QByteArray::number(std::get<qint64>(param))
                                : std::get<QString>(param).toUtf8());
        std::vector<const char*> values;
        for (const QByteArray& text : texts)
            values.push_back(text.constData());
        const Result declared(PQexecParams(m_conn, declare.constData(), int(values.size()), nullptr,
                                           values.data(), nullptr, nullptr, 0));
        if (declared.is(PGRES_COMMAND_OK))
            batch = std::make_unique<Result>(PQexec(m_conn, fetch.constData()));
        else if (error)
            *error = declared.res ? declared.error() : lastError();
    }
    bool ok = batch != nullptr;
    while (ok) {
        if (!batch->is(PGRES_TUPLES_OK)) {
            if (error) *error = batch->res ? batch->error() : lastError();
            ok = false;
            break;
        }
        PostgresRow row(batch->res);
        const int rows = PQntuples(batch->res);
        for (int i = 0; i < rows; ++i) {
            row.setRow(i);
            onRow(row);
        }
        if (rows < kBatch) break;
        batch = std::make_unique<Result>(PQexec(m_conn, fetch.constData()));
    }
    if (ownRead) endRead();
    return ok;
}

bool PostgresConnection::forEachRow(const QString& table, const QString& columns,
                                    const SqlRowCallback& onRow, QString* error) {
    return query(QStringLiteral("SELECT %1 FROM \"%2\"").arg(columns, table), {}, onRow, error);
}

bool PostgresConnection::tables(QStringList& names, QString* error) {
    names.clear();
    // Tables and views the search path reaches, as an unqualified name in a query would.
    QString why;
    if (query(
            QStringLiteral("SELECT c.relname FROM pg_catalog.pg_class c "
                           "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                           "AND pg_catalog.pg_table_is_visible(c.oid)"),
            {}, [&](const SqlRow& row) { names << row.text(0); }, &why))
        return true;
    if (error) *error = QStringLiteral("cannot be read: %1").arg(why);
    return false;
}

QStringList PostgresConnection::columns(const QString& table) {
    QStringList names;
    // to_regclass answers NULL for a missing table where SELECT * would end the transaction.
    // The name inline, quoted twice (identifier, then literal): one round trip, no parameter.
    QString name =
        QStringLiteral("\"%1\"").arg(QString(table).replace(u'"', QStringLiteral("\"\"")));
    name.replace(u'\'', QStringLiteral("''"));
    query(
        QStringLiteral("SELECT attname FROM pg_catalog.pg_attribute "
                       "WHERE attrelid = pg_catalog.to_regclass('%1') AND attnum > 0 "
                       "AND NOT attisdropped ORDER BY attnum")
            .arg(name),
        {}, [&](const SqlRow& row) { names << row.text(0); }, nullptr);
    return names;
}

}  // namespace runlens
