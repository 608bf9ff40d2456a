#pragma once

#include <libpq-fe.h>

#include <QString>

namespace runlens {

// libpq's functions, loaded (LoadedLibrary) the first time a PostgreSQL address is opened
// rather than with the program: linked, libpq and the libraries it brings (OpenSSL, GnuTLS,
// Kerberos, LDAP, SASL: fourteen) cost every runlens-cli command, PostgreSQL or not, a few
// milliseconds of start-up. The members keep libpq's names, so calls read as its manual.
struct LibPq {
    decltype(&::PQconnectdbParams) PQconnectdbParams;
    decltype(&::PQstatus) PQstatus;
    decltype(&::PQconnectionNeedsPassword) PQconnectionNeedsPassword;
    decltype(&::PQconnectionUsedPassword) PQconnectionUsedPassword;
    decltype(&::PQerrorMessage) PQerrorMessage;
    decltype(&::PQtransactionStatus) PQtransactionStatus;
    decltype(&::PQfinish) PQfinish;
    decltype(&::PQexec) PQexec;
    decltype(&::PQexecParams) PQexecParams;
    decltype(&::PQsendQuery) PQsendQuery;
    decltype(&::PQgetResult) PQgetResult;
    decltype(&::PQmakeEmptyPGresult) PQmakeEmptyPGresult;
    decltype(&::PQresultStatus) PQresultStatus;
    decltype(&::PQresultErrorMessage) PQresultErrorMessage;
    decltype(&::PQntuples) PQntuples;
    decltype(&::PQgetisnull) PQgetisnull;
    decltype(&::PQgetvalue) PQgetvalue;
    decltype(&::PQgetlength) PQgetlength;
    decltype(&::PQclear) PQclear;
    decltype(&::PQescapeLiteral) PQescapeLiteral;
    decltype(&::PQfreemem) PQfreemem;

    // libpq (libpq.so.5, Debian's libpq5), loaded once; null with the reason in `error` when
    // it cannot be loaded or lacks a function.
    static const LibPq* load(QString* error = nullptr);
};

}  // namespace runlens
