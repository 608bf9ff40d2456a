#pragma once

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <map>
#include <tuple>

#include "TestHttpServer.h"

// A tracking server whose runs a test changes while RunLens polls it: the REST endpoints and
// search filters RunLens uses (experiments/search; runs/search with `attributes.start_time >=`,
// `attributes.status =`, `attributes.run_id IN (...)`, run_view_type, offset page tokens;
// metrics/get-history with max_results pages), answered the way MLflow 3.11 answers them
// (field names, int64 as numbers, NaN as "NaN", empty lists left out). Thread-safe: the test
// changes runs while the server thread answers.
namespace testsupport {

class FakeMlflow {
public:
    struct Point {
        qint64 step;
        double value;
        qint64 timestamp;
    };
    struct FakeRun {
        QString id;
        QString experimentId = QStringLiteral("1");
        QString name;
        QString status = QStringLiteral("FINISHED");
        qint64 start = 0;
        qint64 end = -1;  // none
        bool deleted = false;
        QMap<QString, QString> params;
        QMap<QString, std::vector<Point>> metrics;
    };

    // Answers every request `server` gets (a test may wrap answer() instead, to add faults).
    void serve(TestHttpServer& server) {
        server.setHandler([this](const HttpExchange& r) { return answer(r); });
    }
    std::optional<CannedReply> answer(const HttpExchange& r) {
        const QJsonObject body = QJsonDocument::fromJson(r.body).object();
        if (r.path.endsWith("experiments/search")) {
            QJsonArray experiments;
            for (int i = 1; i <= m_experiments; ++i)
                experiments.append(QJsonObject{
                    {"experiment_id", QString::number(i)},
                    {"name", i == 1 ? QStringLiteral("live")
                                    : QStringLiteral("team/exp-%1").arg(i, 3, 10, QChar(u'0'))},
                    {"lifecycle_stage", "active"},
                    {"last_update_time", i}});
            return CannedReply::json(200, json({{"experiments", experiments}}));
        }
        if (r.path.endsWith("runs/search")) return searchRuns(body);
        if (r.path.endsWith("metrics/get-history")) return history(r);
        return std::nullopt;
    }

    // Experiments "1" (named "live") to `count` ("team/exp-002", ...), the later updated last.
    void setExperimentCount(int count) { m_experiments = count; }

    void put(const FakeRun& run) {
        QMutexLocker lock(&m_mutex);
        m_runs[run.id] = run;
    }
    void update(const QString& id, const std::function<void(FakeRun&)>& change) {
        QMutexLocker lock(&m_mutex);
        change(m_runs[id]);
    }
    // Every answer to runs/search this size of JSON at most (tests of what a poll costs).
    qint64 runsAnswered() const { return m_runsAnswered.load(); }
    void resetCounts() { m_runsAnswered = 0; }

