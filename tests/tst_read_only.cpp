// Opening a project never creates, modifies or deletes anything in it: every file hashed
// before and after scanning and loading every history, no -wal/-shm/-journal left behind.

#include <QTest>

#include "TestSupport.h"

using namespace runlens;
using namespace testsupport;

class TestReadOnly : public QObject {
    Q_OBJECT

    static void readEverything(const QString& path) {
        ScanOptions options;
        options.includeDeleted = true;
        options.metricStats = true;
        const LoadedProject project = loadProject(path, options);
        QVERIFY(!project.delta.runs.empty());
        int histories = 0;
        for (const Run& run : project.delta.runs)
            for (const QString& key : run.metrics.keys()) {
                QVERIFY(project.sourceFor(run)->loadHistory(run, key).found);
                ++histories;
            }
        QVERIFY(histories > 10);
    }

private slots:
    void everyFixtureStaysByteIdentical_data() {
        QTest::addColumn<QString>("version");
        for (const QString& v : mlflowVersions())
            QTest::newRow(qPrintable(v)) << v;
    }
    void everyFixtureStaysByteIdentical() {
        QFETCH(QString, version);
        QTemporaryDir tmp;
        extractMlruns(version, tmp.path());
        copyFixture(QStringLiteral("mlflow/%1/mlflow.db").arg(version), tmp.path());
        const auto before = fingerprint(tmp.path());
        QVERIFY(before.size() > 50);
        readEverything(tmp.path());
        const auto after = fingerprint(tmp.path());
        QCOMPARE(after.keys(), before.keys());  // nothing created or deleted, no journals
        QCOMPARE(after, before);                // nothing changed
    }

    void mlflow12DatabaseStaysByteIdentical() {
        QTemporaryDir tmp;
        const QString db = copyFixture(
            "mlflow/mlflow_repo_v1_2_db/db_version_7ac759974ad8_with_metrics.sql", tmp.path());
        const auto before = fingerprint(tmp.path());
        readEverything(db);
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // Neptune's local forms (issue 18): neptune-client journals and neptune-scale databases,
    // some with the -wal and -shm their writer left, one closed cleanly (no -wal, no -shm:
    // none may appear). Every history loaded, every source asked for changes and scanned
    // again.
    void neptuneFoldersStayByteIdentical() {
        QTemporaryDir tmp;
        copyTree(fixtures() + "/neptune", tmp.path() + "/neptune");
        const QString clean = tmp.path() + "/clean/.neptune/a_b_1";
        QDir().mkpath(clean);
        QVERIFY(QFile::copy(fixtures() +
                                "/neptune/neptune-scale-0.25.1/.neptune/demo-ws_runlens-demo_"
                                "scale-run-b_1796140103773337088/run_operations.sqlite3",
                            clean + "/run_operations.sqlite3"));
        const auto before = fingerprint(tmp.path());
        QVERIFY(
            before.contains("/neptune/neptune-scale-0.25.1/.neptune/demo-ws_runlens-demo_"
                            "scale-run-a_1796140103754809600/run_operations.sqlite3-shm"));
        readEverything(tmp.path());
        {
            const LoadedProject project = loadProject(tmp.path(), {});
            QStringList kinds;
            for (const SourcePtr& s : project.sources) {
                kinds << s->kind();
                s->mayHaveChanged();
                s->scan({});
            }
            QCOMPARE(kinds.count("neptune-client"), 2);  // 1.14.0 and 0.16.18
            QCOMPARE(kinds.count("neptune-scale"), 2);   // 0.25.1 and the clean copy
        }
        const auto after = fingerprint(tmp.path());
        QCOMPARE(after.keys(), before.keys());  // nothing created or deleted, no -wal or -shm
        QCOMPARE(after, before);
    }

    // The shared fixtures themselves are read-only; reading them in place must work too.
    void readsAReadOnlyDatabaseInPlace() {
        const QString db = fixtures() + "/mlflow/v2_21/mlflow.db";
        const auto before = fingerprint(QFileInfo(db).absolutePath());
        readEverything(db);
        QCOMPARE(fingerprint(QFileInfo(db).absolutePath()), before);
    }

    // neptune-exporter's Parquet folders, each writer's, read in place through the loader.
    void neptuneExportsStayByteIdentical() {
        for (const char* writer : {"duckdb", "parquet-wasm", "pyarrow-layout"}) {
            const QString dir = fixtures() + "/neptune/exporter/" + writer;
            const auto before = fingerprint(dir);
            readEverything(dir);
            const auto after = fingerprint(dir);
            QCOMPARE(after.keys(), before.keys());
            QCOMPARE(after, before);
        }
    }
};

QTEST_GUILESS_MAIN(TestReadOnly)
#include "tst_read_only.moc"
