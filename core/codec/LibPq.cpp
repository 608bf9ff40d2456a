#include "LibPq.h"

#include <utility>

#include "LoadedLibrary.h"

namespace runlens {

const LibPq* LibPq::load(QString* error) {
    static const std::pair<LibPq, QString> loaded = [] {
        std::pair<LibPq, QString> out{};
        LoadedLibrary library(QStringLiteral("pq"), 5, QStringLiteral("libpq5"));
        LibPq& f = out.first;
        library.resolve("PQconnectdbParams", f.PQconnectdbParams);
        library.resolve("PQstatus", f.PQstatus);
        library.resolve("PQconnectionNeedsPassword", f.PQconnectionNeedsPassword);
        library.resolve("PQconnectionUsedPassword", f.PQconnectionUsedPassword);
        library.resolve("PQerrorMessage", f.PQerrorMessage);
        library.resolve("PQtransactionStatus", f.PQtransactionStatus);
        library.resolve("PQfinish", f.PQfinish);
        library.resolve("PQexec", f.PQexec);
        library.resolve("PQexecParams", f.PQexecParams);
        library.resolve("PQsendQuery", f.PQsendQuery);
        library.resolve("PQgetResult", f.PQgetResult);
        library.resolve("PQmakeEmptyPGresult", f.PQmakeEmptyPGresult);
        library.resolve("PQresultStatus", f.PQresultStatus);
        library.resolve("PQresultErrorMessage", f.PQresultErrorMessage);
        library.resolve("PQntuples", f.PQntuples);
        library.resolve("PQgetisnull", f.PQgetisnull);
        library.resolve("PQgetvalue", f.PQgetvalue);
        library.resolve("PQgetlength", f.PQgetlength);
        library.resolve("PQclear", f.PQclear);
        library.resolve("PQescapeLiteral", f.PQescapeLiteral);
        library.resolve("PQfreemem", f.PQfreemem);
        out.second = library.error();
        return out;
    }();
    if (!loaded.second.isEmpty()) {
        if (error) *error = loaded.second;
        return nullptr;
    }
    return &loaded.first;
}

}  // namespace runlens
