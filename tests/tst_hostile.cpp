// Hostile input that used to crash or hang the process (issue 15, points 1-4): YAML aliases
// that expand forever, JSON nested past any stack, endless files and FIFOs named like data.
// Each case is a folder holding one bad input beside one good run of the same format; the
// listing must finish, list the good run with its values, name the bad file in exactly one
// problem, and leave every byte of the folder as it was.

#include <QTest>

#include "HostileInputs.h"
#include "TestSupport.h"
#include "project/ProjectLoader.h"

using namespace runlens;
using namespace testsupport;
using namespace hostile;

namespace {

// The folder of a case: where the good run and the bad input go.
struct Case {
    QString project;
    QString goodRun;   // its name in the listing
    QString badFile;   // a name the one problem must contain
    QString sentence;  // what that problem must say
};

// Builds the folder of one layout with `bytes` as its bad config file. The good run's loss
// ends at 0.25 (every generator writes that history).
Case configCase(const QString& root, const QString& layout, const QByteArray& bytes) {
    if (layout == u"script params.yaml" || layout == u"script config.yaml") {
        const QString file = layout.section(u' ', 1);
        scriptRun(root + "/good");
        writeFile(root + "/bad/metrics.csv", "step,loss\n1,0.5\n");
        writeFile(root + "/bad/" + file, bytes);
        return {root, "good", file, {}};
    }
    if (layout == u"lightning hparams.yaml") {
        writeFile(root + "/lightning_logs/version_0/metrics.csv", "step,loss\n1,0.5\n2,0.25\n");
        writeFile(root + "/lightning_logs/version_0/hparams.yaml", "lr: 0.1\n");
        writeFile(root + "/lightning_logs/version_1/metrics.csv", "step,loss\n1,0.5\n");
        writeFile(root + "/lightning_logs/version_1/hparams.yaml", bytes);
        return {root, "lightning_logs/version_0", "version_1", {}};
    }
    if (layout == u"hydra config.yaml") {
        scriptRun(root + "/good");
        writeFile(root + "/good/.hydra/config.yaml", "lr: 0.1\n");
        writeFile(root + "/bad/metrics.csv", "step,loss\n1,0.5\n");
        writeFile(root + "/bad/.hydra/config.yaml", bytes);
        return {root, "good", "bad", {}};
    }
    if (layout == u"dvclive params.yaml") {
        writeFile(root + "/good/dvclive/params.yaml", "lr: 0.1\n");
        writeFile(root + "/good/dvclive/metrics.json", "{\"step\": 2, \"loss\": 0.25}");
        writeFile(root + "/bad/dvclive/params.yaml", bytes);
        writeFile(root + "/bad/dvclive/metrics.json", "{\"step\": 1, \"loss\": 0.5}");
        return {root, "good", "bad/dvclive", {}};
    }
    // W&B's files/config.yaml, beside two runs W&B wrote (their logs are the fixture's).
    const QString from = thirdPartyFixtures() + "/wandb/cs336_transformer/";
    QProcess::execute("cp", {"-r", from + "run-20260118_152851-lho82d58",
                             from + "run-20260118_160458-4s1rf4ay", root + "/"});
    QProcess::execute("chmod", {"-R", "u+w", root});
    writeFile(root + "/run-20260118_160458-4s1rf4ay/files/config.yaml", bytes);
    return {root, "", "run-20260118_160458-4s1rf4ay", {}};
}

void checkCase(const Case& c, const QMap<QString, QByteArray>& before, const Listing& listing,
               int runs) {
    QVERIFY2(listing.finished, "runlens-cli crashed or hung");
    QCOMPARE(listing.exitCode, 0);
    QCOMPARE(listing.runs().size(), runs);
    if (!c.goodRun.isEmpty()) QCOMPARE(listing.last(c.goodRun, "loss"), 0.25);
    const QStringList named = listing.problemsNaming(c.badFile);
    QVERIFY2(named.size() == 1, qPrintable(listing.allProblems()));
    QVERIFY2(named[0].contains(c.sentence), qPrintable(named[0]));
    QCOMPARE(fingerprint(c.project), before);
}

const QStringList kConfigLayouts = {"script params.yaml",     "script config.yaml",
                                    "lightning hparams.yaml", "hydra config.yaml",
                                    "dvclive params.yaml",    "wandb files/config.yaml"};

}  // namespace

