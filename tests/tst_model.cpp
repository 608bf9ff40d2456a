#include <QTest>
#include <cmath>

#include <QDateTime>
#include "model/MetricSummary.h"
#include "model/ParamValue.h"
#include "model/RunActivity.h"
#include "model/RunId.h"
#include "query/RunFilter.h"

using namespace runlens;

class TestModel : public QObject {
    Q_OBJECT
private slots:
    void paramValueParsesMlflowText_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("type");
        QTest::addColumn<double>("number");
        QTest::newRow("int") << "32" << int(ParamValue::Type::Int) << 32.0;
        QTest::newRow("negative int") << "-7" << int(ParamValue::Type::Int) << -7.0;
        QTest::newRow("decimal") << "0.001" << int(ParamValue::Type::Double) << 0.001;
        QTest::newRow("python exponent") << "1e-05" << int(ParamValue::Type::Double) << 1e-05;
        QTest::newRow("python bool") << "True" << int(ParamValue::Type::Bool) << 1.0;
        QTest::newRow("python None") << "None" << int(ParamValue::Type::Null) << double(NAN);
        QTest::newRow("text") << "adam" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("number then text")
            << "3 layers" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("list") << "[1, 2]" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("empty") << "" << int(ParamValue::Type::String) << double(NAN);
        QTest::newRow("huge int is a double")
            << "123456789012345678901234" << int(ParamValue::Type::Double) << 1.2345678901234568e23;
    }
    void paramValueParsesMlflowText() {
        QFETCH(QString, text);
        QFETCH(int, type);
        QFETCH(double, number);
        const ParamValue v = ParamValue::parse(text);
        QCOMPARE(int(v.type()), type);
        QCOMPARE(v.text(), text);  // the original text is kept for display
        if (std::isnan(number))
            QVERIFY(std::isnan(v.toDouble()));
        else
            QCOMPARE(v.toDouble(), number);
    }

    // MLflow's latest = max (step, timestamp, value), not the last line written.
    void latestIsMaxOfStepTimestampValue() {
        MetricSummary s;
        s.add(5, 0.5, 100);
        s.add(3, 0.9, 200);  // a step going backwards is not the latest
        QCOMPARE(s.last, 0.5);
        QCOMPARE(s.step, 5);
        s.add(5, 0.4, 150);  // same step, later timestamp wins
        QCOMPARE(s.last, 0.4);
        s.add(5, 0.7, 150);  // same step and timestamp, greater value wins
        QCOMPARE(s.last, 0.7);
        s.add(5, 0.6, 150);
        QCOMPARE(s.last, 0.7);
        s.add(-1, 9.0, 999);
        QCOMPARE(s.count, 6);
        QCOMPARE(s.min, 0.4);
        QCOMPARE(s.max, 9.0);
    }

    void nanNeverWinsATieAndIsNotAMinimum() {
        MetricSummary s;
        s.add(0, 1.0, 10);
        s.add(0, NAN, 10);
        QCOMPARE(s.last, 1.0);
        s.add(1, NAN, 5);
        QVERIFY(std::isnan(s.last));
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 1.0);
        QCOMPARE(s.count, 3);
    }

    void mergeEqualsAddingEverything() {
        const double points[][3] = {{0, 1, 1}, {2, 5, 2}, {1, -3, 3}, {2, 4, 9}, {0, 7, 4}};
        MetricSummary all, a, b;
        for (int i = 0; i < 5; ++i) {
            all.add(qint64(points[i][0]), points[i][1], points[i][2]);
            (i < 2 ? a : b).add(qint64(points[i][0]), points[i][1], points[i][2]);
        }
        a.merge(b);
        QCOMPARE(a.last, all.last);
        QCOMPARE(a.step, all.step);
        QCOMPARE(a.min, all.min);
        QCOMPARE(a.max, all.max);
        QCOMPARE(a.count, all.count);
    }

    void aRunThatWentQuietIsStale() {
        // An MLflow run left RUNNING (its process killed): last metric point 3 h ago.
        const qint64 now = 1'800'000'000'000;
        Run run;
        run.status = RunStatus::Running;
        run.startTimeMs = now - 5 * 3600'000;
        run.metrics["loss"].add(10, 0.5, double(now - 3 * 3600'000));
        QVERIFY(isStale(run, now));
        QCOMPARE(shownStatusName(run, now), QStringLiteral("stale"));
        QCOMPARE(staleNote(run, now), QStringLiteral("no end record · last write 3 h ago"));
        // Still logging: running.
        run.metrics["loss"].add(11, 0.4, double(now - 60'000));
        QVERIFY(!isStale(run, now));
        QCOMPARE(shownStatusName(run, now), QStringLiteral("running"));
        QVERIFY(staleNote(run, now).isEmpty());
        // No metric yet: the start counts as its last write.
        Run quiet;
        quiet.status = RunStatus::Running;
        quiet.startTimeMs = now - 11 * 60'000;
        QVERIFY(isStale(quiet, now));
        QVERIFY(!isStale(quiet, now, 20 * 60'000));  // a longer quiet period
        // Finished runs are never stale.
        quiet.status = RunStatus::Finished;
        QVERIFY(!isStale(quiet, now));
    }

    void theFilterFindsStaleRuns() {
        Run stale, live;
        stale.status = live.status = RunStatus::Running;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        stale.startTimeMs = now - 86'400'000;
        live.startTimeMs = now - 1000;
        const RunFilter filter = RunFilter::parse("attributes.status = 'stale'");
        QVERIFY(filter.matches(stale));
        QVERIFY(!filter.matches(live));
        QVERIFY(RunFilter::parse("status = 'RUNNING'").matches(live));
    }

    void runIdIsStableAndSeparatesRoots() {
        const RunId a = RunId::make(u"mlflow-file", u"/data/mlruns", u"abc");
        QCOMPARE(a, RunId::make(u"mlflow-file", u"/data/mlruns", u"abc"));
        QVERIFY(a != RunId::make(u"mlflow-file", u"/copy/mlruns", u"abc"));
        QVERIFY(a.text().startsWith(u"mlflow-file:"));
        QVERIFY(a.text().endsWith(u":abc"));
        // Fixed across launches and machines: the hash of the path, not of a pointer.
        QCOMPARE(RunId::rootHash(u"/data/mlruns"), QStringLiteral("504d60a8"));
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
