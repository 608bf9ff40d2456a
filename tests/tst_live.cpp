// Live: while RunLens watches, writers append to MLflow metric files, TensorBoard event files
// and SQLite databases, cutting lines and records in two at arbitrary bytes. At the end
// RunLens holds exactly the writers' points: nothing lost, nothing doubled.
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <random>

#include "TestSupport.h"
#include "TfEventWriter.h"
#include "model/Catalog.h"
#include "model/NumberText.h"
#include "project/HistoryCache.h"
#include "project/LiveProject.h"
#include "project/Watcher.h"
#include "sources/MlflowFileSource.h"
#include "sources/MlflowMetricLines.h"

using namespace runlens;
using namespace testsupport;

namespace {

struct Point {
    qint64 step;
    double value;
    double wallMs;
};

// The project as the app holds it: a catalog fed by the live updates, and histories.
struct Harness {
    Catalog catalog;
    LiveProject live;
    HistoryCache histories;
    std::shared_ptr<LoadedProject> project;
    int updates = 0;

    void open(const QString& path, int pollMs) {
        project = std::make_shared<LoadedProject>(loadProject(path, {}));
        ScanDelta delta = std::move(project->delta);
        project->delta = {};
        catalog.apply(std::move(delta));
        histories.setProject(project);
        QObject::connect(&live, &LiveProject::updated, &catalog,
                         [this](std::shared_ptr<ScanDelta> d) {
                             ++updates;
                             histories.forget(d->removed);
                             histories.refresh(d->runs);
                             catalog.apply(std::move(*d));
                         });
        live.watcher().setPollInterval(pollMs);
        live.start(project, catalog.runs());
    }
    const Run* byName(const QString& name) const {
        for (const Run& run : catalog.runs())
            if (run.name == name) return &run;
        return nullptr;
    }
    // The history as the charts get it, once loaded.
    std::vector<Point> history(const QString& runName, const QString& metric) {
        const Run* run = byName(runName);
        if (!run) return {};
        std::shared_ptr<const MetricSeries> series = histories.get(*run, metric);
        for (int i = 0; !series && i < 200; ++i) {
            QTest::qWait(10);
            if ((run = byName(runName))) series = histories.get(*run, metric);
        }
        std::vector<Point> out;
        if (series)
            for (size_t i = 0; i < series->size(); ++i)
                out.push_back(
                    {qint64(series->steps[i]), series->values[i], series->wallTimesMs[i]});
        return out;
    }
};

// Writes `bytes` to the end of `path` in two or three pieces cut at random places, letting
// the watcher look in between.
void appendInPieces(const QString& path, const QByteArray& bytes, std::mt19937& rng) {
    QFile file(path);
    if (!file.open(QIODevice::Append)) qFatal("cannot append to %s", qPrintable(path));
    std::uniform_int_distribution<qsizetype> cut(0, bytes.size());
    qsizetype a = cut(rng), b = cut(rng);
    if (a > b) std::swap(a, b);
    for (const auto& [from, to] :
         {std::pair{qsizetype(0), a}, std::pair{a, b}, std::pair{b, bytes.size()}}) {
        if (to > from) {
            file.write(bytes.constData() + from, to - from);
            file.flush();
        }
        QTest::qWait(int(rng() % 25));
    }
}

// Waits until every look asked for so far has finished (false if that takes 5 s).
bool settled(const LiveProject& live) {
    return QTest::qWaitFor([&live] { return live.isIdle(); }, 5000);
}

bool samePoints(const std::vector<Point>& a, const std::vector<Point>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].step != b[i].step || a[i].value != b[i].value || a[i].wallMs != b[i].wallMs)
            return false;
    return true;
}

// A trial of Optuna's fixture study that has just started (what a running study adds).
void addRunningTrial(const QString& db) {
    executeSql(db,
               "INSERT INTO trials VALUES (101, 31, 1, 'RUNNING', '2026-11-28 01:00:00.000000', "
               "NULL);");
}

}  // namespace

class TestLive : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

