// Every fixture of every format that keeps its histories in the series cache (TensorBoard,
// W&B, CSV loggers, Comet, Optuna, Neptune's journals) lists and charts the same with no
// cache, a cold one and a warm one: summaries equal, and every history equal point for point,
// bit for bit (issue 19); the project's files stay byte for byte as they were.

#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <optional>

#include "TestSupport.h"
#include "codec/FileStamp.h"
#include "project/CacheFolder.h"
#include "project/HistoryCache.h"
#include "project/ProjectLoader.h"

using namespace runlens;
using namespace testsupport;

namespace {

ScanOptions cachedIn(const QString& cacheDir) {
    ScanOptions options;
    options.cacheDir = cacheDir;
    return options;
}

LoadedProject load(const QString& path, const QString& cacheDir) {
    LoadedProject project = loadProject(path, cachedIn(cacheDir));
    project.indexSources();
    return project;
}

// Histories compared, by source kind.
QMap<QString, int> compare(const LoadedProject& ours, const LoadedProject& theirs,
                           const QString& what) {
    QMap<QString, int> compared;
    QMap<QString, const Run*> byId;
    for (const Run& run : theirs.delta.runs)
        byId.insert(run.id.text(), &run);
    if (ours.delta.runs.size() != theirs.delta.runs.size()) {
        qWarning("%s: %zu runs, %zu without the cache", qPrintable(what), ours.delta.runs.size(),
                 theirs.delta.runs.size());
        return {};
    }
    for (const Run& a : ours.delta.runs) {
        const Run* b = byId.value(a.id.text());
        if (!b || a.metrics.keys() != b->metrics.keys() || a.problems != b->problems) {
            qWarning("%s: run %s differs", qPrintable(what), qPrintable(a.id.text()));
            return {};
        }
        for (auto it = a.metrics.begin(); it != a.metrics.end(); ++it) {
            const MetricSummary& x = it.value();
            const MetricSummary& y = b->metrics[it.key()];
            const HistoryResult h = ours.sourceFor(a)->loadHistory(a, it.key());
            const HistoryResult g = theirs.sourceFor(*b)->loadHistory(*b, it.key());
            const bool same = x.count == y.count && x.step == y.step &&
                              x.timestampMs == y.timestampMs && memcmp(&x.last, &y.last, 8) == 0 &&
                              memcmp(&x.min, &y.min, 8) == 0 && memcmp(&x.max, &y.max, 8) == 0 &&
                              h.found == g.found && sameBits(h.series.steps, g.series.steps) &&
                              sameBits(h.series.values, g.series.values) &&
                              sameBits(h.series.wallTimesMs, g.series.wallTimesMs);
            if (!same) {
                qWarning("%s: %s %s differs", qPrintable(what), qPrintable(a.id.text()),
                         qPrintable(it.key()));
                return {};
            }
            compared[a.sourceKind] += int(h.series.size());
        }
    }
    return compared;
}

// Dates every file of a fresh copy an hour back, as the fixtures are: a file just written may
// still be being written (TensorBoard's and Neptune's unterminated last records wait two
// seconds), so loads a moment apart would otherwise read it differently.
void settle(const QString& root) {
    QProcess touch;
    touch.start("find", {root, "-type", "f", "-exec", "touch", "-d", "1 hour ago", "{}", "+"});
    QVERIFY(touch.waitForFinished() && touch.exitCode() == 0);
}

const QString kResnet = QStringLiteral("d827553f-5f7d-4618-9030-70231621bc0a");

// A neptune-client 1.14 offline run's journal (tests/data/neptune).
QString resnetJournal() {
    return fixtures() + "/neptune/neptune-client-1.14.0/.neptune/offline/run__" + kResnet +
           "__8394__usqmgivj/data-1.log";
}

// Where `runs`, as a watched `source` lists and charts them, differ from a fresh read of
// `root` without the cache; empty when in nothing.
QString differsFromFresh(Source& source, const std::vector<Run>& runs, const QString& root) {
    ScanOptions none;
    LoadedProject fresh = loadProject(root, none);
    fresh.indexSources();
    QMap<QString, const Run*> byId;
    for (const Run& run : fresh.delta.runs)
        byId.insert(run.id.text(), &run);
    for (const Run& run : runs) {
        const Run* theirs = byId.value(run.id.text());
        if (!theirs || run.metrics.keys() != theirs->metrics.keys()) return run.id.text();
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
            const HistoryResult mine = source.loadHistory(run, it.key());
            const HistoryResult other = fresh.sourceFor(*theirs)->loadHistory(*theirs, it.key());
            if (mine.found != other.found || !mine.problems.isEmpty() ||
                qint64(mine.series.size()) != it.value().count ||
                !sameBits(mine.series.values, other.series.values) ||
                !sameBits(mine.series.steps, other.series.steps) ||
                !sameBits(mine.series.wallTimesMs, other.series.wallTimesMs))
                return run.id.text() + u' ' + it.key();
        }
    }
    return {};
}

