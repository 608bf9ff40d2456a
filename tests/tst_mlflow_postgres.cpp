// The PostgreSQL database behind a real MLflow tracking server (tests/data/mlflow_server:
// a pg_dump written by MLflow 3.11's own server, and what MlflowClient reported for it), in a
// throwaway PostgreSQL cluster this test starts: every run, param, tag, latest metric and the
// five recorded histories must be what MLflow's client reported, and every table must be
// byte for byte what it was before. Then bad servers, and a database that changes and goes
// away while it is watched.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <cmath>
#include <limits>

#include "ManyRunHistories.h"
#include "PostgresCluster.h"
#include "RecordedMlflow.h"
#include "TestSupport.h"
#include "model/Catalog.h"
#include "project/HistoryCache.h"
#include "project/LiveProject.h"
#include "sources/MlflowPostgresSource.h"
#include "sources/MlflowSqlStore.h"

using namespace runlens;
using namespace testsupport;

namespace {

const QString kReader = QStringLiteral("reader");
const QString kReaderPassword = QStringLiteral("reader-secret");

QJsonObject expected() {
    QFile f(fixtures() + QStringLiteral("/mlflow_server/expected.json"));
    if (!f.open(QIODevice::ReadOnly)) qFatal("expected.json missing");
    return QJsonDocument::fromJson(f.readAll()).object();
}

// A value as expected.json writes it ("NaN" for NaN), read by the SQL stores' rule: MLflow
// wrote +-inf as +-DBL_MAX, so +-DBL_MAX reads as +-inf (docs/READING.md).
double expectedValue(const QJsonValue& v) {
    if (v.isString()) {
        if (v.toString() == u"NaN") return std::numeric_limits<double>::quiet_NaN();
        return v.toString().startsWith(u'-') ? -INFINITY : INFINITY;
    }
    const double d = v.toDouble();
    if (d >= std::numeric_limits<double>::max()) return INFINITY;
    if (d <= -std::numeric_limits<double>::max()) return -INFINITY;
    return d;
}

bool sameValue(double a, double b) {
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

RunStatus expectedStatus(const QString& text) {
    static const QMap<QString, RunStatus> kStatus = {{"RUNNING", RunStatus::Running},
                                                     {"SCHEDULED", RunStatus::Scheduled},
                                                     {"FINISHED", RunStatus::Finished},
                                                     {"FAILED", RunStatus::Failed},
                                                     {"KILLED", RunStatus::Killed}};
    return kStatus.value(text, RunStatus::Unknown);
}

QMap<QString, Run> runsById(const LoadedProject& project) {
    QMap<QString, Run> out;
    for (const Run& run : project.delta.runs)
        out.insert(run.nativeId, run);
    return out;
}

}  // namespace

class TestMlflowPostgres : public QObject {
    Q_OBJECT

    PostgresCluster m_cluster;
    bool m_started = false;
    QMap<QString, QString> m_before;  // table digests of `mlflow` before any read

    QString url(const QString& db = QStringLiteral("mlflow")) const {
        return m_cluster.url(db, kReader, kReaderPassword);
    }

    // A database of its own, copied from the fixture, for tests that write.
    QString copyOfFixture(const QString& name) {
        if (!m_cluster.psql(QStringLiteral("postgres"),
                            QStringLiteral("CREATE DATABASE %1 TEMPLATE mlflow").arg(name)))
            qFatal("cannot copy the database");
        grantReader(name);
        return url(name);
    }

