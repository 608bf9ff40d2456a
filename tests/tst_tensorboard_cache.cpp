// TensorBoard on the series cache (issue 19): every fixture's histories come back from the
// cache point for point (float32 stays float32); a run opened again reads no unchanged event
// file; appended, rewritten or cut files are seen; two processes at once leave a valid cache;
// a cache that cannot be written costs only the cache.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>

#include "TestSupport.h"
#include "TfEventWriter.h"
#include "codec/SeriesCacheFile.h"
#include "project/ProjectLoader.h"
#include "sources/TensorBoardSource.h"

using namespace runlens;
using namespace testsupport;

namespace {

uint64_t bits(double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

struct Listing {
    std::unique_ptr<TensorBoardSource> source;
    ScanDelta delta;
};

Listing scanOf(const QString& logdir, const QString& cacheDir) {
    Listing l{std::make_unique<TensorBoardSource>(logdir), {}};
    ScanOptions options;
    options.cacheDir = cacheDir;
    l.delta = l.source->scan(options);
    return l;
}

// Runs, summaries and every history of `theirs` equal `ours`, bit for bit.
void compareListings(Listing& ours, Listing& theirs, const QString& what) {
    QCOMPARE(ours.delta.runs.size(), theirs.delta.runs.size());
    QCOMPARE(ours.delta.problems.size(), theirs.delta.problems.size());
    for (size_t r = 0; r < ours.delta.runs.size(); ++r) {
        const Run& a = ours.delta.runs[r];
        const Run& b = theirs.delta.runs[r];
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.params.size(), b.params.size());
        QCOMPARE(a.problems, b.problems);
        QCOMPARE(a.startTimeMs, b.startTimeMs);
        QCOMPARE(a.endTimeMs, b.endTimeMs);
        QCOMPARE(a.metrics.keys(), b.metrics.keys());
        for (auto it = a.metrics.begin(); it != a.metrics.end(); ++it) {
            const MetricSummary& x = it.value();
            const MetricSummary& y = b.metrics[it.key()];
            QVERIFY2(bits(x.last) == bits(y.last) && x.step == y.step && x.count == y.count &&
                         bits(x.min) == bits(y.min) && bits(x.max) == bits(y.max) &&
                         x.timestampMs == y.timestampMs,
                     qPrintable(what + u' ' + a.name + u' ' + it.key()));
            const HistoryResult h = ours.source->loadHistory(a, it.key());
            const HistoryResult g = theirs.source->loadHistory(b, it.key());
            QVERIFY(h.found && g.found);
            QVERIFY2(sameBits(h.series.steps, g.series.steps) &&
                         sameBits(h.series.values, g.series.values) &&
                         sameBits(h.series.wallTimesMs, g.series.wallTimesMs),
                     qPrintable(what + u' ' + a.name + u' ' + it.key()));
        }
    }
}

QStringList tensorBoardFixtures() {
    QStringList dirs;
    for (const QString& root : {fixtures() + "/tensorboard", thirdPartyFixtures() + "/tensorboard",
                                thirdPartyFixtures() + "/tensorboard/public_fixtures"})
        for (const QString& name : QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (name != u"expected" && name != u"public_fixtures") dirs << root + u'/' + name;
    return dirs;
}

// Sets a file's modification time back, so only its bytes say it changed.
void setMtime(const QString& path, const timespec& when) {
    const timespec times[2] = {when, when};
    QCOMPARE(utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0), 0);
}

timespec mtimeOf(const QString& path) {
    struct stat st;
    stat(QFile::encodeName(path).constData(), &st);
    return st.st_mtim;
}

// Zeroes a file's bytes past its first and before its last 4 KiB, keeping its size and mtime.
void zeroMiddle(const QString& path) {
    const timespec mtime = mtimeOf(path);
    const qint64 size = QFileInfo(path).size();
    QVERIFY(size > 3 * 4096);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadWrite));
    f.seek(4096);
    f.write(QByteArray(size - 2 * 4096, '\0'));
    f.close();
    setMtime(path, mtime);
}

std::string eventFile(int steps, float scale, int firstStep = 0) {
    std::string file;
    tfwriter::appendRecord(file, tfwriter::fileVersionEvent(1700000000));
    for (int step = firstStep; step < firstStep + steps; ++step)
        for (const char* tag : {"loss", "acc"})
            tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000000 + step * 0.25, step, tag,
                                                               float(step) * scale));
    return file;
}

void writeFile(const QString& path, const std::string& bytes, bool append = false) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(append ? QIODevice::Append : (QIODevice::WriteOnly | QIODevice::Truncate)));
    f.write(bytes.data(), qint64(bytes.size()));
}