// That journal as an offline run of a `.neptune` folder in `root`, writable; its path.
QString writableResnetRun(const QString& root) {
    const QString dir = root + "/.neptune/offline/run__" + kResnet + "__1__abcdefgh";
    const QString journal = dir + "/data-1.log";
    if (!QDir().mkpath(dir) || !QFile::copy(resnetJournal(), journal)) return {};
    QFile::setPermissions(journal, QFile::ReadOwner | QFile::WriteOwner);
    return journal;
}

QSet<QString> entryKinds(const QString& cacheDir) {
    QSet<QString> kinds;
    for (const QString& name : QDir(cacheDir + "/series").entryList({"*.rlsc"}, QDir::Files))
        kinds.insert(name.left(name.lastIndexOf(u'-')));
    return kinds;
}

}  // namespace

class TestCacheFixtures : public QObject {
    Q_OBJECT

private slots:
    void everyFixtureRoundTrips_data() {
        QTest::addColumn<QString>("path");
        QTest::newRow("tests/data") << fixtures();
        QTest::newRow("demo project") << demoProject();
        if (QDir(thirdPartyFixtures()).exists())
            QTest::newRow("third-party fixtures") << thirdPartyFixtures();
    }
    void everyFixtureRoundTrips() {
        QFETCH(QString, path);
        QTemporaryDir tmp, cache;
        // The demo's and the tests' CSV and Comet projects are made by scripts: a copy keeps
        // whatever the folder holds, read-only fixtures included.
        const QString copy = copyTree(path, tmp.path() + "/project");
        settle(copy);
        const QMap<QString, QByteArray> before = fingerprint(copy);
        const LoadedProject plain = load(copy, {});
        QVERIFY(!plain.delta.runs.empty());
        const LoadedProject cold = load(copy, cache.path());
        const QMap<QString, int> coldCompared = compare(cold, plain, path + " (cold)");
        QVERIFY(!coldCompared.isEmpty());
        const LoadedProject warm = load(copy, cache.path());
        QCOMPARE(compare(warm, plain, path + " (warm)"), coldCompared);
        // Every kind with histories went through the cache.
        const QSet<QString> cached = entryKinds(cache.path());
        for (const char* kind : {"tensorboard", "wandb", "csv", "comet", "optuna-sql",
                                 "optuna-journal", "neptune-client", "neptune-scale"})
            if (coldCompared.value(kind) > 0) QVERIFY2(cached.contains(kind), qPrintable(kind));
        qInfo() << "points compared by kind:" << coldCompared;
        QCOMPARE(fingerprint(copy), before);
    }

