// Odd input that used to be undefined behaviour, slow, or silently lost (issue 15, points
// 5-6, 9-13): steps past 64 bits, headers of tens of thousands of columns, damaged records
// in W&B and TensorBoard logs, folder names that are not UTF-8, links out of the project,
// and exit codes that agree. Same rules as tst_hostile: one bad input beside a good run.

#include <filesystem>

#include <unistd.h>

#include <QScopeGuard>
#include <QTest>

#include "HostileInputs.h"
#include "TestSupport.h"

using namespace runlens;
using namespace testsupport;
using namespace hostile;

namespace {

// W&B Record fields (wandb/proto/wandb_internal.proto): history = 2 of HistoryItem
// {key = 1, value_json = 16}, run = 17 {run_id = 1, display_name = 8}.
QByteArray wandbItem(const std::string& key, const std::string& json) {
    std::string item;
    tfwriter::bytesField(item, 1, key);
    tfwriter::bytesField(item, 16, json);
    return QByteArray::fromStdString(item);
}
QByteArray wandbHistory(const std::string& step, double loss) {
    std::string history, record;
    tfwriter::bytesField(history, 1, wandbItem("_step", step).toStdString());
    tfwriter::bytesField(history, 1, wandbItem("loss", std::to_string(loss)).toStdString());
    tfwriter::bytesField(record, 2, history);
    return QByteArray::fromStdString(record);
}
QByteArray wandbRunRecord(const std::string& id) {
    std::string run, record;
    tfwriter::bytesField(run, 1, id);
    tfwriter::bytesField(run, 8, id);
    tfwriter::bytesField(record, 17, run);
    return QByteArray::fromStdString(record);
}

// A byte path below `dir` whose last name is not UTF-8.
QByteArray badName(const QString& dir) {
    return QFile::encodeName(dir) + "/run-\xff\xfe";
}

}  // namespace

