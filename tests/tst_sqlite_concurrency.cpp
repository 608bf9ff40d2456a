// A training job keeps writing to mlflow.db while RunLens reads it: RunLens's reads are short
// transactions, so the writer never gets SQLITE_BUSY because of us.

#include <sqlite3.h>

#include <QElapsedTimer>
#include <QTest>
#include <atomic>
#include <thread>

#include "TestSupport.h"
#include "sources/MlflowSqlSource.h"

using namespace runlens;
using namespace testsupport;

namespace {

constexpr int kBulkRows = 3'000'000;
constexpr int kRowsPerCommit = 50;

struct WriterReport {
    int commits = 0;
    int busy = 0;
    int otherErrors = 0;
    QString firstError;
};

// Logs metric points like MLflow's SQL store does (one transaction per batch), with a lock
// timeout far below MLflow's 5 s so that any long read by us shows up as SQLITE_BUSY.
void writeWhile(const QString& path, const std::atomic_bool& stop, WriterReport& report,
                int busyTimeoutMs) {
    sqlite3* db = nullptr;
    sqlite3_open(path.toUtf8().constData(), &db);
    sqlite3_busy_timeout(db, busyTimeoutMs);
    qint64 step = 0;
    while (!stop.load()) {
        QByteArray sql = "BEGIN IMMEDIATE;";
        for (int i = 0; i < kRowsPerCommit; ++i, ++step)
            sql +=
                "INSERT INTO metrics(key, value, timestamp, run_uuid, step, is_nan) "
                "VALUES('live/loss', " +
                QByteArray::number(1.0 / double(step + 1)) + ", " +
                QByteArray::number(1795811600000 + step) +
                ", 'ca55b39483d44542bf2ce65a4fe72b30', " + QByteArray::number(step) + ", 0);";
        sql += "COMMIT;";
        char* error = nullptr;
        const int rc = sqlite3_exec(db, sql.constData(), nullptr, nullptr, &error);
        if (rc == SQLITE_OK) {
            ++report.commits;
        } else {
            (rc == SQLITE_BUSY ? report.busy : report.otherErrors)++;
            if (report.firstError.isEmpty()) report.firstError = QString::fromUtf8(error);
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            step -= kRowsPerCommit;
        }
        sqlite3_free(error);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    sqlite3_close(db);
}

}  // namespace

class TestSqliteConcurrency : public QObject {
    Q_OBJECT
private slots:
    void writerIsNeverBlockedByUs() {
        QTemporaryDir tmp;
        const QString path = copyFixture("mlflow/v3_11/mlflow.db", tmp.path());
        // A long history in another run, so that one unbroken read would take long enough
        // (about 0.7 s) to block the writer past its timeout.
        executeSql(
            path,
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 2999999) "
            "INSERT INTO metrics(key, value, timestamp, run_uuid, step, is_nan) "
            "SELECT 'big', i * 0.5, 1795811600000 + i, 'cb2c36bbc85344a597c4bbe9c078cf41', i, 0 "
            "FROM n;");

        MlflowSqlSource source(path);
        ScanOptions options;
        options.metricStats = true;  // the full pass over every metric row
        QElapsedTimer oneScan;
        oneScan.start();
        QCOMPARE(source.scan(options).runs.size(), size_t(10));
        qInfo("one full scan of %d rows: %lld ms", kBulkRows, oneScan.elapsed());

        std::atomic_bool stop = false;
        WriterReport report;
        std::thread writer(writeWhile, path, std::cref(stop), std::ref(report), 400);
        int scans = 0;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 3000 || scans < 3) {
            const ScanDelta delta = source.scan(options);
            QVERIFY2(delta.problems.isEmpty(), qPrintable(delta.problems.value(0).message));
            QCOMPARE(delta.runs.size(), size_t(10));
            for (const Run& run : delta.runs)
                if (run.name == u"child-lr-0.01")
                    QCOMPARE(run.metrics.value("big").count, kBulkRows);
            ++scans;
        }
        stop = true;
        writer.join();
        qInfo("%d scans while the writer committed %d times", scans, report.commits);
        QVERIFY2(report.busy == 0, qPrintable(QStringLiteral("writer got SQLITE_BUSY %1 times: %2")
                                                  .arg(report.busy)
                                                  .arg(report.firstError)));
        QCOMPARE(report.otherErrors, 0);
        QVERIFY(report.commits > 20);

        // After the writer stops, RunLens sees exactly what it wrote.
        const ScanDelta done = source.scan(options);
        for (const Run& run : done.runs) {
            if (run.name != u"child-lr-0.1") continue;
            QCOMPARE(run.metrics.value("live/loss").count, qint64(report.commits) * kRowsPerCommit);
            const HistoryResult history = source.loadHistory(run, "live/loss");
            QCOMPARE(history.series.size(), size_t(report.commits) * kRowsPerCommit);
            for (size_t i = 0; i < history.series.size(); ++i)
                QCOMPARE(history.series.steps[i], qint64(i));
        }
        // No journal left behind by us.
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList{"mlflow.db"});
    }
};

QTEST_GUILESS_MAIN(TestSqliteConcurrency)
#include "tst_sqlite_concurrency.moc"