    // File > Clear Cache (or `runlens-cli cache --clear` from another process) under an open
    // project: every chart still loads, through the app's HistoryCache, bit for bit what the
    // files hold; so does a live scan after it.
    void clearedCacheLosesNoChart_data() { everyFixtureRoundTrips_data(); }
    void clearedCacheLosesNoChart() {
        QFETCH(QString, path);
        QTemporaryDir tmp, cache;
        const QString copy = copyTree(path, tmp.path() + "/project");
        settle(copy);
        const LoadedProject plain = load(copy, {});
        auto cold = std::make_shared<LoadedProject>(load(copy, cache.path()));
        QVERIFY(CacheFolder::sizeOf(cache.path()) > 0);
        QVERIFY(CacheFolder::clear(cache.path()));
        QCOMPARE(CacheFolder::sizeOf(cache.path()), qint64(0));
        HistoryCache charts;
        charts.setProject(cold);
        std::vector<std::pair<const Run*, QString>> wanted;
        for (const Run& run : cold->delta.runs)
            for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it)
                wanted.emplace_back(&run, it.key());
        charts.want(wanted);
        QTRY_COMPARE_WITH_TIMEOUT(charts.loadsRunning(), 0, 60000);
        QMap<QString, const Run*> plainRuns;
        for (const Run& run : plain.delta.runs)
            plainRuns.insert(run.id.text(), &run);
        int compared = 0;
        for (const auto& [run, metric] : wanted) {
            const Run* theirs = plainRuns.value(run->id.text());
            QVERIFY(theirs);
            const HistoryResult g = plain.sourceFor(*theirs)->loadHistory(*theirs, metric);
            const auto mine = charts.peek(*run, metric);
            QVERIFY2(mine || !g.found, qPrintable(run->id.text() + u' ' + metric));
            if (!mine) continue;
            QVERIFY2(sameBits(mine->values, g.series.values) &&
                         sameBits(mine->steps, g.series.steps) &&
                         sameBits(mine->wallTimesMs, g.series.wallTimesMs),
                     qPrintable(run->id.text() + u' ' + metric));
            QVERIFY(g.problems.isEmpty());
            compared += int(mine->size());
        }
        QVERIFY(compared > 0);
        // A scan after the clear (live) lists and charts the same, and writes the cache again.
        for (const SourcePtr& source : cold->sources) {
            ScanOptions options;
            options.cacheDir = cache.path();
            const ScanDelta again = source->scan(options);
            for (const Run& run : again.runs) {
                const Run* theirs = plainRuns.value(run.id.text());
                if (!theirs) continue;  // a scan that lists only what changed
                for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
                    const HistoryResult h = source->loadHistory(run, it.key());
                    const HistoryResult g =
                        plain.sourceFor(*theirs)->loadHistory(*theirs, it.key());
                    QVERIFY2(h.found == g.found && sameBits(h.series.values, g.series.values) &&
                                 sameBits(h.series.steps, g.series.steps),
                             qPrintable(run.id.text() + u' ' + it.key()));
                }
            }
        }
    }

    // `runlens-cli history` asks a source for one run: an MLflow file store reads that run's
    // folder only, and its index of every run stays whole.
    void mlflowFileStoreReadsOneRun() {
        QTemporaryDir tmp, cache;
        const QString mlruns = extractMlruns("v3_11", tmp.path());
        std::optional<LoadedProject> first = load(mlruns, cache.path());
        first.reset();  // the index is saved when the source goes
        const QStringList indexes = QDir(cache.path()).entryList({"mlflow-file-*.index"});
        QCOMPARE(indexes.size(), 1);
        auto indexBytes = [&] {
            QFile f(cache.path() + u'/' + indexes[0]);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const QByteArray index = indexBytes();
        const LoadedProject all = load(mlruns, cache.path());
        QVERIFY(all.delta.runs.size() > 3);
        for (const Run& run : all.delta.runs) {
            if (run.sourceKind != u"mlflow-file") continue;
            for (const QString& asked : {run.id.text(), run.nativeId}) {
                ScanOptions options;
                options.cacheDir = cache.path();
                options.onlyRun = asked;
                options.includeDeleted = true;
                LoadedProject one = loadProject(mlruns, options);
                one.indexSources();
                QCOMPARE(one.delta.runs.size(), size_t(1));
                QCOMPARE(one.delta.runs[0].id, run.id);
                for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
                    const HistoryResult h =
                        one.sourceFor(one.delta.runs[0])->loadHistory(one.delta.runs[0], it.key());
                    const HistoryResult g = all.sourceFor(run)->loadHistory(run, it.key());
                    QVERIFY(sameBits(h.series.values, g.series.values));
                }
            }
        }
        QCOMPARE(indexBytes(), index);
    }

    // A CSV that grows is read from where the last read ended and joined to the histories
    // the cache holds; a watched source and a fresh one agree.
    void growingCsvJoinsItsCachedHistory() {
        QTemporaryDir tmp, cache;
        const QString log = tmp.path() + "/keras/training.log";
        QDir().mkpath(tmp.path() + "/keras");
        auto append = [&](int from, int to) {
            QFile f(log);
            QVERIFY(f.open(QIODevice::Append));
            if (from == 0) f.write("epoch,loss,val_loss\n");
            for (int e = from; e < to; ++e)
                f.write(
                    QStringLiteral("%1,%2,%3\n").arg(e).arg(1.0 / (e + 1)).arg(0.3 + e).toUtf8());
        };
        append(0, 50);
        ScanOptions options;
        options.cacheDir = cache.path();
        LoadedProject watched = loadProject(tmp.path(), options);
        watched.indexSources();
        QCOMPARE(watched.sources.size(), size_t(1));
        QVERIFY(CacheFolder::clear(cache.path()));  // the rows come back from the mapped entry
        append(50, 80);
        const ScanDelta later = watched.sources[0]->scan(options);
        QCOMPARE(later.runs.size(), size_t(1));
        const LoadedProject fresh = load(tmp.path(), {});
        const Run& run = later.runs[0];
        QCOMPARE(run.metrics["loss"].count, 80);
        for (const QString& key : {QStringLiteral("loss"), QStringLiteral("val_loss")}) {
            const HistoryResult mine = watched.sources[0]->loadHistory(run, key);
            const HistoryResult theirs = fresh.sources[0]->loadHistory(fresh.delta.runs[0], key);
            QVERIFY(mine.found);
            QCOMPARE(mine.series.size(), size_t(80));
            QVERIFY(sameBits(mine.series.values, theirs.series.values));
            QVERIFY(sameBits(mine.series.steps, theirs.series.steps));
        }
        QVERIFY(entryKinds(cache.path()).contains("csv"));
        // Scanned again unchanged (a CSV is read whole at every scan): its entry is left alone.
        const QStringList entries = QDir(cache.path() + "/series").entryList({"csv-*.rlsc"});
        QCOMPARE(entries.size(), 1);
        const QString entry = cache.path() + "/series/" + entries[0];
        const quint64 inode = FileStamp::of(entry.toStdString()).inode;
        const ScanDelta again = watched.sources[0]->scan(options);
        QCOMPARE(again.runs.size(), size_t(1));
        QCOMPARE(FileStamp::of(entry.toStdString()).inode, inode);
        QCOMPARE(differsFromFresh(*watched.sources[0], again.runs, tmp.path()), QString());
    }

    // A Neptune journal that grows is read from where the last read ended; the run takes its
    // points back from the cache, extends them (a point past the last, a series cleared and
    // logged again) and puts them back: a watched source and a fresh one agree bit for bit.
    void growingNeptuneJournalJoinsItsCachedHistory() {
        QTemporaryDir tmp, cache;
        const QString journal = writableResnetRun(tmp.path());
        QVERIFY(!journal.isEmpty());
        LoadedProject watched = load(tmp.path(), cache.path());
        QCOMPARE(watched.delta.runs.size(), size_t(1));
        const Run first = watched.delta.runs[0];
        QVERIFY(first.metrics["train/loss"].count > 0);
        QVERIFY(entryKinds(cache.path()).contains("neptune-client"));
        QVERIFY(CacheFolder::clear(cache.path()));  // the points come back from the mapped entry
        {
            QFile f(journal);
            QVERIFY(f.open(QIODevice::Append));
            f.write(
                R"({"obj": {"type": "LogFloats", "path": ["train", "loss"], "values": [{"value": 0.125, "step": 1000, "ts": 1735733100.0}]}, "version": 49, "at": 1796140060.0})"
                "\n"
                R"({"obj": {"type": "ClearFloatLog", "path": ["eval", "val_loss"]}, "version": 50, "at": 1796140061.0})"
                "\n"
                R"({"obj": {"type": "LogFloats", "path": ["eval", "val_loss"], "values": [{"value": 0.5, "step": 3, "ts": 1735733101.0}]}, "version": 51, "at": 1796140062.0})"
                "\n");
        }
        const ScanDelta later = watched.sources[0]->scan(cachedIn(cache.path()));
        QCOMPARE(later.runs.size(), size_t(1));
        const Run& run = later.runs[0];
        QCOMPARE(run.metrics["train/loss"].count, first.metrics["train/loss"].count + 1);
        QCOMPARE(run.metrics["eval/val_loss"].count, qint64(1));
        QCOMPARE(differsFromFresh(*watched.sources[0], later.runs, tmp.path()), QString());
        // An append of no point (a name) leaves the stowed points where they are.
        {
            QFile f(journal);
            QVERIFY(f.open(QIODevice::Append));
            f.write(
                R"({"obj": {"type": "AssignString", "path": ["sys", "name"], "value": "renamed"}, "version": 52, "at": 1796140063.0})"
                "\n");
        }
        const ScanDelta renamed = watched.sources[0]->scan(cachedIn(cache.path()));
        QCOMPARE(renamed.runs.size(), size_t(1));
        QCOMPARE(renamed.runs[0].name, QStringLiteral("renamed"));
        QCOMPARE(renamed.runs[0].metrics["train/loss"].count, run.metrics["train/loss"].count);
        QCOMPARE(differsFromFresh(*watched.sources[0], renamed.runs, tmp.path()), QString());
    }

    // A Neptune run's entry changed in place under the open project: its chart says the
    // cached history is damaged, and the next append replays the run from its journal, so
    // it lists and charts as a fresh read does.
    void damagedNeptuneEntryReplaysTheRun() {
        QTemporaryDir tmp, cache;
        const QString journal = writableResnetRun(tmp.path());
        QVERIFY(!journal.isEmpty());
        LoadedProject watched = load(tmp.path(), cache.path());
        const QStringList entries =
            QDir(cache.path() + "/series").entryList({"neptune-client-*.rlsc"}, QDir::Files);
        QCOMPARE(entries.size(), 1);
        {
            QFile entry(cache.path() + "/series/" + entries[0]);
            QVERIFY(entry.open(QIODevice::ReadWrite));
            QByteArray bytes = entry.readAll();
            for (qsizetype i = 8; i < bytes.size(); ++i)
                bytes[i] = char(bytes[i] ^ 0x5a);
            QVERIFY(entry.seek(0));
            entry.write(bytes);
        }
        const Run& run = watched.delta.runs[0];
        const HistoryResult damaged = watched.sources[0]->loadHistory(run, "train/acc");
        QVERIFY(!damaged.found);
        QCOMPARE(damaged.problems.size(), 1);
        QVERIFY(damaged.problems[0].message.contains("damaged"));
        {
            QFile f(journal);
            QVERIFY(f.open(QIODevice::Append));
            f.write(
                R"({"obj": {"type": "LogFloats", "path": ["train", "acc"], "values": [{"value": 0.875, "step": 1000, "ts": 1735733100.0}]}, "version": 49, "at": 1796140060.0})"
                "\n");
        }
        const ScanDelta later = watched.sources[0]->scan(cachedIn(cache.path()));
        QCOMPARE(later.runs.size(), size_t(1));
        QCOMPARE(differsFromFresh(*watched.sources[0], later.runs, tmp.path()), QString());
        QCOMPARE(later.runs[0].metrics["train/acc"].last, 0.875);
    }
};

QTEST_GUILESS_MAIN(TestCacheFixtures)
#include "tst_cache_fixtures.moc"
