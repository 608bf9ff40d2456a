#pragma once

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <functional>
#include <limits>

#include "TestSupport.h"
#include "model/Run.h"
#include "sources/MlflowRules.h"
#include "sources/Source.h"

// What MLflow's own client (MlflowClient, MLflow 3.11) reports for the tracking-server
// fixtures (tests/data/mlflow_server/expected.json): 4 experiments, the 33 active runs, the 6
// deleted ones and 5 whole metric histories. Every reader of that server (REST, PostgreSQL)
// is checked against it with the same code, so the readers agree with each other run for run.
//
// One mapping differs on purpose: the server's store clamped +-inf to +-1.7976931348623157e308
// when it was written, and RunLens maps that back to +-inf as for every MLflow SQL store
// (mlflowMetricValue, docs/READING.md), so expected values go through the same mapping.
namespace testsupport {

class MlflowServerExpected {
public:
    MlflowServerExpected() {
        QFile f(fixtures() + QStringLiteral("/mlflow_server/expected.json"));
        if (!f.open(QIODevice::ReadOnly)) qFatal("fixture missing: %s", qPrintable(f.fileName()));
        m_doc = QJsonDocument::fromJson(f.readAll()).object();
    }

    const QJsonObject& json() const { return m_doc; }
    QJsonArray runs() const { return m_doc.value(QStringLiteral("runs")).toArray(); }
    QJsonArray deletedRuns() const { return m_doc.value(QStringLiteral("deleted_runs")).toArray(); }
    QJsonArray histories() const {
        return m_doc.value(QStringLiteral("metric_histories")).toArray();
    }

    // A value as expected.json writes it ("NaN", "Infinity", "-Infinity" or a number), as
    // RunLens reports it.
    static double value(const QJsonValue& v) {
        if (v.isString()) {
            const QString s = v.toString();
            if (s == u"Infinity") return std::numeric_limits<double>::infinity();
            if (s == u"-Infinity") return -std::numeric_limits<double>::infinity();
            return std::numeric_limits<double>::quiet_NaN();
        }
        return runlens::mlflowMetricValue(v.toDouble(), false);
    }
    static bool same(double a, double b) {
        return (std::isnan(a) && std::isnan(b)) || (a == b && std::signbit(a) == std::signbit(b)) ||
               (a == 0 && b == 0);  // MLflow sends -0.0 back as 0.0 (its README)
    }

    // Every active run, with every field MLflow's client reports that RunLens keeps; no other
    // run. Sources of `kind` rooted at `root` (parents are ids of the same source).
    void checkRuns(const std::vector<runlens::Run>& runs, const QString& kind,
                   const QString& root) const {
        QHash<QString, const runlens::Run*> byId;
        for (const runlens::Run& run : runs)
            byId.insert(run.nativeId, &run);
        QCOMPARE(qsizetype(runs.size()), this->runs().size());
        QCOMPARE(byId.size(), this->runs().size());
        for (const QJsonValue& entry : this->runs()) {
            const QJsonObject e = entry.toObject();
            const QString id = e.value(QStringLiteral("run_id")).toString();
            const runlens::Run* run = byId.value(id);
            QVERIFY2(run, qPrintable(id));
            checkRun(*run, e, kind, root);
            if (QTest::currentTestFailed()) return;
        }
    }

    void checkRun(const runlens::Run& run, const QJsonObject& e, const QString& kind,
                  const QString& root) const {
        const QByteArray what = run.name.toUtf8();
        QCOMPARE(run.sourceKind, kind);
        QCOMPARE(run.name, e.value(QStringLiteral("run_name")).toString());
        QCOMPARE(run.experimentId, e.value(QStringLiteral("experiment_id")).toString());
        QCOMPARE(run.experiment, e.value(QStringLiteral("experiment_name")).toString());
        QCOMPARE(run.status,
                 runlens::mlflowStatusFromText(e.value(QStringLiteral("status")).toString()));
        QCOMPARE(run.startTimeMs.value_or(-1), e.value(QStringLiteral("start_time")).toInteger(-1));
        QCOMPARE(run.endTimeMs.value_or(-1), e.value(QStringLiteral("end_time")).toInteger(-1));
        QVERIFY(!run.deleted);
        const QJsonObject params = e.value(QStringLiteral("params")).toObject();
        QCOMPARE(run.params.size(), params.size());
        for (auto it = params.begin(); it != params.end(); ++it) {
            QVERIFY2(run.params.contains(it.key()), qPrintable(what + ": " + it.key()));
            QCOMPARE(run.params.value(it.key()).text(), it.value().toString());
        }
        const QJsonObject tags = e.value(QStringLiteral("tags")).toObject();
        QCOMPARE(run.tags.size(), tags.size());
        for (auto it = tags.begin(); it != tags.end(); ++it)
            QCOMPARE(run.tags.value(it.key()), it.value().toString());
        const QString parent = tags.value(QStringLiteral("mlflow.parentRunId")).toString();
        QCOMPARE(run.parentId,
                 parent.isEmpty() ? runlens::RunId() : runlens::RunId::make(kind, root, parent));
        const QJsonObject metrics = e.value(QStringLiteral("latest_metrics")).toObject();
        QCOMPARE(run.metrics.size(), metrics.size());
        for (auto it = metrics.begin(); it != metrics.end(); ++it) {
            QVERIFY2(run.metrics.contains(it.key()), qPrintable(what + ": " + it.key()));
            const runlens::MetricSummary m = run.metrics.value(it.key());
            const QJsonObject latest = it.value().toObject();
            QVERIFY2(same(m.last, value(latest.value(QStringLiteral("value")))),
                     qPrintable(what + ": " + it.key() + " = " + QString::number(m.last)));
            QCOMPARE(m.step, latest.value(QStringLiteral("step")).toInteger());
            QCOMPARE(qint64(m.timestampMs), latest.value(QStringLiteral("timestamp")).toInteger());
        }
    }

    // The 5 histories, point by point in MLflow's order; `runs` are the reader's runs.
    void checkHistories(const std::vector<runlens::Run>& runs,
                        const std::function<runlens::HistoryResult(const runlens::Run&,
                                                                   const QString&)>& load) const {
        for (const QJsonValue& entry : histories()) {
            const QJsonObject h = entry.toObject();
            const QString id = h.value(QStringLiteral("run_id")).toString();
            const QString key = h.value(QStringLiteral("key")).toString();
            const auto run = std::find_if(runs.begin(), runs.end(),
                                          [&](const runlens::Run& r) { return r.nativeId == id; });
            QVERIFY2(run != runs.end(), qPrintable(id));
            const runlens::HistoryResult got = load(*run, key);
            QVERIFY2(got.problems.isEmpty(), qPrintable(got.problems.value(0).message));
            const QJsonArray points = h.value(QStringLiteral("points")).toArray();
            QCOMPARE(qsizetype(got.series.size()), points.size());
            for (qsizetype i = 0; i < points.size(); ++i) {
                const QJsonObject p = points[i].toObject();
                const QByteArray where = (key + QStringLiteral(" point %1").arg(i)).toUtf8();
                QVERIFY2(got.series.steps[size_t(i)] == p.value(QStringLiteral("step")).toInteger(),
                         where);
                QVERIFY2(qint64(got.series.wallTimesMs[size_t(i)]) ==
                             p.value(QStringLiteral("timestamp")).toInteger(),
                         where);
                QVERIFY2(
                    same(got.series.values[size_t(i)], value(p.value(QStringLiteral("value")))),
                    where);
            }
        }
    }

private:
    QJsonObject m_doc;
};

}  // namespace testsupport