class TestHostile : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QTemporaryDir settings;
        useOwnSettings(settings.path());
    }

    // 9 levels of 9 mapping aliases in every YAML that becomes params: bounded, said, and the
    // file's params dropped whole; the run and its metrics stay.
    void yamlLaughsInEveryConfigFile_data() {
        QTest::addColumn<QString>("layout");
        for (const QString& layout : kConfigLayouts)
            QTest::newRow(qPrintable(layout)) << layout;
    }
    void yamlLaughsInEveryConfigFile() {
        QFETCH(QString, layout);
        if (layout.contains(u"wandb")) REQUIRE_THIRD_PARTY(QStringLiteral("wandb"));
        QTemporaryDir tmp;
        Case c = configCase(tmp.path(), layout, yamlLaughs());
        c.sentence = "expands to more than 100000 keys";
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        checkCase(c, before, listing, 2);
        for (const QJsonValue& run : listing.runs())
            QVERIFY(run["params"].toObject().size() < 100);  // no half of the expansion
    }

    // The bounds one by one, in a script's params.yaml: keys (mapping aliases), text (one long
    // scalar aliased many times), depth (a mapping that is an alias of itself); and what is
    // not an expansion at all (sequences of aliases are shown as lists of "…"), and
    // `!!python/...` tags, which are text and never run.
    void yamlBounds_data() {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("sentence");  // empty: no problem
        QTest::newRow("mapping aliases") << yamlLaughs(9, 9) << "more than 100000 keys";
        QTest::newRow("scalar aliases") << yamlScalarLaughs(200000, 400) << "or 64 MB of text";
        QTest::newRow("alias of itself")
            << QByteArray("a: &a {x: *a, lr: 0.1}\n") << "nests deeper than 256 levels";
        QTest::newRow("sequence aliases") << yamlLaughs(9, 9, true) << "";
    }
    void yamlBounds() {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, sentence);
        QTemporaryDir tmp;
        Case c = configCase(tmp.path(), "script params.yaml", yaml);
        c.sentence = sentence;
        const auto before = fingerprint(tmp.path());
        const Listing listing = listRuns(tmp.path());
        if (!sentence.isEmpty()) return checkCase(c, before, listing, 2);
        QVERIFY(listing.finished);
        QCOMPARE(listing.problems().size(), 0);
        QCOMPARE(listing.run("bad")["params"].toObject().value("l9").toString(),
                 "[…, …, …, …, …, …, …, …, …]");
        QCOMPARE(fingerprint(tmp.path()), before);
    }

    void pythonTagsStayText() {
        QTemporaryDir tmp;
        const QString pwned = tmp.path() + "/pwned";
        configCase(tmp.path(), "script params.yaml",
                   "cmd: !!python/object/apply:os.system [\"touch " + pwned.toUtf8() +
                       "\"]\n"
                       "obj: !!python/object:argparse.Namespace {lr: 0.1}\n");
        const Listing listing = listRuns(tmp.path());
        QVERIFY(listing.finished);
        QCOMPARE(listing.problems().size(), 0);
        QVERIFY(!QFile::exists(pwned));
        const QJsonObject params = listing.run("bad")["params"].toObject();
        QCOMPARE(params["obj.lr"].toString(), "0.1");
        QVERIFY(params["cmd"].toString().contains("touch"));
    }

    // JSON nested 100,000 levels (objects and arrays) everywhere JSON is read, and a 300 KB
    // line of '[' in an Optuna journal (which must cost that line only).
    void deepJson_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<bool>("objects");
        for (const char* layout :
             {"params.json", "sacred config.json", "metrics.jsonl", "journal user attrs",
              "journal line of [", "comet messages.json", "wandb-summary.json"})
            for (const bool objects : {true, false})
                QTest::newRow(
                    qPrintable(QStringLiteral("%1 %2").arg(layout, objects ? "objects" : "arrays")))
                    << QString::fromLatin1(layout) << objects;
    }
    void deepJson() {
        QFETCH(QString, layout);
        if (layout.contains(u"wandb")) REQUIRE_THIRD_PARTY(QStringLiteral("wandb"));
        QFETCH(bool, objects);
        QTemporaryDir tmp;
        const QString root = tmp.path();
        const QByteArray deep = hostile::deepJson(100000, objects, layout != u"journal line of [");
        Case c{root, "good", {}, "nested more than 256 levels deep"};
        int runs = 2;
        if (layout == u"params.json" || layout == u"metrics.jsonl") {
            scriptRun(root + "/good");
            c.badFile = layout;
            if (layout == u"params.json") {
                writeFile(root + "/bad/metrics.csv", "step,loss\n1,0.5\n");
                writeFile(root + "/bad/params.json", deep);
            } else {
                writeFile(root + "/bad/metrics.jsonl", deep + "\n{\"step\": 1, \"loss\": 0.5}\n");
            }
        } else if (layout == u"sacred config.json") {
            for (const char* id : {"1", "2"}) {
                writeFile(root + "/" + id + "/run.json",
                          "{\"experiment\": {\"name\": \"exp\"}, \"status\": \"COMPLETED\"}");
                writeFile(root + "/" + id + "/metrics.json",
                          "{\"loss\": {\"steps\": [1, 2], \"values\": [0.5, 0.25]}}");
            }
            writeFile(root + "/1/config.json", "{\"lr\": 0.1}");
            writeFile(root + "/2/config.json", deep);
            c = {root, "exp #1", "config.json", c.sentence};
        } else if (layout.startsWith(u"journal")) {
            // The good trials are in the same journal: the bad line costs that line only.
            QFile good(fixtures() + "/optuna/journal/journal.log");
            QVERIFY(good.open(QIODevice::ReadOnly));
            const QByteArray lines = good.readAll();
            const qsizetype cut = lines.indexOf('\n', lines.size() / 2) + 1;
            const QByteArray bad = layout == u"journal user attrs"
                                       ? "{\"op_code\": 8, \"worker_id\": \"w\", \"trial_id\": 0, "
                                         "\"user_attr\": {\"x\": " +
                                             deep + "}}\n"
                                       : deep + '\n';
            writeFile(root + "/journal.log", lines.left(cut) + bad + lines.mid(cut));
            c = {root, "", "journal.log", "is not a journal operation (nested more than 256"};
            runs = 54;
        } else if (layout == u"comet messages.json") {
            const QByteArray metric =
                "{\"type\": \"metric_msg\", \"payload\": {\"metric\": "
                "{\"metricName\": \"loss\", \"metricValue\": 0.25, "
                "\"step\": 2}}}\n";
            cometArchive(root + "/good.zip", "{\"offline_id\": \"good\"}", metric);
            cometArchive(root + "/bad.zip", "{\"offline_id\": \"bad\"}", deep + "\n" + metric);
            c.badFile = "bad.zip";
        } else {
            configCase(root, "wandb files/config.yaml", "lr: {value: 0.1}\n");
            writeFile(root + "/run-20260118_160458-4s1rf4ay/files/wandb-summary.json", deep);
            c = {root, "", "run-20260118_160458-4s1rf4ay", c.sentence};
        }
        const auto before = fingerprint(root);
        checkCase(c, before, listRuns(root), runs);
    }

    // Files that never end (a link to /dev/zero or /dev/urandom) and FIFOs, named like every
    // kind of data file, in every reader: refused after a non-blocking open, said once.
    void endlessFilesAndFifos_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<QString>("kind");  // "fifo", "zero" or "urandom"
        const QList<QPair<const char*, const char*>> rows = {
            {"mlflow metric", "zero"}, {"mlflow param", "urandom"}, {"mlflow meta.yaml", "fifo"},
            {"mlflow tag", "fifo"},    {"metrics.csv", "fifo"},     {"metrics.csv", "zero"},
            {"params.json", "fifo"},   {"keras log", "fifo"},       {"optuna journal", "fifo"},
            {"database", "fifo"},      {"database", "zero"},        {"wandb log", "zero"},
            {"wandb log", "fifo"},     {"event file", "fifo"},      {"event file", "zero"},
            {"hydra config", "fifo"},  {"comet archive", "fifo"},
        };
        for (const auto& [layout, kind] : rows)
            QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(layout, kind)))
                << QString::fromLatin1(layout) << QString::fromLatin1(kind);
    }
    void endlessFilesAndFifos() {
        QFETCH(QString, layout);
        if (layout.contains(u"wandb")) REQUIRE_THIRD_PARTY(QStringLiteral("wandb"));
        QFETCH(QString, kind);
        QTemporaryDir tmp;
        const QString root = tmp.path();
        auto plant = [&](const QString& path) {
            QFile::remove(path);
            if (kind == u"fifo")
                makeFifo(path);
            else
                link("/dev/" + kind, path);
        };
        Case c{root, "good", {}, "is not a regular file"};
        int runs = 2;
        if (layout.startsWith(u"mlflow")) {
            mlflowRun(root + "/mlruns", "good");
            const QString bad = mlflowRun(root + "/mlruns", "bad");
            const QString file = layout.endsWith(u"metric")  ? "/metrics/loss"
                                 : layout.endsWith(u"param") ? "/params/lr"
                                 : layout.endsWith(u"tag")   ? "/tags/note"
                                                             : "/meta.yaml";
            plant(bad + file);
            c.badFile = file.mid(1);  // problems name it relative to its run folder
        } else if (layout == u"metrics.csv" || layout == u"params.json") {
            scriptRun(root + "/good");
            writeFile(root + "/bad/metrics.csv", "step,loss\n1,0.5\n");
            plant(root + "/bad/" + layout);
            c.badFile = layout;
        } else if (layout == u"keras log") {
            writeFile(root + "/good.log", "epoch,loss\n1,0.5\n2,0.25\n");
            plant(root + "/bad.log");
            c.badFile = "bad.log";
            runs = 1;
        } else if (layout == u"optuna journal") {
            copyFixture("optuna/journal/journal.log", root);
            plant(root + "/other.journal");
            c = {root, "", "other.journal", c.sentence};
            runs = 54;
        } else if (layout == u"database") {
            copyFixture("mlflow/v3_11/mlflow.db", root);
            plant(root + "/optuna.db");
            c = {root, "", "optuna.db", c.sentence};
            runs = 10;
        } else if (layout == u"wandb log") {
            configCase(root, "wandb files/config.yaml", "lr: {value: 0.1}\n");
            const QString dir = root + "/run-20260118_160458-4s1rf4ay";
            plant(dir + "/run-4s1rf4ay.wandb");
            c = {root, "", "run-4s1rf4ay.wandb", c.sentence};
            // A FIFO is not listed as a log (its folder is then no run); a link to a device is,
            // and its run stays with nothing read from it.
            runs = kind == u"fifo" ? 1 : 2;
        } else if (layout == u"event file") {
            writeTfEvents(root + "/good/events.out.tfevents.1.host", 0.25);
            plant(root + "/bad/events.out.tfevents.2.host");
            c.badFile = "events.out.tfevents.2.host";
        } else if (layout == u"hydra config") {
            scriptRun(root + "/good");
            writeFile(root + "/bad/metrics.csv", "step,loss\n1,0.5\n");
            plant(root + "/bad/.hydra/config.yaml");
            c.badFile = ".hydra/config.yaml";
        } else {
            cometArchive(root + "/good.zip", "{\"offline_id\": \"good\"}",
                         "{\"type\": \"metric_msg\", \"payload\": {\"metric\": {\"metricName\": "
                         "\"loss\", \"metricValue\": 0.25, \"step\": 2}}}\n");
            plant(root + "/bad.zip");
            c.badFile = "bad.zip";
            runs = 1;
        }
        const auto before = fingerprint(root);
        checkCase(c, before, listRuns(root, 30000), runs);
    }

    // An exception from a source (out of memory on a hostile file) is a problem of that
    // source, never the end of the listing or of the process.
    void exceptionsStopAtTheSource() {
        class Throwing : public Source {
        public:
            QString kind() const override { return "throwing"; }
            QString root() const override { return "/nowhere"; }
            ScanDelta scan(const ScanOptions&) override { throw std::bad_alloc(); }
            HistoryResult loadHistory(const Run&, const QString&) override {
                throw std::runtime_error("boom");
            }
        } source;
        const ScanDelta delta = scanGuarded(source, {});
        QCOMPARE(delta.problems.size(), 1);
        QVERIFY2(delta.problems[0].message.contains("std::bad_alloc"),
                 qPrintable(delta.problems[0].message));
        const HistoryResult history = loadHistoryGuarded(source, Run{}, "loss", 0);
        QVERIFY(!history.found);
        QCOMPARE(history.problems.size(), 1);
        QVERIFY(history.problems[0].message.contains("boom"));
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