    void grantReader(const QString& db) {
        if (!m_cluster.psql(db, QStringLiteral("GRANT SELECT ON ALL TABLES IN SCHEMA public "
                                               "TO %1")
                                    .arg(kReader)))
            qFatal("grant failed");
    }

private slots:
    void initTestCase() {
        if (PostgresCluster::binDir().isEmpty()) {
            if (qEnvironmentVariableIsSet("CI"))
                QFAIL(
                    "PostgreSQL's server binaries are missing in CI (.ci/run installs "
                    "postgresql-15)");
            QSKIP(
                "PostgreSQL's server binaries are not installed (Debian: postgresql-15); "
                "these tests start a throwaway cluster of their own");
        }
        QString why;
        QVERIFY2(m_cluster.start(&why), qPrintable(why));
        m_started = true;
        QVERIFY(m_cluster.restore(
            QStringLiteral("mlflow"),
            fixtures() + QStringLiteral("/mlflow_server/mlflow_postgres/mlflow.sql")));
        // A role that may only read, as a team would hand out.
        QVERIFY(m_cluster.psql(
            QStringLiteral("postgres"),
            QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'").arg(kReader, kReaderPassword)));
        grantReader(QStringLiteral("mlflow"));
        m_before = m_cluster.tableDigests(QStringLiteral("mlflow"));
        QVERIFY(m_before.contains(QStringLiteral("runs")));
        QVERIFY(m_before.value(QStringLiteral("metrics")).startsWith(u"21878 "));
    }

    void everyRunAsMlflowReportsIt_data() {
        QTest::addColumn<bool>("metricStats");
        QTest::newRow("latest_metrics") << false;
        QTest::newRow("every metric row") << true;
    }
    void everyRunAsMlflowReportsIt() {
        QFETCH(bool, metricStats);
        ScanOptions options;
        options.metricStats = metricStats;
        const LoadedProject project = loadProject(url(), options);
        QVERIFY2(project.delta.problems.isEmpty(),
                 qPrintable(project.delta.problems.value(0).message));
        QCOMPARE(project.sources.size(), size_t(1));
        QCOMPARE(project.sources[0]->kind(), QStringLiteral("mlflow-postgres"));
        QVERIFY(!project.sources[0]->root().contains(kReaderPassword));
        const QMap<QString, Run> runs = runsById(project);
        const QJsonObject want = expected();
        QCOMPARE(runs.size(), want[QStringLiteral("run_count")].toInt());
        for (const QJsonValue& value : want[QStringLiteral("runs")].toArray()) {
            const QJsonObject e = value.toObject();
            const QString id = e[QStringLiteral("run_id")].toString();
            QVERIFY2(runs.contains(id), qPrintable(id));
            const Run& run = runs[id];
            QCOMPARE(run.name, e[QStringLiteral("run_name")].toString());
            QCOMPARE(run.experiment, e[QStringLiteral("experiment_name")].toString());
            QCOMPARE(run.experimentId, e[QStringLiteral("experiment_id")].toString());
            QCOMPARE(run.status, expectedStatus(e[QStringLiteral("status")].toString()));
            QCOMPARE(run.startTimeMs.value_or(-1),
                     qint64(e[QStringLiteral("start_time")].toDouble(-1)));
            QCOMPARE(run.endTimeMs.value_or(-1),
                     qint64(e[QStringLiteral("end_time")].toDouble(-1)));
            QVERIFY(!run.deleted);
            QVERIFY(run.problems.isEmpty());
            QVERIFY(!run.location.contains(kReaderPassword));

            const QJsonObject params = e[QStringLiteral("params")].toObject();
            QCOMPARE(run.params.keys(), params.keys());
            for (auto it = params.begin(); it != params.end(); ++it)
                QCOMPARE(run.params.value(it.key()).text(), it.value().toString());

            const QJsonObject tags = e[QStringLiteral("tags")].toObject();
            QCOMPARE(run.tags.keys(), tags.keys());
            for (auto it = tags.begin(); it != tags.end(); ++it)
                QCOMPARE(run.tags.value(it.key()), it.value().toString());
            const QString parent = tags.value(QStringLiteral("mlflow.parentRunId")).toString();
            QCOMPARE(run.parentId.isEmpty(), parent.isEmpty());
            if (!parent.isEmpty()) QCOMPARE(run.parentId, runs[parent].id);

            const QJsonObject metrics = e[QStringLiteral("latest_metrics")].toObject();
            QCOMPARE(run.metrics.keys(), metrics.keys());
            for (auto it = metrics.begin(); it != metrics.end(); ++it) {
                const QJsonObject m = it.value().toObject();
                const MetricSummary& got = run.metrics[it.key()];
                QVERIFY2(sameValue(got.last, expectedValue(m[QStringLiteral("value")])),
                         qPrintable(run.name + u' ' + it.key()));
                QCOMPARE(got.step, m[QStringLiteral("step")].toDouble());
                QCOMPARE(got.timestampMs, m[QStringLiteral("timestamp")].toDouble());
                QCOMPARE(got.hasStats, metricStats);
            }
        }
    }

    void deletedRunsOnRequest() {
        const QJsonObject want = expected();
        ScanOptions options;
        options.includeDeleted = true;
        const QMap<QString, Run> all = runsById(loadProject(url(), options));
        const QJsonArray deleted = want[QStringLiteral("deleted_runs")].toArray();
        QCOMPARE(all.size(), want[QStringLiteral("run_count")].toInt() + deleted.size());
        const QMap<QString, Run> active = runsById(loadProject(url(), {}));
        for (const QJsonValue& value : deleted) {
            const QString id = value.toObject()[QStringLiteral("run_id")].toString();
            QVERIFY2(all.value(id).deleted, qPrintable(id));
            QCOMPARE(all.value(id).name, value.toObject()[QStringLiteral("run_name")].toString());
            QVERIFY(!active.contains(id));
        }
    }

    void historiesPointByPoint() {
        const LoadedProject project = loadProject(url(), {});
        const QMap<QString, Run> runs = runsById(project);
        for (const QJsonValue& value : expected()[QStringLiteral("metric_histories")].toArray()) {
            const QJsonObject e = value.toObject();
            const Run& run = runs[e[QStringLiteral("run_id")].toString()];
            const QString key = e[QStringLiteral("key")].toString();
            const HistoryResult got = project.sourceFor(run)->loadHistory(run, key);
            QVERIFY(got.problems.isEmpty());
            QVERIFY(got.found);
            const QJsonArray points = e[QStringLiteral("points")].toArray();
            QCOMPARE(qsizetype(got.series.size()), points.size());
            QCOMPARE(qsizetype(got.series.size()), qsizetype(e[QStringLiteral("count")].toInt()));
            for (qsizetype i = 0; i < points.size(); ++i) {
                const QJsonObject p = points[i].toObject();
                const QString where = QStringLiteral("%1 %2 point %3").arg(run.name, key).arg(i);
                QVERIFY2(
                    got.series.steps[size_t(i)] == qint64(p[QStringLiteral("step")].toDouble()),
                    qPrintable(where));
                QVERIFY2(
                    got.series.wallTimesMs[size_t(i)] == p[QStringLiteral("timestamp")].toDouble(),
                    qPrintable(where));
                QVERIFY2(sameValue(got.series.values[size_t(i)],
                                   expectedValue(p[QStringLiteral("value")])),
                         qPrintable(where));
            }
        }
        // An unknown metric is not found, and says nothing is wrong.
        const Run& any = runs.first();
        const HistoryResult none = project.sourceFor(any)->loadHistory(any, "no/such/metric");
        QVERIFY(!none.found);
        QVERIFY(none.problems.isEmpty());
    }

    // A chart of many runs reads one metric for all of them in one query (streamed through a
    // cursor): every run's points as read run by run, on one connection.
    void manyRunsInOneQueryReadAsOneByOne() {
        const LoadedProject project = loadProject(url(), {});
        const std::vector<Run>& runs = project.delta.runs;
        QVERIFY(runs.size() > 1);
        QString error;
        const auto db = PostgresConnection::connect(url(), &error);
        QVERIFY2(db, qPrintable(error));
        MlflowSqlStore store(*db, MlflowPostgresSource::kKind, url(), url());
        QSet<QString> keys;
        for (const QJsonValue& value : expected()[QStringLiteral("metric_histories")].toArray())
            keys.insert(value.toObject()[QStringLiteral("key")].toString());
        QVERIFY(!keys.isEmpty());
        for (const QString& key : keys) {
            const ManyRunCheck check = compareManyRunRead(store, runs, key);
            QVERIFY2(check.failure.isEmpty(), qPrintable(check.failure));
            QVERIFY2(check.found > 0, qPrintable(key));
        }
    }

    // The same server read both ways (its database here, its REST API as recorded from it):
    // the two readers agree run for run, field for field, and on every recorded history.
    void databaseAndRestAgree() {
        TestHttpServer server;
        RecordedMlflow recorded(fixtures() + QStringLiteral("/mlflow_server/mlflow_rest"));
        server.setHandler([&](const HttpExchange& r) { return recorded.answer(r); });
        const LoadedProject database = loadProject(url(), {});
        const LoadedProject rest = loadProject(server.url(), {});
        QVERIFY2(rest.delta.problems.isEmpty(), qPrintable(rest.delta.problems.value(0).message));
        const QMap<QString, Run> fromDb = runsById(database);
        const QMap<QString, Run> fromRest = runsById(rest);
        QCOMPARE(fromRest.keys(), fromDb.keys());
        for (const Run& a : fromDb) {
            const Run& b = fromRest[a.nativeId];
            QCOMPARE(b.name, a.name);
            QCOMPARE(b.experiment, a.experiment);
            QCOMPARE(b.experimentId, a.experimentId);
            QCOMPARE(b.status, a.status);
            QCOMPARE(b.startTimeMs, a.startTimeMs);
            QCOMPARE(b.endTimeMs, a.endTimeMs);
            QCOMPARE(b.params.keys(), a.params.keys());
            for (auto it = a.params.begin(); it != a.params.end(); ++it)
                QCOMPARE(b.params.value(it.key()).text(), it.value().text());
            QCOMPARE(b.tags, a.tags);
            QCOMPARE(b.parentId.isEmpty(), a.parentId.isEmpty());  // the parent: in the tags
            QCOMPARE(b.metrics.keys(), a.metrics.keys());
            for (auto it = a.metrics.begin(); it != a.metrics.end(); ++it) {
                const MetricSummary& m = b.metrics[it.key()];
                QVERIFY2(sameValue(m.last, it->last), qPrintable(a.name + u' ' + it.key()));
                QCOMPARE(m.step, it->step);
                QCOMPARE(m.timestampMs, it->timestampMs);
            }
        }
        for (const QJsonValue& value : expected()[QStringLiteral("metric_histories")].toArray()) {
            const QString id = value.toObject()[QStringLiteral("run_id")].toString();
            const QString key = value.toObject()[QStringLiteral("key")].toString();
            const HistoryResult a = database.sourceFor(fromDb[id])->loadHistory(fromDb[id], key);
            const HistoryResult b = rest.sourceFor(fromRest[id])->loadHistory(fromRest[id], key);
            QVERIFY(a.found && b.found);
            QCOMPARE(b.series.steps, a.series.steps);
            QCOMPARE(b.series.wallTimesMs, a.series.wallTimesMs);
            QCOMPARE(b.series.values.size(), a.series.values.size());
            for (size_t i = 0; i < a.series.values.size(); ++i)
                QVERIFY2(sameValue(b.series.values[i], a.series.values[i]),
                         qPrintable(QStringLiteral("%1 %2 point %3").arg(id, key).arg(i)));
        }
    }

    void commandLineReadsTheUrl() {
        QProcess cli;
        cli.start(cliPath(), {QStringLiteral("runs"), url(), QStringLiteral("--format"),
                              QStringLiteral("json")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QByteArray out = cli.readAllStandardOutput();
        QVERIFY(!out.contains(kReaderPassword.toUtf8()));
        const QJsonArray runs =
            QJsonDocument::fromJson(out).object()[QStringLiteral("runs")].toArray();
        QCOMPARE(runs.size(), expected()[QStringLiteral("run_count")].toInt());
        QCOMPARE(runs[0].toObject()[QStringLiteral("source")].toString(),
                 QStringLiteral("mlflow-postgres"));

        cli.start(cliPath(), {QStringLiteral("history"), url(), QStringLiteral("--run"),
                              QStringLiteral("74bda31afb024b358e528e7086cf8111"),
                              QStringLiteral("--metric"), QStringLiteral("train/loss")});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        QCOMPARE(cli.readAllStandardOutput().count('\n'), 2001);  // header and 2,000 points
    }

    // Last of the reading tests: nothing above wrote a byte, nor tried to (PostgreSQL's own
    // write counters per table are part of each digest).
    void databaseUnchanged() {
        QVERIFY(!m_before.isEmpty());
        QTRY_COMPARE(m_cluster.tableDigests(QStringLiteral("mlflow")), m_before);
    }

    void refusedConnectionIsOneProblem() {
        const QString closed = QStringLiteral("postgresql://%1:%2@127.0.0.1:%3/mlflow")
                                   .arg(kReader, kReaderPassword)
                                   .arg(PostgresCluster::freePort());
        const LoadedProject project = loadProject(closed, {});
        QVERIFY(project.nothingRead());
        QCOMPARE(project.delta.problems.size(), 1);
        const QString message = project.delta.problems[0].message;
        QVERIFY2(message.startsWith(u"Cannot connect to postgresql://reader@127.0.0.1:") &&
                     message.contains(u"Connection refused") &&
                     message.endsWith(u"; no runs were read from it"),
                 qPrintable(message));
        QVERIFY(!message.contains(kReaderPassword));
        QVERIFY(!project.delta.problems[0].path.contains(kReaderPassword));
    }

    void wrongPasswordIsOneProblem() {
        const LoadedProject project =
            loadProject(m_cluster.url(QStringLiteral("mlflow"), kReader, "not-the-password"), {});
        QVERIFY(project.nothingRead());
        QCOMPARE(project.delta.problems.size(), 1);
        const QString message = project.delta.problems[0].message;
        QVERIFY2(message.contains(u"password authentication failed for user \"reader\""),
                 qPrintable(message));
        QVERIFY(!message.contains(u"not-the-password"));
    }

    void databaseWithoutMlflowTablesIsOneProblem() {
        QVERIFY(m_cluster.psql(QStringLiteral("postgres"),
                               QStringLiteral("CREATE DATABASE notmlflow")));
        QVERIFY(m_cluster.psql(QStringLiteral("notmlflow"),
                               QStringLiteral("CREATE TABLE runs (id int)")));
        grantReader(QStringLiteral("notmlflow"));
        const LoadedProject project = loadProject(url(QStringLiteral("notmlflow")), {});
        QVERIFY(project.nothingRead());
        QCOMPARE(project.delta.problems.size(), 1);
        QCOMPARE(project.delta.problems[0].message,
                 QStringLiteral("postgresql://reader@127.0.0.1:%1/notmlflow is a PostgreSQL "
                                "database without MLflow's tables (runs, experiments, metrics); "
                                "no runs were read from it")
                     .arg(m_cluster.port()));
    }

    void unknownSchemeIsOneProblem() {
        const LoadedProject project = loadProject(QStringLiteral("mysql://u:pw@host/db"), {});
        QVERIFY(project.nothingRead());
        QCOMPARE(project.delta.problems.size(), 1);
        QVERIFY2(project.delta.problems[0].message.startsWith(
                     u"RunLens reads no store at mysql:// addresses"),
                 qPrintable(project.delta.problems[0].message));
    }

    // MLflow's server writes while RunLens watches: a point of the running run, a new run, the
    // running run finishing. Then the server goes away (what was shown stays, said offline)
    // and comes back (read again by itself).
    void watchedDatabaseChangesAndGoesAway() {
        const QString live = copyOfFixture(QStringLiteral("live"));
        Catalog catalog;
        LiveProject watcher;
        auto project = std::make_shared<LoadedProject>(loadProject(live, {}));
        catalog.apply(std::move(project->delta));
        project->delta = {};
        int updates = 0;
        connect(&watcher, &LiveProject::updated, &catalog, [&](std::shared_ptr<ScanDelta> d) {
            ++updates;
            catalog.apply(std::move(*d));
        });
        watcher.watcher().setPollInterval(100);
        watcher.start(project, catalog.runs());
        auto byName = [&](const QString& name) -> const Run* {
            for (const Run& run : catalog.runs())
                if (run.name == name) return &run;
            return nullptr;
        };
        QVERIFY(byName("still-training"));
        const QString running = byName("still-training")->nativeId;
        const int runsBefore = catalog.size();

        // Nothing written: looks find nothing, and send no update.
        const int looks = watcher.looks();
        QTRY_VERIFY(watcher.looks() >= looks + 3);
        QCOMPARE(updates, 0);

        // As MLflow logs a point: a metrics row, and latest_metrics moved on, in one commit.
        QVERIFY(m_cluster.psql(
            "live", QStringLiteral("BEGIN; INSERT INTO metrics VALUES ('train/loss', 0.125, "
                                   "1900000000000, '%1', 100000, false); UPDATE latest_metrics "
                                   "SET value = 0.125, \"timestamp\" = 1900000000000, "
                                   "step = 100000 WHERE run_uuid = '%1' AND key = 'train/loss'; "
                                   "COMMIT;")
                        .arg(running)));
        QTRY_COMPARE_WITH_TIMEOUT(byName("still-training")->metrics["train/loss"].step, 100000.0,
                                  10000);
        QCOMPARE(byName("still-training")->metrics["train/loss"].last, 0.125);

        // A new run, as create_run writes it.
        QVERIFY(m_cluster.psql(
            "live",
            QStringLiteral("INSERT INTO runs (run_uuid, name, source_type, source_name, "
                           "entry_point_name, user_id, status, start_time, source_version, "
                           "lifecycle_stage, artifact_uri, experiment_id) VALUES "
                           "('0123456789abcdef0123456789abcdef', 'joined-later', 'LOCAL', '', "
                           "'', 'carol', 'RUNNING', 1900000000000, '', 'active', '', 1); "
                           "INSERT INTO tags VALUES ('mlflow.user', 'carol', "
                           "'0123456789abcdef0123456789abcdef');")));
        QTRY_VERIFY_WITH_TIMEOUT(byName("joined-later"), 15000);
        QCOMPARE(byName("joined-later")->status, RunStatus::Running);
        QCOMPARE(catalog.size(), runsBefore + 1);

        // The running run ends.
        QVERIFY(m_cluster.psql("live", QStringLiteral("UPDATE runs SET status = 'FINISHED', "
                                                      "end_time = 1900000100000 WHERE "
                                                      "run_uuid = '%1'")
                                           .arg(running)));
        QTRY_COMPARE_WITH_TIMEOUT(byName("still-training")->status, RunStatus::Finished, 10000);
        QCOMPARE(byName("still-training")->endTimeMs.value_or(0), 1900000100000);

        // The server goes away: what was shown stays, and the status says since when.
        m_cluster.stopServer();
        watcher.rescanNow();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.unreachable().since.isValid(), 15000);
        const QString away = watcher.unreachable().why;
        QVERIFY2(away.contains(u"cannot be reached") && !away.contains(kReaderPassword),
                 qPrintable(away));
        const int looksOffline = watcher.looks();
        QTRY_VERIFY(watcher.looks() >= looksOffline + 2);
        QCOMPARE(catalog.size(), runsBefore + 1);
        QVERIFY(byName("still-training"));

        // Back: read again without being asked.
        QString why;
        QVERIFY2(m_cluster.startServer(&why), qPrintable(why));
        QVERIFY(m_cluster.psql("live", QStringLiteral("UPDATE runs SET name = 'renamed-later' "
                                                      "WHERE run_uuid = "
                                                      "'0123456789abcdef0123456789abcdef'")));
        QTRY_VERIFY_WITH_TIMEOUT(byName("renamed-later"), 15000);
        QCOMPARE(catalog.size(), runsBefore + 1);
        QVERIFY(!watcher.unreachable().since.isValid());
        const Run* back = byName("still-training");
        const HistoryResult history = project->sourceFor(*back)->loadHistory(*back, "train/loss");
        QVERIFY(history.problems.isEmpty());
        QCOMPARE(history.series.steps.back(), 100000.0);  // the point logged while watched
        watcher.stop();
    }
};

QTEST_GUILESS_MAIN(TestMlflowPostgres)
#include "tst_mlflow_postgres.moc"
