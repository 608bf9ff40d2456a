#pragma once

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <algorithm>

#include "TestHttpServer.h"

// The MLflow tracking server's recorded exchanges (tests/data/mlflow_server/mlflow_rest: a
// request.json, response.json and the exact response bytes per exchange), answered again.
//
// A request is mapped to a recording by method, path, query and JSON body. The page size
// (`max_results`) and the order asked for (`order_by`) are left out of the match: the recordings
// use small pages to show paging, RunLens asks for large ones and sorts runs itself, and the
// recorded pages hold the same runs whatever the page size. A recording whose page size also
// matches is preferred (get-history in one page of 25,000, or paged by 800). Page tokens are
// matched as recorded, so a reader that follows them walks the recorded pages.
namespace testsupport {

class RecordedMlflow {
public:
    struct Exchange {
        QString stem;
        QByteArray method;
        QString path;
        QList<QPair<QString, QString>> query;
        QJsonObject body;
        bool hasBody = false;
        CannedReply reply;
    };

    explicit RecordedMlflow(const QString& folder) {
        const QJsonArray index = readJson(folder + QStringLiteral("/index.json")).array();
        for (const QJsonValue& entry : index) {
            const QString stem = entry.toObject().value(QStringLiteral("stem")).toString();
            const QJsonObject request =
                readJson(folder + u'/' + stem + QStringLiteral(".request.json")).object();
            const QJsonObject response =
                readJson(folder + u'/' + stem + QStringLiteral(".response.json")).object();
            Exchange e;
            e.stem = stem;
            e.method = request.value(QStringLiteral("method")).toString().toLatin1();
            e.path = request.value(QStringLiteral("path")).toString();
            for (const QJsonValue& pair : request.value(QStringLiteral("query")).toArray())
                e.query.append({pair.toArray().at(0).toString(), pair.toArray().at(1).toString()});
            e.hasBody = request.value(QStringLiteral("body")).isObject();
            e.body = request.value(QStringLiteral("body")).toObject();
            e.reply.status = response.value(QStringLiteral("status")).toInt();
            e.reply.contentType = response.value(QStringLiteral("headers"))
                                      .toObject()
                                      .value(QStringLiteral("content-type"))
                                      .toString()
                                      .toLatin1();
            QFile raw(folder + u'/' + stem + QStringLiteral(".response.raw"));
            if (raw.open(QIODevice::ReadOnly)) e.reply.body = raw.readAll();
            m_exchanges.push_back(std::move(e));
        }
    }

    const std::vector<Exchange>& exchanges() const { return m_exchanges; }
    const Exchange* find(const QString& stem) const {
        for (const Exchange& e : m_exchanges)
            if (e.stem == stem) return &e;
        return nullptr;
    }

    // The recorded answer to `request`, or a 404 naming what had no recording (and noted).
    CannedReply answer(const HttpExchange& request) {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        const Exchange* best = nullptr;
        for (const Exchange& e : m_exchanges) {
            if (e.method != request.method || e.path != request.path) continue;
            if (without(e.query) != without(request.query)) continue;
            if (without(e.body) != without(body)) continue;
            const bool samePage = pageSize(e) == pageSize(request, body);
            if (!best || samePage) best = &e;
            if (samePage) break;
        }
        QMutexLocker lock(&m_mutex);
        if (best) {
            m_used << best->stem;
            return best->reply;
        }
        m_unmatched << QString::fromLatin1(request.method) + u' ' + request.path + u' ' +
                           QString::fromUtf8(request.body);
        return CannedReply::json(404, R"({"error_code":"NO_RECORDING","message":"no recording"})");
    }

    QStringList unmatched() const {
        QMutexLocker lock(&m_mutex);
        return m_unmatched;
    }
    void clearUnmatched() {
        QMutexLocker lock(&m_mutex);
        m_unmatched.clear();
    }
    QStringList used() const {
        QMutexLocker lock(&m_mutex);
        return m_used;
    }

private:
    static QJsonDocument readJson(const QString& path) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) qFatal("fixture missing: %s", qPrintable(path));
        return QJsonDocument::fromJson(f.readAll());
    }
    static QList<QPair<QString, QString>> without(QList<QPair<QString, QString>> query) {
        query.removeIf([](const auto& p) { return p.first == u"max_results"; });
        std::sort(query.begin(), query.end());
        return query;
    }
    static QJsonObject without(QJsonObject body) {
        body.remove(QStringLiteral("max_results"));
        body.remove(QStringLiteral("order_by"));
        return body;
    }
    static QString pageSize(const Exchange& e) {
        for (const auto& [k, v] : e.query)
            if (k == u"max_results") return v;
        return e.body.contains(QStringLiteral("max_results"))
                   ? QString::number(e.body.value(QStringLiteral("max_results")).toInteger())
                   : QString();
    }
    static QString pageSize(const HttpExchange& r, const QJsonObject& body) {
        const QString q = r.queryValue(QStringLiteral("max_results"));
        if (!q.isEmpty()) return q;
        return body.contains(QStringLiteral("max_results"))
                   ? QString::number(body.value(QStringLiteral("max_results")).toInteger())
                   : QString();
    }

    std::vector<Exchange> m_exchanges;
    mutable QMutex m_mutex;
    QStringList m_unmatched;
    QStringList m_used;
};

}  // namespace testsupport
