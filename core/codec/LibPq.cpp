#include "LibPq.h"

#include <QLibrary>

namespace runlens {

namespace {

struct Loaded {
    LibPq functions{};
    QString error;  // empty when every function was found
};

template <class F>
bool resolve(QLibrary& library, const char* name, F& function, QString& error) {
    function = reinterpret_cast<F>(library.resolve(name));
    if (!function && error.isEmpty())
        error = QStringLiteral("libpq (%1) has no %2").arg(library.fileName(), QLatin1String(name));
    return function != nullptr;
}

Loaded loadLibPq() {
    Loaded out;
    // The library stays loaded until the process ends: connections may outlive any owner.
    static QLibrary library(QStringLiteral("pq"), 5);
    if (!library.load()) {
        out.error = QStringLiteral(
                        "PostgreSQL's client library libpq.so.5 (package libpq5) "
                        "cannot be loaded: %1")
                        .arg(library.errorString());
        return out;
    }
    LibPq& f = out.functions;
    QString& e = out.error;
    resolve(library, "PQconnectdbParams", f.PQconnectdbParams, e);
    resolve(library, "PQstatus", f.PQstatus, e);
    resolve(library, "PQconnectionNeedsPassword", f.PQconnectionNeedsPassword, e);
    resolve(library, "PQconnectionUsedPassword", f.PQconnectionUsedPassword, e);
    resolve(library, "PQerrorMessage", f.PQerrorMessage, e);
    resolve(library, "PQtransactionStatus", f.PQtransactionStatus, e);
    resolve(library, "PQfinish", f.PQfinish, e);
    resolve(library, "PQexec", f.PQexec, e);
    resolve(library, "PQexecParams", f.PQexecParams, e);
    resolve(library, "PQsendQuery", f.PQsendQuery, e);
    resolve(library, "PQgetResult", f.PQgetResult, e);
    resolve(library, "PQmakeEmptyPGresult", f.PQmakeEmptyPGresult, e);
    resolve(library, "PQresultStatus", f.PQresultStatus, e);
    resolve(library, "PQresultErrorMessage", f.PQresultErrorMessage, e);
    resolve(library, "PQntuples", f.PQntuples, e);
    resolve(library, "PQgetisnull", f.PQgetisnull, e);
    resolve(library, "PQgetvalue", f.PQgetvalue, e);
    resolve(library, "PQgetlength", f.PQgetlength, e);
    resolve(library, "PQclear", f.PQclear, e);
    resolve(library, "PQescapeLiteral", f.PQescapeLiteral, e);
    resolve(library, "PQfreemem", f.PQfreemem, e);
    return out;
}

}  // namespace

const LibPq* LibPq::load(QString* error) {
    static const Loaded loaded = loadLibPq();
    if (!loaded.error.isEmpty()) {
        if (error) *error = loaded.error;
        return nullptr;
    }
    return &loaded.functions;
}

}  // namespace runlens