private slots:
    // A tree of many folders is walked and watched a slice at a time, so the GUI thread is never
    // busy with it for long (a 2,000-run file store's 4,000 folders took it 145 ms at once); a
    // small tree is watched before setPaths() returns. Changes in the last slice are seen, and
    // folders that went are let go.
    void largeTreesAreWatchedASliceAtATime() {
        QTemporaryDir dir;
        for (int e = 0; e < 20; ++e)
            for (int r = 0; r < 24; ++r)
                QVERIFY(QDir().mkpath(dir.path() +
                                      QStringLiteral("/exp%1/run%2/metrics").arg(e).arg(r)));
        const int folders = 1 + 20 + 20 * 24 * 2;
        Watcher watcher;
        watcher.setPollInterval(0);
        watcher.setPaths({dir.path()}, {}, 3);
        QVERIFY(!watcher.isSettled());
        QVERIFY(watcher.watchedCount() >= Watcher::kFoldersAtOnce &&
                watcher.watchedCount() <= Watcher::kFoldersPerSlice);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.isSettled(), 5000);
        QCOMPARE(watcher.watchedCount(), folders);
        QSignalSpy told(&watcher, &Watcher::changed);
        QFile deep(dir.path() + QStringLiteral("/exp19/run23/metrics/loss"));
        QVERIFY(deep.open(QIODevice::WriteOnly));
        deep.write("1700000000000 0.5 0\n");
        deep.close();
        QVERIFY(told.wait(5000));
        QVERIFY(QDir(dir.path() + QStringLiteral("/exp0")).removeRecursively());
        QTRY_COMPARE_WITH_TIMEOUT(watcher.watchedCount(), folders - 1 - 24 * 2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.isSettled(), 5000);

        QTemporaryDir small;
        QVERIFY(QDir().mkpath(small.path() + QStringLiteral("/a/b")));
        Watcher smallWatcher;
        smallWatcher.setPaths({small.path()}, {}, 3);
        QVERIFY(smallWatcher.isSettled());
        QCOMPARE(smallWatcher.watchedCount(), 3);
    }

    void mlflowFileStoreGrowsWhileWatched() {
        QTemporaryDir dir;
        const QString mlruns = extractMlruns(QStringLiteral("v3_11"), dir.path());
        Harness h;
        h.open(mlruns, 0);  // no polling: the file-system watch alone must notice
        const int before = h.catalog.size();

        // A new run starts: folder, meta.yaml (RUNNING), then metric lines in pieces.
        const QString exp = mlruns + QStringLiteral("/271638510736660872");
        const QString runDir = exp + QStringLiteral("/0123456789abcdef0123456789abcdef");
        QDir().mkpath(runDir + QStringLiteral("/metrics/nested"));
        QDir().mkpath(runDir + QStringLiteral("/params"));
        QFile meta(runDir + QStringLiteral("/meta.yaml"));
        QVERIFY(meta.open(QIODevice::WriteOnly));
        meta.write(
            "artifact_uri: file:///x\nend_time: null\nexperiment_id: '271638510736660872'\n"
            "lifecycle_stage: active\nrun_id: 0123456789abcdef0123456789abcdef\n"
            "run_name: live-run\nstart_time: 1800000000000\nstatus: 1\n");
        meta.close();
        QTRY_COMPARE_WITH_TIMEOUT(h.catalog.size(), before + 1, 5000);
        QCOMPARE(h.byName(QStringLiteral("live-run"))->status, RunStatus::Running);

        std::mt19937 rng(7);
        std::uniform_real_distribution<double> unit(0, 1);
        std::vector<Point> loss, acc;
        const QString lossPath = runDir + QStringLiteral("/metrics/loss");
        const QString accPath = runDir + QStringLiteral("/metrics/nested/acc");
        QFile(lossPath).open(QIODevice::WriteOnly);
        QFile(accPath).open(QIODevice::WriteOnly);
        for (int batch = 0; batch < 40; ++batch) {
            QByteArray lossBytes, accBytes;
            for (int i = 0; i < 5; ++i) {
                const qint64 step = batch * 5 + i;
                const Point l{step, unit(rng) * 3, 1800000000000.0 + double(step) * 10};
                const Point a{step, unit(rng), 1800000000000.0 + double(step) * 10 + 1};
                loss.push_back(l);
                acc.push_back(a);
                lossBytes += QStringLiteral("%1 %2 %3\n")
                                 .arg(qint64(l.wallMs))
                                 .arg(numberText(l.value))
                                 .arg(step)
                                 .toUtf8();
                accBytes += QStringLiteral("%1 %2 %3\n")
                                .arg(qint64(a.wallMs))
                                .arg(numberText(a.value))
                                .arg(step)
                                .toUtf8();
            }
            appendInPieces(lossPath, lossBytes, rng);
            appendInPieces(accPath, accBytes, rng);
        }
        // Every point, once.
        QTRY_COMPARE_WITH_TIMEOUT(h.byName(QStringLiteral("live-run"))->metrics.value("loss").count,
                                  qint64(loss.size()), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            h.byName(QStringLiteral("live-run"))->metrics.value("nested/acc").count,
            qint64(acc.size()), 5000);
        const Run* run = h.byName(QStringLiteral("live-run"));
        QCOMPARE(run->metrics["loss"].last, loss.back().value);
        QCOMPARE(run->metrics["loss"].step, loss.back().step);
        QVERIFY(samePoints(h.history(QStringLiteral("live-run"), QStringLiteral("loss")), loss));

        // More lines once the history is cached: the cache goes on from where it stopped.
        QByteArray more;
        for (int i = 0; i < 7; ++i) {
            const Point l{200 + i, unit(rng), 1800000010000.0 + i};
            loss.push_back(l);
            more += QStringLiteral("%1 %2 %3\n")
                        .arg(qint64(l.wallMs))
                        .arg(numberText(l.value))
                        .arg(l.step)
                        .toUtf8();
        }
        appendInPieces(lossPath, more, rng);
        QTRY_VERIFY_WITH_TIMEOUT(
            samePoints(h.history(QStringLiteral("live-run"), QStringLiteral("loss")), loss), 5000);

        // The run ends: status and end time follow.
        QVERIFY(meta.open(QIODevice::WriteOnly | QIODevice::Truncate));
        meta.write(
            "artifact_uri: file:///x\nend_time: 1800000020000\n"
            "experiment_id: '271638510736660872'\nlifecycle_stage: active\n"
            "run_id: 0123456789abcdef0123456789abcdef\nrun_name: live-run\n"
            "start_time: 1800000000000\nstatus: 3\n");
        meta.close();
        h.live.watcher().setPollInterval(200);  // a finished run's files are not watched
        QTRY_COMPARE_WITH_TIMEOUT(h.byName(QStringLiteral("live-run"))->status, RunStatus::Finished,
                                  5000);
        QCOMPARE(*h.byName(QStringLiteral("live-run"))->endTimeMs, 1800000020000);

        // A metric file replaced by a shorter one (an atomic rename) is read again whole.
        QFile replacement(accPath + QStringLiteral(".tmp"));
        QVERIFY(replacement.open(QIODevice::WriteOnly));
        replacement.write("1800000030000 0.5 0\n1800000030001 0.75 1\n");
        replacement.close();
        QVERIFY(::rename(QFile::encodeName(accPath + QStringLiteral(".tmp")).constData(),
                         QFile::encodeName(accPath).constData()) == 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            h.byName(QStringLiteral("live-run"))->metrics.value("nested/acc").count, qint64(2),
            5000);
        QCOMPARE(h.byName(QStringLiteral("live-run"))->metrics["nested/acc"].last, 0.75);

        // A run folder removed: its run goes.
        QVERIFY(QDir(runDir).removeRecursively());
        QTRY_COMPARE_WITH_TIMEOUT(h.catalog.size(), before, 5000);
        QVERIFY(!h.byName(QStringLiteral("live-run")));
        QCOMPARE(h.catalog.problems().size(), 0);  // nothing half-read was ever reported
    }

    void tensorBoardEventFileGrowsWhileWatched() {
        QTemporaryDir dir;
        const QString runDir = dir.path() + QStringLiteral("/logs/run1");
        QDir().mkpath(runDir);
        const QString path = runDir + QStringLiteral("/events.out.tfevents.1800000000.host.1.0");
        {
            std::string bytes;
            tfwriter::appendRecord(bytes, tfwriter::fileVersionEvent(1800000000.0));
            tfwriter::appendRecord(bytes, tfwriter::scalarEvent(1800000000.5, 0, "loss", 2.5f));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes.data(), qint64(bytes.size()));
        }
        Harness h;
        h.open(dir.path() + QStringLiteral("/logs"), 0);
        QCOMPARE(h.catalog.size(), 1);
        std::vector<Point> expected{{0, double(2.5f), 1800000000500.0}};
        std::mt19937 rng(11);
        for (int batch = 0; batch < 30; ++batch) {
            std::string bytes;
            for (int i = 0; i < 4; ++i) {
                const int step = 1 + batch * 4 + i;
                const float v = float(step) * 0.125f;
                const double wall = 1800000001.0 + step;
                tfwriter::appendRecord(bytes, tfwriter::scalarEvent(wall, step, "loss", v));
                expected.push_back({step, double(v), wall * 1000});
            }
            appendInPieces(path, QByteArray(bytes.data(), qsizetype(bytes.size())), rng);
        }
        QTRY_COMPARE_WITH_TIMEOUT(h.catalog.at(0).metrics.value("loss").count,
                                  qint64(expected.size()), 5000);
        QCOMPARE(h.catalog.at(0).metrics["loss"].last, expected.back().value);
        QVERIFY(samePoints(h.history(QStringLiteral("run1"), QStringLiteral("loss")), expected));
        QCOMPARE(h.catalog.problems().size(), 0);  // a record cut in two is not damage
    }

    void sqliteStoreGrowsWhileWatched() {
        QTemporaryDir dir;
        const QString db = copyFixture(QStringLiteral("mlflow/v3_11/mlflow.db"), dir.path());
        Harness h;
        h.open(db, 0);
        const Run* run = h.byName(QStringLiteral("child-lr-0.1"));
        QVERIFY(run);
        const QString uuid = run->nativeId;
        const qint64 before =
            qint64(h.history(QStringLiteral("child-lr-0.1"), QStringLiteral("train/loss")).size());
        // MLflow writes a metric row and updates latest_metrics in one transaction.
        for (int i = 0; i < 20; ++i) {
            const QByteArray sql =
                QStringLiteral(
                    "BEGIN; INSERT INTO metrics VALUES ('train/loss', %1, %2, '%3', %4, 0);"
                    "UPDATE latest_metrics SET value = %1, timestamp = %2, step = %4 "
                    "WHERE key = 'train/loss' AND run_uuid = '%3'; COMMIT;")
                    .arg(numberText(0.01 * i), QString::number(1900000000000 + i), uuid,
                         QString::number(1000 + i))
                    .toUtf8();
            executeSql(db, sql.constData());
            QTest::qWait(10);
        }
        QTRY_COMPARE_WITH_TIMEOUT(
            h.byName(QStringLiteral("child-lr-0.1"))->metrics["train/loss"].step, qint64(1019),
            5000);
        QCOMPARE(h.byName(QStringLiteral("child-lr-0.1"))->metrics["train/loss"].last, 0.19);
        QTRY_COMPARE_WITH_TIMEOUT(
            qint64(h.history(QStringLiteral("child-lr-0.1"), QStringLiteral("train/loss")).size()),
            before + 20, 5000);
        // Looks that find data_version unchanged read nothing: no update without a commit.
        QVERIFY(settled(h.live));  // the looks the commits asked for are over
        const int updates = h.updates;
        const int looks = h.live.looks();
        h.live.rescanNow();
        QVERIFY(settled(h.live));
        QVERIFY(h.live.looks() > looks);
        QCOMPARE(h.updates, updates);
        QVERIFY(!h.project->sources.front()->mayHaveChanged());
        // A commit that changes no run moves data_version: the listing is read again and
        // found the same, still no update.
        executeSql(db, "UPDATE experiments SET name = name;");
        h.live.rescanNow();
        QVERIFY(settled(h.live));
        QCOMPARE(h.updates, updates);
    }

    void optunaTrialsAppearWhileTheStudyRuns() {
        QTemporaryDir dir;
        const QString db = copyFixture(QStringLiteral("optuna/sqlite/optuna.db"), dir.path());
        Harness h;
        h.open(db, 0);
        const int before = h.catalog.size();
        executeSql(
            db,
            "INSERT INTO trials VALUES (100, 30, 1, 'RUNNING', '2026-11-28 01:00:00.000000', "
            "NULL);");
        QTRY_COMPARE_WITH_TIMEOUT(h.catalog.size(), before + 1, 5000);
        const Run* trial = h.byName(QStringLiteral("trial 30"));
        QVERIFY(trial);
        QCOMPARE(trial->status, RunStatus::Running);
        for (int step = 0; step < 5; ++step) {
            const QByteArray sql = QStringLiteral(
                                       "INSERT INTO trial_intermediate_values VALUES "
                                       "(%1, 100, %2, %3, 'FINITE');")
                                       .arg(1000 + step)
                                       .arg(step)
                                       .arg(1.0 / (step + 1))
                                       .toUtf8();
            executeSql(db, sql.constData());
            QTest::qWait(20);
        }
        QTRY_COMPARE_WITH_TIMEOUT(
            h.byName(QStringLiteral("trial 30"))->metrics.value("intermediate_value").count,
            qint64(5), 5000);
        executeSql(db,
                   "BEGIN; UPDATE trials SET state = 'COMPLETE', datetime_complete = "
                   "'2026-11-28 01:05:00.000000' WHERE trial_id = 100; INSERT INTO trial_values "
                   "VALUES (1000, 100, 0, 0.125, 'FINITE'); COMMIT;");
        QTRY_COMPARE_WITH_TIMEOUT(h.byName(QStringLiteral("trial 30"))->status, RunStatus::Finished,
                                  5000);
        QCOMPARE(h.byName(QStringLiteral("trial 30"))->metrics["value"].last, 0.125);
    }

    void optunaJournalGrowsWhileWatched() {
        QTemporaryDir dir;
        const QString journal =
            copyFixture(QStringLiteral("optuna/journal/journal.log"), dir.path());
        Harness h;
        h.open(journal, 0);
        const int before = h.catalog.size();
        // A new trial of study 0 (the 55th trial overall, id 54) reports five steps; every
        // op is cut in two, as a worker's write may be seen half done.
        std::mt19937 rng(3);
        appendInPieces(journal,
                       "{\"op_code\": 4, \"worker_id\": \"w\", \"study_id\": 0, "
                       "\"datetime_start\": \"2026-11-28T01:00:00.000000\"}\n",
                       rng);
        for (int step = 0; step < 5; ++step)
            appendInPieces(
                journal,
                QStringLiteral("{\"op_code\": 7, \"worker_id\": \"w\", \"trial_id\": 54, "
                               "\"step\": %1, \"intermediate_value\": %2}\n")
                    .arg(step)
                    .arg(numberText(0.5 / (step + 1)))
                    .toUtf8(),
                rng);
        QTRY_COMPARE_WITH_TIMEOUT(h.catalog.size(), before + 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            h.byName(QStringLiteral("trial 30"))->metrics.value("intermediate_value").count,
            qint64(5), 5000);
        QCOMPARE(h.byName(QStringLiteral("trial 30"))->metrics["intermediate_value"].last, 0.1);
        QCOMPARE(h.catalog.problems().size(), 0);
    }

    void nothingWrittenMeansNoUpdate() {
        // A project of every kind: looks that find nothing new report nothing (no flicker,
        // no "updated" in the status bar, no work for the views).
        QTemporaryDir dir;
        extractMlruns(QStringLiteral("v3_11"), dir.path());
        copyFixture(QStringLiteral("optuna/sqlite/optuna.db"), dir.path());
        QDir().mkpath(dir.path() + QStringLiteral("/journal"));
        copyFixture(QStringLiteral("optuna/journal/journal.log"),
                    dir.path() + QStringLiteral("/journal"));
        QProcess cp;
        cp.start(QStringLiteral("cp"),
                 {QStringLiteral("-r"), fixtures() + QStringLiteral("/tensorboard/pt_hparams"),
                  dir.path() + QStringLiteral("/tb")});
        QVERIFY(cp.waitForFinished() && cp.exitCode() == 0);
        Harness h;
        h.open(dir.path(), 0);
        QVERIFY(h.project->sources.size() >= 4);
        for (int i = 0; i < 3; ++i) {
            const int looks = h.live.looks();
            h.live.rescanNow();
            QVERIFY(settled(h.live));
            QVERIFY(h.live.looks() > looks);
        }
        QCOMPARE(h.updates, 0);
    }

    void csvRunGrowsWhileWatched() {
        QTemporaryDir dir;
        const QString run = dir.path() + QStringLiteral("/lightning_logs/version_0");
        QDir().mkpath(run);
        QFile csv(run + QStringLiteral("/metrics.csv"));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("epoch,step,train_loss\n0,0,1.0\n");
        csv.close();
        Harness h;
        h.open(dir.path(), 100);
        QCOMPARE(h.catalog.size(), 1);
        // Nothing written: looks (the poll asks every 100 ms) find the files unmoved and read
        // nothing.
        QTRY_VERIFY_WITH_TIMEOUT(h.live.looks() >= 2, 5000);
        QCOMPARE(h.updates, 0);
        std::mt19937 rng(5);
        QByteArray rows;
        for (int step = 1; step <= 20; ++step)
            rows += QStringLiteral("0,%1,%2\n").arg(step).arg(1.0 / (step + 1)).toUtf8();
        appendInPieces(run + QStringLiteral("/metrics.csv"), rows, rng);
        QTRY_COMPARE_WITH_TIMEOUT(h.catalog.at(0).metrics.value("train_loss").count, qint64(21),
                                  5000);
        QCOMPARE(h.catalog.at(0).metrics["train_loss"].step, 20);
    }

    void pausedMeansNoUpdatesUntilResumed() {
        QTemporaryDir dir;
        const QString db = copyFixture(QStringLiteral("optuna/sqlite/optuna.db"), dir.path());
        Harness h;
        h.open(db, 100);
        const int before = h.catalog.size();
        h.live.setPaused(true);
        addRunningTrial(db);
        // The watcher says "look" after the commit, which an unpaused look would read ...
        QSignalSpy told(&h.live.watcher(), &Watcher::changed);
        QVERIFY(told.wait(5000));
        // ... and no look runs or waits for its turn.
        QVERIFY(settled(h.live));
        QCOMPARE(h.catalog.size(), before);
        h.live.setPaused(false);
        QTRY_COMPARE_WITH_TIMEOUT(h.catalog.size(), before + 1, 5000);
    }

    // F5 while paused looks once, even when it comes right after another look (in the gap
    // between looks, where a look asked for waits its turn): the second press is not lost.
    void rescanWhilePausedIsNeverLost() {
        QTemporaryDir dir;
        const QString db = copyFixture(QStringLiteral("optuna/sqlite/optuna.db"), dir.path());
        Harness h;
        h.open(db, 100);
        const int before = h.catalog.size();
        h.live.setPaused(true);
        QVERIFY(settled(h.live));
        h.live.rescanNow();  // finds nothing new
        QSignalSpy looked(&h.live, &LiveProject::looked);
        QVERIFY(looked.wait(5000));
        addRunningTrial(db);
        h.live.rescanNow();  // within the gap after that look
        QVERIFY(looked.wait(5000));
        QCOMPARE(h.catalog.size(), before + 1);
        QVERIFY(h.live.isPaused());
    }

    void indexMakesReopeningReadOnlyWhatChanged() {
        QTemporaryDir dir, cache;
        const QString mlruns = extractMlruns(QStringLiteral("v3_11"), dir.path());
        const auto before = fingerprint(mlruns);
        ScanOptions withIndex;
        withIndex.cacheDir = cache.path();
        auto scanOnce = [&](const ScanOptions& options) {
            MlflowFileSource source(mlruns);
            ScanDelta delta = source.scan(options);
            QMap<QString, Run> byName;
            for (Run& run : delta.runs)
                byName.insert(run.name, std::move(run));
            return byName;
        };
        const QMap<QString, Run> fresh = scanOnce({});
        const QMap<QString, Run> first = scanOnce(withIndex);  // writes the index
        const QString index = MlflowFileSource(mlruns).indexPath(cache.path());
        QVERIFY(QFile::exists(index));
        QCOMPARE(fingerprint(mlruns), before);  // never inside the project
        // Reopened from the index: the same runs, every field.
        const QMap<QString, Run> second = scanOnce(withIndex);
        QCOMPARE(second.keys(), fresh.keys());
        for (const QString& name : fresh.keys())
            QVERIFY2(sameRun(second[name], fresh[name]) && sameRun(first[name], fresh[name]),
                     qPrintable(name));

        // Only what changed is read: a file rewritten behind the index's back with the same
        // size, time and inode is not read again (its old summary stays) ...
        const QString loss = runDir(mlruns, "child-lr-0.1") + QStringLiteral("/metrics/train/loss");
        QFile file(loss);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const QDateTime mtime = QFileInfo(loss).lastModified();
        QByteArray bytes = file.readAll();
        // Every value's first digit changed, the length kept: "0.25" becomes "7.25".
        for (qsizetype pos = bytes.indexOf(' '); pos >= 0 && pos + 1 < bytes.size();
             pos = bytes.indexOf('\n', pos) < 0 ? -1
                                                : bytes.indexOf(' ', bytes.indexOf('\n', pos))) {
            char& c = bytes[pos + 1];
            if (c >= '0' && c <= '9') c = c == '7' ? '8' : '7';
        }
        file.seek(0);
        file.write(bytes);
        QVERIFY(file.setFileTime(mtime, QFileDevice::FileModificationTime));
        file.close();
        QVERIFY(scanOnce({})["child-lr-0.1"].metrics["train/loss"].last !=
                fresh["child-lr-0.1"].metrics["train/loss"].last);
        QCOMPARE(scanOnce(withIndex)["child-lr-0.1"].metrics["train/loss"].last,
                 fresh["child-lr-0.1"].metrics["train/loss"].last);
        // ... while a file that grew is read from where the index left it.
        QVERIFY(file.open(QIODevice::Append));
        file.write("1795811569999 0.125 99\n");
        file.close();
        const Run grown = scanOnce(withIndex)["child-lr-0.1"];
        QCOMPARE(grown.metrics["train/loss"].count,
                 fresh["child-lr-0.1"].metrics["train/loss"].count + 1);
        QCOMPARE(grown.metrics["train/loss"].last, 0.125);

        // A damaged index is noticed and not trusted: a flipped byte, a cut-off file.
        QFile damaged(index);
        QVERIFY(damaged.open(QIODevice::ReadWrite));
        QByteArray indexBytes = damaged.readAll();
        indexBytes[indexBytes.size() / 2] = char(indexBytes[indexBytes.size() / 2] ^ 0x5a);
        damaged.seek(0);
        damaged.write(indexBytes);
        damaged.close();
        const QMap<QString, Run> fromDamaged = scanOnce(withIndex);  // rebuilt
        QCOMPARE(fromDamaged.keys(), fresh.keys());
        QCOMPARE(fromDamaged["child-lr-0.1"].metrics["train/loss"].count,
                 grown.metrics["train/loss"].count);
        QVERIFY(damaged.open(QIODevice::ReadWrite));
        QVERIFY(damaged.resize(damaged.size() / 3));
        damaged.close();
        QCOMPARE(scanOnce(withIndex).keys(), fresh.keys());
    }
};

QTEST_GUILESS_MAIN(TestLive)
#include "tst_live.moc"