    static QJsonObject runJson(const FakeRun& r) {
        QJsonObject info{{"run_id", r.id},
                         {"run_uuid", r.id},
                         {"experiment_id", r.experimentId},
                         {"run_name", r.name},
                         {"user_id", "alice"},
                         {"status", r.status},
                         {"start_time", r.start},
                         {"lifecycle_stage", r.deleted ? "deleted" : "active"}};
        if (r.end >= 0) info.insert("end_time", r.end);
        QJsonArray params, metrics;
        for (auto it = r.params.begin(); it != r.params.end(); ++it)
            params.append(QJsonObject{{"key", it.key()}, {"value", it.value()}});
        for (auto it = r.metrics.begin(); it != r.metrics.end(); ++it) {
            if (it->empty()) continue;
            const Point* latest = &it->front();
            for (const Point& p : *it)
                if (std::tie(p.step, p.timestamp, p.value) >
                    std::tie(latest->step, latest->timestamp, latest->value))
                    latest = &p;
            metrics.append(point(it.key(), *latest));
        }
        QJsonObject data{
            {"tags", QJsonArray{QJsonObject{{"key", "mlflow.runName"}, {"value", r.name}}}}};
        if (!params.isEmpty()) data.insert("params", params);
        if (!metrics.isEmpty()) data.insert("metrics", metrics);
        return {
            {"info", info}, {"data", data}, {"inputs", QJsonObject()}, {"outputs", QJsonObject()}};
    }

private:
    static QJsonObject point(const QString& key, const Point& p) {
        return {{"key", key},
                {"value", std::isnan(p.value) ? QJsonValue("NaN") : QJsonValue(p.value)},
                {"timestamp", p.timestamp},
                {"step", p.step}};
    }
    static QByteArray json(const QJsonObject& o) {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    static QString token(int offset) {
        return QString::fromLatin1(QByteArray::number(offset).toBase64());
    }
    static int offsetOf(const QString& token) {
        return QByteArray::fromBase64(token.toLatin1()).toInt();
    }

    CannedReply searchRuns(const QJsonObject& body) {
        static const QRegularExpression kStart(R"(^attributes\.start_time >= (-?\d+)$)");
        static const QRegularExpression kStatus(R"(^attributes\.status = '(\w+)'$)");
        static const QRegularExpression kIds(R"(^attributes\.run_id IN \((.*)\)$)");
        const QString filter = body.value("filter").toString();
        const bool all = body.value("run_view_type").toString() == u"ALL";
        QMutexLocker lock(&m_mutex);
        std::vector<const FakeRun*> matched;
        for (const auto& [id, run] : m_runs) {
            if (run.deleted && !all) continue;
            if (const auto m = kStart.match(filter); m.hasMatch()) {
                if (run.start < m.captured(1).toLongLong()) continue;
            } else if (const auto s = kStatus.match(filter); s.hasMatch()) {
                if (run.status != s.captured(1)) continue;
            } else if (const auto i = kIds.match(filter); i.hasMatch()) {
                if (!i.captured(1).contains(u'\'' + run.id + u'\'')) continue;
            } else if (!filter.isEmpty()) {
                return CannedReply::json(
                    400, R"({"error_code":"INVALID_PARAMETER_VALUE","message":"bad filter"})");
            }
            matched.push_back(&run);
        }
        const int offset = offsetOf(body.value("page_token").toString());
        const int size = body.value("max_results").toInt(1000);
        QJsonArray runs;
        for (int i = offset; i < int(matched.size()) && i < offset + size; ++i)
            runs.append(runJson(*matched[size_t(i)]));
        QJsonObject out;
        if (!runs.isEmpty()) out.insert("runs", runs);
        if (offset + size < int(matched.size()))
            out.insert("next_page_token", token(offset + size));
        m_runsAnswered += runs.size();
        return CannedReply::json(200, json(out));
    }

    CannedReply history(const HttpExchange& r) {
        QMutexLocker lock(&m_mutex);
        const auto it = m_runs.find(r.queryValue("run_id"));
        if (it == m_runs.end()) return CannedReply::json(200, "{}");
        const std::vector<Point> points = it->second.metrics.value(r.queryValue("metric_key"));
        const int offset = offsetOf(r.queryValue("page_token"));
        const int size = r.queryValue("max_results").toInt();
        QByteArray out = "{\"metrics\": [";
        for (int i = offset; i < int(points.size()) && i < offset + size; ++i) {
            if (i > offset) out += ", ";
            out += json(point(r.queryValue("metric_key"), points[size_t(i)]));
        }
        out += "]";
        if (offset + size < int(points.size()))
            out += ", \"next_page_token\": \"" + token(offset + size).toLatin1() + "\"";
        return CannedReply::json(200, out + "}");
    }

    QMutex m_mutex;
    std::map<QString, FakeRun> m_runs;
    std::atomic<qint64> m_runsAnswered{0};
    std::atomic_int m_experiments{1};
};

}  // namespace testsupport