class TestHostileRecords : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QTemporaryDir settings;
        useOwnSettings(settings.path());
    }

    // fuzz_csv's finds and their kin: a step past qint64 in every reader that converts one;
    // the row keeps the step before, said once per file.
    void stepsPast64Bits_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("csv step") << "bad/metrics.csv" << QByteArray("step,loss\n1e19,0.5\n")
                                  << "step 1e+19 is outside the 64-bit integer range";
        QTest::newRow("keras epoch") << "bad.csv" << QByteArray("epoch,loss\n8e90,0.5\n9e90,1\n")
                                     << "2 step values (the first 8e+90) are outside";
        QTest::newRow("jsonl step")
            << "bad/metrics.jsonl" << QByteArray("{\"step\": -1e300, \"loss\": 0.5}\n")
            << "step -1e+300 is outside";
        QTest::newRow("dvclive tsv")
            << "bad/dvclive/plots/metrics/loss.tsv"
            << QByteArray("timestamp\tstep\tloss\n1\t1e30\t0.5\n") << "step 1e+30 is outside";
        QTest::newRow("sacred steps") << "bad/metrics.json"
                                      << QByteArray(
                                             "{\"loss\": {\"steps\": [1e40], "
                                             "\"values\": [0.5]}}")
                                      << "step 1e+40 is outside";
    }
    void stepsPast64Bits() {
        QFETCH(QString, file);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, sentence);
        QTemporaryDir tmp;
        scriptRun(tmp.path() + "/good");
        writeFile(tmp.path() + u'/' + file, bytes);
        if (file.startsWith(u"bad/dvclive")) writeFile(tmp.path() + "/bad/dvclive/params.yaml", "");
        if (file == u"bad/metrics.json") {
            writeFile(tmp.path() + "/bad/run.json", "{\"status\": \"COMPLETED\"}");
            writeFile(tmp.path() + "/bad/config.json", "{}");
        }
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 2);
        QCOMPARE(listing.last("good", "loss"), 0.25);
        const QStringList said = listing.problemsNaming("bad");
        QVERIFY2(said.size() == 1, qPrintable(listing.allProblems()));
        QVERIFY2(said[0].contains(sentence), qPrintable(said[0]));
        for (const QJsonValue& run : listing.runs())
            QVERIFY(run["metrics"].toObject().contains("loss"));  // the value is kept
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // Column mapping is linear: 50,000 distinct columns, and 20,000 copies of one name (cubic
    // before: it never finished), each a metric of its own, within a generous limit.
    void wideCsvHeaders_data() {
        QTest::addColumn<bool>("duplicates");
        QTest::newRow("50,000 columns") << false;
        QTest::newRow("20,000 copies of one name") << true;
    }
    void wideCsvHeaders() {
        QFETCH(bool, duplicates);
        const int columns = duplicates ? 20000 : 50000;
        QTemporaryDir tmp;
        scriptRun(tmp.path() + "/good");
        QByteArray header = "step", row = "1";
        for (int c = 0; c < columns; ++c) {
            header += duplicates ? QByteArray(",x") : ",c" + QByteArray::number(c);
            row += ",0.5";
        }
        writeFile(tmp.path() + "/wide/metrics.csv", header + '\n' + row + '\n');
        const Listing listing = listRuns(tmp.path(), 60000);
        QVERIFY2(listing.finished, "the listing did not finish in 60 s");
        const QJsonObject metrics = listing.run("wide")["metrics"].toObject();
        QCOMPARE(metrics.size(), columns);
        if (duplicates) {
            QVERIFY(metrics.contains("x"));
            QVERIFY(metrics.contains("x (2)"));
            QVERIFY(metrics.contains(QStringLiteral("x (%1)").arg(columns)));
        }
        QCOMPARE(listing.last("good", "loss"), 0.25);
        qInfo("%d columns listed in %lld ms", columns, listing.elapsedMs);
    }

    // A W&B record whose field claims 2^31 bytes: the record's fields up to it are kept, the
    // run stays, and the damage is said.
    void wandbRecordClaimingTooMuch() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/wandb";
        writeFile(dir + "/offline-run-20260101_000000-good0001/run-good0001.wandb",
                  wandbLog({wandbRunRecord("good0001"), wandbHistory("1", 0.5),
                            wandbHistory("2", 0.25)}));
        QByteArray claim = wandbHistory("2", 0.75);
        claim.chop(claim.size() - 1);     // field 2, length-delimited ...
        claim += "\x80\x80\x80\x80\x08";  // ... of 2^31 bytes
        claim += QByteArray(16, 'x');
        const QString bad = dir + "/offline-run-20260101_000001-bad00001/run-bad00001.wandb";
        writeFile(bad, wandbLog({wandbRunRecord("bad00001"), wandbHistory("1", 0.5), claim}));
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 2);
        QCOMPARE(listing.last("good0001", "loss"), 0.25);
        QCOMPARE(listing.last("bad00001", "loss"), 0.5);
        const QStringList said = listing.problemsNaming("run-bad00001.wandb");
        QVERIFY2(said.size() == 1, qPrintable(listing.allProblems()));
        QVERIFY2(said[0].contains("is malformed"), qPrintable(said[0]));
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // A tfevents record with a 2 GiB length in a file no longer written is damage: said, and
    // reading resyncs on the next intact record. The same file being written waits instead.
    void tfeventsLengthPastTheEnd_data() {
        QTest::addColumn<bool>("settled");
        QTest::addColumn<QString>("tail");  // "claim": a 2 GiB length mid-file; "cut": a cut end
        QTest::newRow("2 GiB mid-file, settled") << true << "claim";
        QTest::newRow("2 GiB mid-file, being written") << false << "claim";
        QTest::newRow("cut at the end, settled") << true << "cut";
        QTest::newRow("cut at the end, being written") << false << "cut";
    }
    void tfeventsLengthPastTheEnd() {
        QFETCH(bool, settled);
        QFETCH(QString, tail);
        QTemporaryDir tmp;
        writeTfEvents(tmp.path() + "/good/events.out.tfevents.1.host", 0.25);
        std::string claim(12, '\0');  // a length of 2^31 whose CRC checks out, then junk
        const uint64_t length = uint64_t(1) << 31;
        memcpy(claim.data(), &length, 8);
        const uint32_t crc = maskedCrc32c(claim.data(), 8);
        memcpy(claim.data() + 8, &crc, 4);
        claim += std::string(20, 'j');
        std::string cut;
        tfwriter::appendRecord(cut, tfwriter::scalarEvent(1700000003, 3, "loss", 0.125f));
        cut.resize(cut.size() - 5);
        const std::string bytes =
            tail == u"claim" ? tfEvents(0.75f, claim) : tfEvents(0.75f, {}, cut);
        const QString bad = tmp.path() + "/bad/events.out.tfevents.2.host";
        writeFile(bad, QByteArray::fromStdString(bytes));
        if (settled) age(bad);
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 2);
        QCOMPARE(listing.last("good", "loss"), 0.25);
        const QStringList said = listing.problemsNaming("events.out.tfevents.2.host");
        if (tail == u"claim") {
            // The record after the claim is found again either way: its framing holds.
            QCOMPARE(listing.last("bad", "loss"), 0.75);
            QCOMPARE(said.size(), 1);
            QVERIFY2(said[0].contains("claims 2147483648 bytes"), qPrintable(said[0]));
        } else if (settled) {
            QCOMPARE(listing.last("bad", "loss"), 0.75);
            QCOMPARE(said.size(), 1);
            QVERIFY2(said[0].contains("past the end of a file no longer written"),
                     qPrintable(said[0]));
        } else {
            QCOMPARE(listing.last("bad", "loss"), 0.75);
            QVERIFY2(said.isEmpty(), qPrintable(said.join('\n')));  // being written: no damage
        }
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // An event file bigger than the 8 MB pieces it is read in: every record is read across
    // the pieces' edges (one record bigger than a piece among them), and damage just before an
    // edge is said once, as in a small file, the records after it read.
    void tfeventsBiggerThanAReadPiece() {
        QTemporaryDir tmp;
        // Run "damaged": 30 junk bytes just before the first piece's edge. Run "blob": an
        // Event with a 9 MB field no reader knows (skipped, as protobuf does) across it.
        QHash<QString, int64_t> points;
        size_t damagedAt = 0;
        for (const QString run : {"damaged", "blob"}) {
            std::string file;
            tfwriter::appendRecord(file, tfwriter::fileVersionEvent(1700000000));
            int64_t& steps = points[run];
            auto scalarsUpTo = [&](size_t bytes) {
                for (; file.size() < bytes; ++steps)
                    tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000001, steps, "loss",
                                                                       float(steps % 64) / 8));
            };
            if (run == u"damaged") {
                scalarsUpTo((size_t(8) << 20) - 200);
                damagedAt = file.size();
                file += std::string(30, 'j');  // lost framing: found again 30 bytes on
            } else {
                scalarsUpTo(size_t(4) << 20);
                std::string blob;
                tfwriter::doubleField(blob, 1, 1700000002);
                tfwriter::bytesField(blob, 15, std::string(size_t(9) << 20, 'b'));
                tfwriter::appendRecord(file, blob);
            }
            scalarsUpTo(size_t(20) << 20);
            tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000003, steps++, "loss", 0.75f));
            const QString path = tmp.path() + u'/' + run + "/events.out.tfevents.1.host";
            writeFile(path, QByteArray::fromStdString(file));
            age(path);
        }
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 2);
        for (const QString run : {"damaged", "blob"}) {
            QCOMPARE(listing.last(run, "loss"), 0.75);
            QCOMPARE(listing.run(run)["metrics"].toObject()["loss"].toObject()["count"].toInteger(),
                     points[run]);
        }
        QCOMPARE(listing.problems().size(), 1);
        const QStringList said = listing.problemsNaming("damaged/events.out.tfevents.1.host");
        QCOMPARE(said.size(), 1);
        QVERIFY2(said[0].contains(QStringLiteral("offset %1 is damaged").arg(damagedAt)) &&
                     said[0].contains("30 bytes were skipped"),
                 qPrintable(said[0]));
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // A folder whose name is not UTF-8 cannot be kept in a path: skipped, and said, for the
    // simple loggers, TensorBoard and plain project folders alike.
    void nonUtf8FolderNames_data() {
        QTest::addColumn<QString>("layout");
        QTest::newRow("csv run") << "csv";
        QTest::newRow("tensorboard run") << "tensorboard";
        QTest::newRow("project folder") << "folder";
    }
    void nonUtf8FolderNames() {
        QFETCH(QString, layout);
        QTemporaryDir tmp;
        const QByteArray bad = badName(tmp.path());
        QVERIFY(mkdir(bad.constData(), 0755) == 0);
        // QTemporaryDir cannot remove a name that is not UTF-8: remove it by its bytes.
        const auto removeBad = qScopeGuard([&] { std::filesystem::remove_all(bad.constData()); });
        QByteArray inside = bad + "/metrics.csv";
        if (layout == u"tensorboard") {
            writeTfEvents(tmp.path() + "/good/events.out.tfevents.1.host", 0.25);
            inside = bad + "/events.out.tfevents.2.host";
        } else {
            scriptRun(tmp.path() + "/good");
            if (layout == u"folder") {
                QVERIFY(mkdir((bad + "/run").constData(), 0755) == 0);
                inside = bad + "/run/metrics.csv";
            }
        }
        FILE* raw = fopen(inside.constData(), "w");
        QVERIFY(raw);
        fputs("step,loss\n1,0.5\n", raw);
        fclose(raw);
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.last("good", "loss"), 0.25);
        const QStringList said = listing.problemsNaming("not valid UTF-8");
        QVERIFY2(said.size() == 1, qPrintable(listing.allProblems()));
        QVERIFY2(said[0].contains(u"run-\uFFFD"), qPrintable(said[0]));
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // Links to `/` and /proc inside a project are not walked (as root, /proc/<pid>/cwd led
    // into other processes); a link to a folder outside on the same file system is; `sources`
    // says what was skipped and why.
    void linksOutOfTheProject() {
        QTemporaryDir tmp, elsewhere;
        scriptRun(tmp.path() + "/good");
        scriptRun(elsewhere.path() + "/outside");
        link("/", tmp.path() + "/root");
        link("/proc", tmp.path() + "/proc");
        link("/proc/self/cwd", tmp.path() + "/cwd");
        link(elsewhere.path(), tmp.path() + "/shared");
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path(), 30000);
        QVERIFY(listing.finished);
        QCOMPARE(listing.runs().size(), 2);
        QCOMPARE(listing.last("good", "loss"), 0.25);
        QCOMPARE(listing.last("outside", "loss"), 0.25);
        const Listing sources = runCliWithin({"sources", tmp.path(), "--format", "json"}, 30000);
        QStringList skipped;
        for (const QJsonValue& s : sources.doc["skipped"].toArray())
            skipped << QFileInfo(s["path"].toString()).fileName() + ": " + s["reason"].toString();
        skipped.sort();
        QCOMPARE(skipped.size(), 3);
        QVERIFY2(skipped[0].startsWith("cwd: ") && skipped[0].contains("system folder"),
                 qPrintable(skipped[0]));
        QVERIFY2(skipped[1].startsWith("proc: ") && skipped[1].contains("system folder"),
                 qPrintable(skipped[1]));
        QVERIFY2(skipped[2].startsWith("root: ") && skipped[2].contains("holding the project"),
                 qPrintable(skipped[2]));
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    // A link to a folder on another file system is not followed (when the machine has one
    // the test can write to), and `sources` says so.
    void linkToAnotherFileSystem() {
        QString other;
        for (const char* candidate : {"/run", "/dev/shm"}) {
            struct stat a, b;
            if (stat(candidate, &a) == 0 && stat("/tmp", &b) == 0 && a.st_dev != b.st_dev &&
                access(candidate, W_OK) == 0 && !QByteArray(candidate).startsWith("/dev"))
                other = QString::fromLatin1(candidate);
        }
        if (other.isEmpty()) QSKIP("no writable folder on another file system");
        QTemporaryDir tmp, far(other + "/runlens-XXXXXX");
        scriptRun(tmp.path() + "/good");
        scriptRun(far.path() + "/far");
        link(far.path(), tmp.path() + "/far");
        const Listing sources = runCliWithin({"sources", tmp.path(), "--format", "json"}, 30000);
        QVERIFY(sources.finished);
        const QJsonArray skipped = sources.doc["skipped"].toArray();
        QCOMPARE(skipped.size(), 1);
        QVERIFY(skipped[0]["reason"].toString().contains("another file system"));
        QCOMPARE(listRuns(tmp.path()).runs().size(), 1);
    }

    // "Nothing could be read" is exit 1 with the reason on stderr, whether nothing was found
    // or what was found could not be read; an empty store read cleanly is exit 0.
    void exitCodesAgree_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty folder") << "empty" << 1 << "no runs found under";
        QTest::newRow("garbage mlflow.db") << "garbage" << 1 << "mlflow.db is not an SQLite";
        QTest::newRow("damaged mlflow.db") << "damaged" << 1 << "cannot be read by SQLite";
        QTest::newRow("empty store") << "store" << 0 << "";
    }
    void exitCodesAgree() {
        QFETCH(QString, layout);
        QFETCH(int, exitCode);
        QFETCH(QString, reason);
        QTemporaryDir tmp;
        const QString db = tmp.path() + "/mlflow.db";
        if (layout == u"garbage") writeFile(db, "name,value\nlr,0.1\n");
        if (layout == u"damaged")
            writeFile(db, QByteArray("SQLite format 3\0", 16) + QByteArray(4000, '\x7f'));
        if (layout == u"store")
            executeSql(db,
                       "CREATE TABLE experiments(experiment_id, name, lifecycle_stage);"
                       "CREATE TABLE runs(run_uuid, name, status, start_time, end_time, "
                       "lifecycle_stage, experiment_id);"
                       "CREATE TABLE metrics(run_uuid, key, value, timestamp, step, is_nan);"
                       "CREATE TABLE params(run_uuid, key, value);"
                       "CREATE TABLE tags(run_uuid, key, value);");
        for (const char* command : {"runs", "sources"}) {
            const Listing cli = runCliWithin({command, tmp.path()}, 30000);
            QVERIFY(cli.finished);
            QCOMPARE(cli.exitCode, exitCode);
            if (!reason.isEmpty()) QVERIFY2(cli.err.contains(reason.toUtf8()), cli.err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestHostileRecords)
#include "tst_hostile_records.moc"
