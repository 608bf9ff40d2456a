// Both MLflow stores, every version in ../shared/fixtures/mlflow: what RunLens reads must be
// what MLflow wrote (fixtures/README.md lists the content; the numbers below were read off
// the files with cat and sqlite3).

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>

#include "TestSupport.h"
#include "sources/MlflowFileSource.h"
#include "sources/MlflowSqlSource.h"

using namespace runlens;
using namespace testsupport;

class TestMlflowStores : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    QString storePath(const QString& version, const QString& store) {
        const QString dir = m_tmp.path() + u'/' + version + u'-' + store;
        if (QFileInfo::exists(dir))
            return store == u"file" ? dir + QStringLiteral("/mlruns")
                                    : dir + QStringLiteral("/mlflow.db");
        QDir().mkpath(dir);
        if (store == u"file") return extractMlruns(version, dir);
        return copyFixture(QStringLiteral("mlflow/%1/mlflow.db").arg(version), dir);
    }

    void addStoreRows() {
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("store");
        for (const QString& v : mlflowVersions())
            for (const char* store : {"file", "sql"})
                QTest::newRow(qPrintable(v + u'-' + QLatin1String(store)))
                    << v << QString::fromLatin1(store);
    }

private slots:
    void activeRunsNamesAndStatus_data() { addStoreRows(); }
    void activeRunsNamesAndStatus() {
        QFETCH(QString, version);
        QFETCH(QString, store);
        const auto runs = runsByName(storePath(version, store));
        QStringList expected = {"child-lr-0.001",  "child-lr-0.01", "child-lr-0.1", "crashed",
                                "default-exp-run", "killed",        "odd-values",   "parent-sweep"};
        if (version == u"v3_11")
            expected << "eval-model"
                     << "train-with-model";
        else
            expected << "train-no-logged-models";
        expected.sort();
        QCOMPARE(runs.keys(), expected);
        QCOMPARE(runs["crashed"].status, RunStatus::Failed);
        // MLflow 1.11's SQL store rejects KILLED, so the fixture logged FAILED there.
        const bool killedIsFailed = version == u"v1_11" && store == u"sql";
        QCOMPARE(runs["killed"].status, killedIsFailed ? RunStatus::Failed : RunStatus::Killed);
        QCOMPARE(runs["child-lr-0.1"].status, RunStatus::Finished);
        QCOMPARE(runs["child-lr-0.1"].experiment, QStringLiteral("mnist-sweep"));
        QCOMPARE(runs["default-exp-run"].experiment, QStringLiteral("Default"));
        QCOMPARE(runs["default-exp-run"].startTimeMs, 1700000000000);
        QCOMPARE(runs["default-exp-run"].endTimeMs, 1700000005000);
        for (const Run& run : runs) {
            QVERIFY2(run.problems.isEmpty(), qPrintable(run.name + QStringLiteral(": ") +
                                                        run.problems.join(QStringLiteral("; "))));
            QVERIFY(run.startTimeMs.has_value());
            QVERIFY(run.id.text().startsWith(store == u"file" ? u"mlflow-file:" : u"mlflow-sql:"));
            QVERIFY(!run.deleted);
        }
    }

    void paramsTagsAndNesting_data() { addStoreRows(); }
    void paramsTagsAndNesting() {
        QFETCH(QString, version);
        QFETCH(QString, store);
        const auto runs = runsByName(storePath(version, store));
        const struct {
            const char* name;
            const char* lr;
            qint64 batch;
            qint64 depth;
        } children[] = {{"child-lr-0.1", "0.1", 32, 3},
                        {"child-lr-0.01", "0.01", 64, 4},
                        {"child-lr-0.001", "0.001", 96, 5}};
        const Run& parent = runs["parent-sweep"];
        QCOMPARE(parent.params.value("optimizer").text(), QStringLiteral("adam"));
        QVERIFY(parent.parentId.isEmpty());
        for (const auto& c : children) {
            const Run& run = runs[c.name];
            QCOMPARE(run.params.value("lr").text(), QString::fromLatin1(c.lr));
            QCOMPARE(run.params.value("lr").type(), ParamValue::Type::Double);
            QCOMPARE(run.params.value("batch_size").toInt(), c.batch);
            QCOMPARE(run.params.value("model/depth").toInt(), c.depth);  // '/' in a key
            QCOMPARE(run.parentId, parent.id);
            QCOMPARE(run.tags.value("mlflow.parentRunId"), parent.nativeId);
        }
        const Run& odd = runs["odd-values"];
        QCOMPARE(odd.tags.value("long_tag").size(),
                 version == u"v1_11" || version == u"v1_30" ? 4000 : 6000);
        QCOMPARE(odd.tags.value("long_tag"), QString(odd.tags.value("long_tag").size(), u'x'));
    }

    void latestMetricValues_data() { addStoreRows(); }
    void latestMetricValues() {
        QFETCH(QString, version);
        QFETCH(QString, store);
        const auto runs = runsByName(storePath(version, store));
        const struct {
            const char* name;
            double loss;
            double acc;
            double test;
        } children[] = {
            {"child-lr-0.1", 0.37531109885139957, 0.8123444505743003, 0.9},
            {"child-lr-0.01", 0.9166489037539209, 0.5416755481230395, 0.92},
            {"child-lr-0.001", 1.0102478635182346, 0.4948760682408827, 0.9400000000000001}};
        for (const auto& c : children) {
            const Run& run = runs[c.name];
            QCOMPARE(run.metrics.value("train/loss").last, c.loss);
            QCOMPARE(run.metrics.value("train/loss").step, 49);
            QCOMPARE(run.metrics.value("train/loss").count, 50);
            QCOMPARE(run.metrics.value("val/acc").last, c.acc);
            QCOMPARE(run.metrics.value("test_acc").last, c.test);
        }
        QCOMPARE(runs["parent-sweep"].metrics.value("best_val_acc").last, 0.97);

        // odd-values: m = 1.0@0, 2.0@0, nan@1, inf@2, -inf@3; latest is step 3.
        const MetricSummary m = runs["odd-values"].metrics.value("m");
        QCOMPARE(m.count, 5);
        QCOMPARE(m.step, 3);
        QVERIFY(std::isinf(m.last) && m.last < 0);
        QVERIFY(std::isinf(m.min) && m.min < 0);
        QVERIFY(std::isinf(m.max) && m.max > 0);
        const MetricSummary neg = runs["odd-values"].metrics.value("neg_step");
        QCOMPARE(neg.step, -5);
        QCOMPARE(neg.last, 0.5);

        if (version == u"v3_11") {
            // Linked to a dataset: 5-field lines in the file store.
            const MetricSummary val = runs["train-with-model"].metrics.value("val/loss");
            QCOMPARE(val.count, 3);
            QCOMPARE(val.step, 2);
            QCOMPARE(val.last, 0.3333333333333333);
            QCOMPARE(runs["eval-model"].metrics.value("eval/score").last, 0.8);
        }
    }

    void historiesInRecordedOrder_data() { addStoreRows(); }
    void historiesInRecordedOrder() {
        QFETCH(QString, version);
        QFETCH(QString, store);
        ScanOptions options;
        const LoadedProject project = loadProject(storePath(version, store), options);
        QMap<QString, const Run*> byName;
        for (const Run& run : project.delta.runs)
            byName.insert(run.name, &run);

        const Run& child = *byName["child-lr-0.1"];
        const HistoryResult loss = project.sourceFor(child)->loadHistory(child, "train/loss");
        QVERIFY(loss.found);
        QCOMPARE(loss.series.size(), size_t(50));
        for (size_t i = 0; i < 50; ++i)
            QCOMPARE(loss.series.steps[i], qint64(i));
        QCOMPARE(loss.series.values.front(), 1.0);
        QCOMPARE(loss.series.values[1], 0.9801986733067553);
        QCOMPARE(loss.series.values.back(), 0.37531109885139957);
        QVERIFY(loss.series.wallTimesMs.front() > 1.7e12);

        const Run& odd = *byName["odd-values"];
        const HistoryResult m = project.sourceFor(odd)->loadHistory(odd, "m");
        QCOMPARE(m.series.size(), size_t(5));
        QCOMPARE(m.series.steps, (std::vector<double>{0, 0, 1, 2, 3}));
        QCOMPARE(m.series.values[0], 1.0);
        QCOMPARE(m.series.values[1], 2.0);
        QVERIFY(std::isnan(m.series.values[2]));
        QVERIFY(std::isinf(m.series.values[3]) && m.series.values[3] > 0);
        QVERIFY(std::isinf(m.series.values[4]) && m.series.values[4] < 0);

        const HistoryResult missing =
            project.sourceFor(child)->loadHistory(child, "no/such/metric");
        QVERIFY(!missing.found);
        QVERIFY(missing.problems.isEmpty());
    }

    void deletedRunsAndExperiments_data() { addStoreRows(); }
    void deletedRunsAndExperiments() {
        QFETCH(QString, version);
        QFETCH(QString, store);
        const auto hidden = runsByName(storePath(version, store));
        QVERIFY(!hidden.contains("to-be-deleted"));
        QVERIFY(!hidden.contains("in-deleted-exp"));
        const auto all = runsByName(storePath(version, store), true);
        QCOMPARE(all.size(), hidden.size() + 2);
        QVERIFY(all["to-be-deleted"].deleted);
        // A trashed experiment's runs are deleted even where meta.yaml still says active (1.11).
        QVERIFY(all["in-deleted-exp"].deleted);
        QCOMPARE(all["in-deleted-exp"].experiment, QStringLiteral("scratch-deleted"));
        QVERIFY(!all["child-lr-0.1"].deleted);
    }

    // The SQLite and file copies of one version give the same answers.
    void bothStoresAgree_data() {
        QTest::addColumn<QString>("version");
        for (const QString& v : mlflowVersions())
            QTest::newRow(qPrintable(v)) << v;
    }
    void bothStoresAgree() {
        QFETCH(QString, version);
        const auto files = runsByName(storePath(version, "file"), true);
        const auto sql = runsByName(storePath(version, "sql"), true);
        QCOMPARE(files.keys(), sql.keys());
        for (auto it = files.begin(); it != files.end(); ++it) {
            const Run& f = it.value();
            const Run& s = sql[it.key()];
            if (!(version == u"v1_11" && it.key() == u"killed"))
                QCOMPARE(statusName(f.status), statusName(s.status));
            QCOMPARE(f.experiment, s.experiment);
            QCOMPARE(f.deleted, s.deleted);
            QCOMPARE(f.params.keys(), s.params.keys());
            for (const QString& k : f.params.keys())
                QCOMPARE(f.params[k].text(), s.params[k].text());
            QCOMPARE(f.metrics.keys(), s.metrics.keys());
            for (const QString& k : f.metrics.keys()) {
                const MetricSummary a = f.metrics[k], b = s.metrics[k];
                QVERIFY2(a.last == b.last || (std::isnan(a.last) && std::isnan(b.last)),
                         qPrintable(it.key() + QStringLiteral("/") + k));
                QCOMPARE(a.step, b.step);
                QCOMPARE(a.count, b.count);
            }
            QCOMPARE(f.parentId.isEmpty(), s.parentId.isEmpty());
        }
    }

    // Without --metric-stats an SQL store answers from latest_metrics: the same latest
    // values, and min/max/count marked unknown rather than made up.
    void sqlLatestMetricsTable() {
        const auto quick = runsByName(storePath("v3_11", "sql"), false, false);
        const MetricSummary loss = quick["child-lr-0.1"].metrics.value("train/loss");
        QCOMPARE(loss.last, 0.37531109885139957);
        QCOMPARE(loss.step, 49);
        QVERIFY(!loss.hasStats);
        const MetricSummary m = quick["odd-values"].metrics.value("m");
        QVERIFY(std::isinf(m.last) && m.last < 0);  // -DBL_MAX mapped back
    }

    // MLflow ~1.2's database (from MLflow's own tests): no latest_metrics table, a step of
    // -1; the latest values must equal MLflow's, listed in the JSON beside it.
    void mlflow12DatabaseWithoutLatestMetrics() {
        const QString db =
            copyFixture("mlflow/mlflow_repo_v1_2_db/db_version_7ac759974ad8_with_metrics.sql",
                        m_tmp.path(), "v12.sql");
        QFile json(fixtures() +
                   "/mlflow/mlflow_repo_v1_2_db/"
                   "db_version_7ac759974ad8_with_metrics_expected_values.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject expected = QJsonDocument::fromJson(json.readAll()).object();
        ScanOptions options;
        const LoadedProject project = loadProject(db, options);
        QCOMPARE(project.sources.size(), size_t(1));
        QCOMPARE(project.delta.runs.size(), size_t(26));
        int compared = 0;
        for (const Run& run : project.delta.runs) {
            const QJsonObject metrics = expected.value(run.nativeId).toObject();
            QCOMPARE(run.metrics.size(), metrics.size());
            for (auto it = metrics.begin(); it != metrics.end(); ++it) {
                QCOMPARE(run.metrics.value(it.key()).last, it.value().toDouble());
                ++compared;
            }
        }
        QCOMPARE(compared, 101);
    }

    void decodesMlflowNonFiniteEncoding() {
        QVERIFY(std::isnan(MlflowSqlSource::decodeValue(0, true)));
        QCOMPARE(MlflowSqlSource::decodeValue(1.7976931348623157e308, false), INFINITY);
        QCOMPARE(MlflowSqlSource::decodeValue(-1.7976931348623157e308, false), -INFINITY);
        QCOMPARE(MlflowSqlSource::decodeValue(1.5, false), 1.5);
    }
};

QTEST_GUILESS_MAIN(TestMlflowStores)
#include "tst_mlflow_stores.moc"
