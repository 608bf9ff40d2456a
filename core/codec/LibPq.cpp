#include "LibPq.h"

#include "LoadedLibrary.h"

namespace runlens {

const LibPq* LibPq::load(QString* error) {
    return loadFunctions<LibPq>(
        QStringLiteral("pq"), 5, QStringLiteral("libpq5"),
        [](LoadedLibrary& l, LibPq& f) {
            l.resolve("PQconnectdbParams", f.PQconnectdbParams);
            l.resolve("PQstatus", f.PQstatus);
            l.resolve("PQconnectionNeedsPassword", f.PQconnectionNeedsPassword);
            l.resolve("PQconnectionUsedPassword", f.PQconnectionUsedPassword);
            l.resolve("PQerrorMessage", f.PQerrorMessage);
            l.resolve("PQtransactionStatus", f.PQtransactionStatus);
            l.resolve("PQfinish", f.PQfinish);
            l.resolve("PQexec", f.PQexec);
            l.resolve("PQexecParams", f.PQexecParams);
            l.resolve("PQsendQuery", f.PQsendQuery);
            l.resolve("PQgetResult", f.PQgetResult);
            l.resolve("PQmakeEmptyPGresult", f.PQmakeEmptyPGresult);
            l.resolve("PQresultStatus", f.PQresultStatus);
            l.resolve("PQresultErrorMessage", f.PQresultErrorMessage);
            l.resolve("PQntuples", f.PQntuples);
            l.resolve("PQgetisnull", f.PQgetisnull);
            l.resolve("PQgetvalue", f.PQgetvalue);
            l.resolve("PQgetlength", f.PQgetlength);
            l.resolve("PQclear", f.PQclear);
            l.resolve("PQescapeLiteral", f.PQescapeLiteral);
            l.resolve("PQfreemem", f.PQfreemem);
        },
        error);
}

}  // namespace runlens