// A logdir of `runs` runs, each one event file of two tags.
QString makeLogdir(const QString& dir, int runs, int steps) {
    for (int r = 0; r < runs; ++r)
        writeFile(QStringLiteral("%1/run_%2/events.out.tfevents.1.host").arg(dir).arg(r),
                  eventFile(steps, 0.5f + float(r)));
    return dir;
}

QStringList entries(const QString& cacheDir) {
    return QDir(cacheDir + "/series").entryList({"*.rlsc"}, QDir::Files);
}

}  // namespace

class TestTensorBoardCache : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        // runlens-cli keeps its cache under XDG_CACHE_HOME: here, never the user's.
        QVERIFY(m_home.isValid());
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_home.path()));
    }

    // Every fixture: listed and charted the same with a cold cache, a warm one and none.
    void fixturesRoundTripThroughTheCache() {
        const QStringList dirs = tensorBoardFixtures();
        QVERIFY(dirs.size() >= 6);
        for (const QString& dir : dirs) {
            QTemporaryDir cache;
            Listing plain = scanOf(dir, {});
            Listing cold = scanOf(dir, cache.path());
            compareListings(cold, plain, dir + " (cold)");
            Listing warm = scanOf(dir, cache.path());
            compareListings(warm, plain, dir + " (warm)");
        }
    }

    void float32StaysFloat32() {
        QTemporaryDir tmp, cache;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 1, 100);
        Listing l = scanOf(logdir, cache.path());
        const QString identity = QStringLiteral("tensorboard\n%1/run_0\npurge=1").arg(logdir);
        const auto entry = SeriesCacheFile::open(
            SeriesCacheFile::pathFor(cache.path(), "tensorboard", identity), identity);
        QVERIFY(entry);
        QCOMPARE(entry->series().size(), size_t(2));
        for (const CachedSeriesInfo& s : entry->series()) {
            QVERIFY(s.float32);
            QCOMPARE(s.count, uint64_t(100));
        }
    }

    // Opened again, the run comes from the cache: event files whose stamp is unchanged are
    // not parsed (here the middle of one was zeroed behind the stamp's back; its first and
    // last 4 KiB, which are checked, left as they were).
    void reopenReadsNoUnchangedFile() {
        QTemporaryDir tmp, cache;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 3, 500);
        Listing plain = scanOf(logdir, {});
        { Listing cold = scanOf(logdir, cache.path()); }
        QCOMPARE(entries(cache.path()).size(), 3);
        zeroMiddle(logdir + "/run_1/events.out.tfevents.1.host");
        Listing warm = scanOf(logdir, cache.path());
        compareListings(warm, plain, "reopened");
    }

    void staleEntriesAreSeen_data() {
        QTest::addColumn<QString>("change");
        QTest::newRow("appended") << "append";
        QTest::newRow("rewritten, same size, same mtime") << "same-size-same-mtime";
        QTest::newRow("rewritten, same size, new mtime") << "same-size";
        QTest::newRow("rewritten, other size") << "other-size";
        QTest::newRow("cut") << "cut";
        QTest::newRow("replaced by another file") << "replaced";
        QTest::newRow("a second event file") << "second-file";
    }
    void staleEntriesAreSeen() {
        QFETCH(QString, change);
        QTemporaryDir tmp, cache;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 2, 300);
        const QString file = logdir + "/run_0/events.out.tfevents.1.host";
        Listing live = scanOf(logdir, cache.path());
        const timespec mtime = mtimeOf(file);
        if (change == u"append") {
            std::string more;
            for (int step = 300; step < 400; ++step)
                tfwriter::appendRecord(more, tfwriter::scalarEvent(1700001000, step, "loss", 1));
            writeFile(file, more, true);
        } else if (change.startsWith(u"same-size")) {
            writeFile(file, eventFile(300, 7.0f));
            if (change == u"same-size-same-mtime") setMtime(file, mtime);
        } else if (change == u"other-size") {
            writeFile(file, eventFile(200, 3.0f));
        } else if (change == u"cut") {
            QVERIFY(QFile::resize(file, QFileInfo(file).size() - 100));
        } else if (change == u"replaced") {
            const QString other = tmp.path() + "/other";
            writeFile(other, eventFile(300, 9.0f));
            QVERIFY(QFile::remove(file));
            QVERIFY(QFile::rename(other, file));
        } else {
            writeFile(logdir + "/run_0/events.out.tfevents.2.host", eventFile(50, 2.0f, 500));
        }
        Listing plain = scanOf(logdir, {});
        Listing reopened = scanOf(logdir, cache.path());
        compareListings(reopened, plain, change + " (reopened)");
        // The source that was open all along reads the change as the watcher would have it
        // (a file rewritten to the same size or more is not told from an append there).
        if (change.startsWith(u"same-size") || change == u"replaced") return;
        live.delta = live.source->scan([&] {
            ScanOptions o;
            o.cacheDir = cache.path();
            return o;
        }());
        Listing plainAgain = scanOf(logdir, {});
        for (const Run& run : plainAgain.delta.runs)
            if (run.name == u"run_0")
                for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
                    const HistoryResult mine = live.source->loadHistory(run, it.key());
                    const HistoryResult theirs = plainAgain.source->loadHistory(run, it.key());
                    QVERIFY2(sameBits(mine.series.values, theirs.series.values) &&
                                 sameBits(mine.series.steps, theirs.series.steps),
                             qPrintable(change + u' ' + it.key()));
                }
    }

    // A run written to while watched: its points are read as they come, its entry is written
    // at most every 30 s and when the source goes, with every point in it.
    void liveRunWritesItsEntryWhenItGoes() {
        QTemporaryDir tmp, cache;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 1, 300);
        const QString file = logdir + "/run_0/events.out.tfevents.1.host";
        ScanOptions options;
        options.cacheDir = cache.path();
        {
            TensorBoardSource source(logdir);
            source.scan(options);
            for (int round = 0; round < 5; ++round) {
                std::string more;
                for (int step = 300 + round * 10; step < 310 + round * 10; ++step)
                    tfwriter::appendRecord(more,
                                           tfwriter::scalarEvent(1700002000, step, "loss", 2));
                writeFile(file, more, true);
                const ScanDelta delta = source.scan(options);
                QCOMPARE(delta.runs.size(), size_t(1));
                QCOMPARE(delta.runs[0].metrics["loss"].count, 310 + round * 10);
                QCOMPARE(source.loadHistory(delta.runs[0], "loss").series.size(),
                         size_t(310 + round * 10));
            }
        }
        // Zeroed behind its stamp, the file can only be listed from the entry.
        Listing plain = scanOf(logdir, {});
        zeroMiddle(file);
        Listing reopened = scanOf(logdir, cache.path());
        compareListings(reopened, plain, "live run reopened");
    }

    // A cleared cache under an open source: histories come from the event files again.
    void clearedCacheUnderAnOpenSource() {
        QTemporaryDir tmp, cache;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 2, 100);
        Listing plain = scanOf(logdir, {});
        Listing cached = scanOf(logdir, cache.path());
        QVERIFY(QDir(cache.path() + "/series").removeRecursively());
        compareListings(cached, plain, "cleared");
    }

    // A cache folder that is a file: everything still lists and charts from the event files.
    void unwritableCacheCostsOnlyTheCache() {
        QTemporaryDir tmp;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 2, 100);
        const QString notAFolder = tmp.path() + "/cache";
        writeFile(notAFolder, "x");
        Listing plain = scanOf(logdir, {});
        Listing cached = scanOf(logdir, notAFolder);
        compareListings(cached, plain, "cache folder is a file");
    }

    // A file size limit (ulimit -f) makes every cache write fail part way: the listing and the
    // history are still whole, and no half entry is left behind.
    void failingWritesCostOnlyTheCache() {
        QTemporaryDir tmp;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 3, 2000);
        const CliResult plain = runCli({"runs", logdir, "--format", "json", "--no-cache"});
        QCOMPARE(plain.exitCode, 0);
        const CliResult limited = runCli({"runs", logdir, "--format", "json"}, cliPath(),
                                         {"sh", "-c", "ulimit -f 8; exec \"$0\" \"$@\""});
        QCOMPARE(limited.exitCode, 0);
        QCOMPARE(limited.out, plain.out);
        const QString cacheDir = m_home.path() + "/RunLens/RunLens/index";
        QDirIterator it(cacheDir, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            QVERIFY2(it.fileInfo().size() <= 8 * 512, qPrintable(it.filePath()));
            if (it.fileName().endsWith(".rlsc"))
                QVERIFY2(it.fileInfo().size() > 0, qPrintable(it.filePath()));
        }
        const CliResult history =
            runCli({"history", logdir, "--run", "run_2", "--metric", "loss"}, cliPath(),
                   {"sh", "-c", "ulimit -f 8; exec \"$0\" \"$@\""});
        const CliResult plainHistory =
            runCli({"history", logdir, "--run", "run_2", "--metric", "loss", "--no-cache"});
        QCOMPARE(history.exitCode, 0);
        QCOMPARE(history.out, plainHistory.out);
    }

    // Two runlens-cli processes opening one project at once: each entry ends up whole, and
    // what a third reads from it equals the event files.
    void twoProcessesAtOnce() {
        QTemporaryDir tmp, home;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 12, 4000);
        const auto before = fingerprint(logdir);
        QProcess a, b;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CACHE_HOME", home.path());
        a.setProcessEnvironment(env);
        b.setProcessEnvironment(env);
        a.start(cliPath(), {"runs", logdir, "--format", "json"});
        b.start(cliPath(), {"runs", logdir, "--format", "json"});
        QVERIFY(a.waitForFinished(120000) && b.waitForFinished(120000));
        QCOMPARE(a.exitCode(), 0);
        QCOMPARE(b.exitCode(), 0);
        const QByteArray first = a.readAllStandardOutput();
        QCOMPARE(b.readAllStandardOutput(), first);
        const QString cacheDir = home.path() + "/RunLens/RunLens/index";
        QCOMPARE(entries(cacheDir).size(), 12);
        QCOMPARE(QDir(cacheDir + "/series").entryList(QDir::Files).size(), 12);  // no temp left
        Listing plain = scanOf(logdir, {});
        Listing warm = scanOf(logdir, cacheDir);
        compareListings(warm, plain, "after two processes");
        QCOMPARE(fingerprint(logdir), before);  // the cache lives elsewhere
    }

    // `history` reads only the run it is asked for; `runs` then the rest; `cache --clear`.
    void cliHistoryAndCacheCommand() {
        QTemporaryDir tmp;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 4, 100);
        QVERIFY(runCli({"cache", "--clear"}).exitCode == 0);
        const CliResult history =
            runCli({"history", logdir, "--run", "run_3", "--metric", "acc", "--format", "json"});
        QCOMPARE(history.exitCode, 0);
        const QString cacheDir = m_home.path() + "/RunLens/RunLens/index";
        QCOMPARE(entries(cacheDir).size(), 1);  // run_3 only
        const CliResult plain = runCli({"history", logdir, "--run", "run_3", "--metric", "acc",
                                        "--format", "json", "--no-cache"});
        QCOMPARE(history.out, plain.out);
        QCOMPARE(runCli({"runs", logdir}).exitCode, 0);
        QCOMPARE(entries(cacheDir).size(), 4);
        const CliResult again =
            runCli({"history", logdir, "--run", "run_3", "--metric", "acc", "--format", "json"});
        QCOMPARE(again.out, plain.out);
        const CliResult info = runCli({"cache"});
        QCOMPARE(info.exitCode, 0);
        QVERIFY(info.out.contains(QFile::encodeName(cacheDir)));
        QCOMPARE(runCli({"cache", "--clear"}).exitCode, 0);
        QCOMPARE(entries(cacheDir).size(), 0);
        QCOMPARE(runCli({"cache", logdir}).exitCode, 2);
    }

    void onlyRunScansOneRun() {
        QTemporaryDir tmp;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 3, 10);
        makeLogdir(logdir + "/run_1", 1, 10);  // run_1/run_0, a run below run_1
        TensorBoardSource source(logdir);
        ScanOptions options;
        options.onlyRun = "run_1";
        QStringList names;
        for (const Run& run : source.scan(options).runs)
            names << run.name;
        names.sort();
        QCOMPARE(names, QStringList({"run_1", "run_1/run_0"}));
        TensorBoardSource byId(logdir);
        options.onlyRun = RunId::make(u"tensorboard", logdir, u"run_2").text();
        QCOMPARE(byId.scan(options).runs.size(), size_t(1));
        TensorBoardSource other(logdir);
        options.onlyRun = RunId::make(u"mlflow-file", logdir, u"run_2").text();
        QCOMPARE(other.scan(options).runs.size(), size_t(0));
        // A run asked for by name is found only where the walk of every run finds it: never
        // through a link, inside .git, or by a name the walk never gives.
        QVERIFY(QFile::link(logdir + "/run_2", logdir + "/linked"));
        makeLogdir(logdir + "/.git", 1, 10);
        for (const char* name : {"linked", ".git/run_0", "run_1/", "./run_1", "run_1/../run_2"}) {
            TensorBoardSource source(logdir);
            options.onlyRun = QString::fromLatin1(name);
            QVERIFY2(source.scan(options).runs.empty(), name);
        }
        TensorBoardSource nested(logdir);
        options.onlyRun = QStringLiteral("run_1/run_0");
        QCOMPARE(nested.scan(options).runs.size(), size_t(1));
    }

    // `runlens-cli history` of one run of many looks only at that run's folder (and the way to
    // it): what lies beside the other runs is never opened or reported, and the answer is byte
    // for byte the one a walk of every run gives.
    void historyLooksOnlyAtItsRun() {
        QTemporaryDir tmp;
        const QString logdir = makeLogdir(tmp.path() + "/logs", 30, 20);
        const QStringList csv{"history", logdir, "--run", "run_7", "--metric", "loss"};
        const QStringList json = csv + QStringList{"--format", "json"};
        const CliResult csvBefore = runCli(csv), jsonBefore = runCli(json);
        QCOMPARE(csvBefore.exitCode, 0);
        QCOMPARE(jsonBefore.exitCode, 0);
        // Every other run: its event file damaged, and a damaged database named like MLflow's
        // beside it (the whole walk makes each a source and reports it).
        for (int r = 0; r < 30; ++r) {
            if (r == 7) continue;
            const QString run = QStringLiteral("%1/run_%2").arg(logdir).arg(r);
            writeFile(run + "/events.out.tfevents.1.host", std::string(300, '\x7f'));
            writeFile(run + "/mlflow.db", "not a database");
        }
        ScanOptions options;
        options.onlyRun = "run_7";
        const LoadedProject project = loadProject(logdir, options);
        QCOMPARE(project.sources.size(), size_t(1));
        QCOMPARE(project.sources[0]->kind(), QStringLiteral("tensorboard"));
        QCOMPARE(project.sources[0]->root(), logdir);
        QVERIFY2(project.delta.problems.isEmpty(),
                 qPrintable(project.delta.problems.value(0).path + ": " +
                            project.delta.problems.value(0).message));
        const std::vector<const Run*> runs = project.runsNamed("run_7");
        QCOMPARE(runs.size(), size_t(1));
        QCOMPARE(runs[0]->id, RunId::make(u"tensorboard", logdir, u"run_7"));
        const HistoryResult loss = project.sourceFor(*runs[0])->loadHistory(*runs[0], "loss");
        QVERIFY(loss.found);
        QCOMPARE(loss.series.size(), size_t(20));
        QCOMPARE(loss.series.values[19], double(19 * 7.5f));

        for (const QStringList& args : {csv, json}) {
            const CliResult after = runCli(args);
            QCOMPARE(after.exitCode, 0);
            QCOMPARE(after.err, QByteArray());
            QCOMPARE(after.out, args == csv ? csvBefore.out : jsonBefore.out);
        }
        const CliResult byId =
            runCli({"history", logdir, "--run", runs[0]->id.text(), "--metric", "loss"});
        QCOMPARE(byId.exitCode, 0);
        QCOMPARE(byId.out, csvBefore.out);
    }

    // Where the way to the run is not the whole walk's, the whole walk answers, as before.
    void historyOfARunFoundByTheWholeWalk() {
        QTemporaryDir tmp;
        // The runs one folder down: the logdir is that folder, and runs are named below it.
        const QString project = tmp.path() + "/project";
        makeLogdir(project + "/logs", 3, 10);
        const CliResult below = runCli({"history", project, "--run", "run_1", "--metric", "acc"});
        QCOMPARE(below.exitCode, 0);
        QCOMPARE(below.out.count('\n'), 11);
        QCOMPARE(runCli({"history", project, "--run", "logs/run_1", "--metric", "acc"}).exitCode,
                 1);
        // A run folder that a CSV logger also wrote to (Lightning's version_N with both loggers):
        // two runs answer to its name, so the full id is asked for.
        const QString logdir = makeLogdir(tmp.path() + "/both", 3, 10);
        writeFile(logdir + "/run_2/metrics.csv", "epoch,step,loss\n0,0,1.5\n");
        const CliResult twice = runCli({"history", logdir, "--run", "run_2", "--metric", "loss"});
        QCOMPARE(twice.exitCode, 2);
        QVERIFY2(twice.err.contains("names 2 runs"), twice.err.constData());
        // The logdir's own run (".") draws on every run: the whole logdir is read.
        writeFile(logdir + "/events.out.tfevents.1.host", eventFile(5, 2.0f));
        const CliResult own = runCli({"history", logdir, "--run", ".", "--metric", "loss"});
        QCOMPARE(own.exitCode, 0);
        QCOMPARE(own.out.count('\n'), 6);
    }

private:
    QTemporaryDir m_home;
};

QTEST_GUILESS_MAIN(TestTensorBoardCache)
#include "tst_tensorboard_cache.moc"
