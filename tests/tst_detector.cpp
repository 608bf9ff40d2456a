// Detection: `runlens-cli sources PATH` finds every format's stores under PATH (depth-bounded,
// symlink loops harmless, tool folders skipped) or PATH itself, each claimed by one format of
// the registry; where two could claim the same file, the registry's scores decide.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"
#include "project/Detector.h"
#include "project/FormatRegistry.h"

using namespace runlens;
using namespace testsupport;

class TestDetector : public QObject {
    Q_OBJECT

    static QStringList found(const QString& path, int maxDepth = 8) {
        DetectOptions options;
        options.maxDepth = maxDepth;
        const DetectResult result = detectSources(path, options);
        QStringList out;
        for (const SourcePtr& s : result.sources)
            out << s->kind() + u' ' + s->root().mid(path.size());
        out.sort();
        return out;
    }

private slots:
    void mixedProjectFolder() {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        QDir().mkpath(root + "/team/a");
        QDir().mkpath(root + "/team/b/deeper");
        extractMlruns("v1_30", root + "/team/a");
        copyFixture("mlflow/v3_11/mlflow.db", root + "/team/b/deeper");
        copyFixture("mlflow/v2_21/mlflow.db", root,
                    "tracking.sqlite");   // any name, found by its tables
        QFile notes(root + "/notes.db");  // a .db that is not MLflow's: ignored, not a problem
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("just text");
        notes.close();
        // Tool folders are not searched, even if they hold a store.
        QDir().mkpath(root + "/.venv/lib");
        extractMlruns("v2_21", root + "/.venv/lib");
        QDir().mkpath(root + "/node_modules/x");
        copyFixture("mlflow/v3_11/mlflow.db", root + "/node_modules/x");
        QVERIFY(QFile::link(root, root + "/team/loop"));  // a loop back to the top

        QCOMPARE(found(root),
                 (QStringList{"mlflow-file /team/a/mlruns", "mlflow-sql /team/b/deeper/mlflow.db",
                              "mlflow-sql /tracking.sqlite"}));
        QCOMPARE(found(root, 1), QStringList{"mlflow-sql /tracking.sqlite"});

        // The CLI reports the same, with run counts.
        const CliResult cli = runCli({"sources", root});
        QCOMPARE(cli.exitCode, 0);
        const QString out = QString::fromUtf8(cli.out);
        QVERIFY2(
            out.contains(QRegularExpression("mlflow-file +9 runs +" +
                                            QRegularExpression::escape(root + "/team/a/mlruns"))),
            qPrintable(out));
        QVERIFY2(out.contains(QRegularExpression(
                     "mlflow-sql +10 runs +" +
                     QRegularExpression::escape(root + "/team/b/deeper/mlflow.db"))),
                 qPrintable(out));
    }

    void sourcesJson() {
        QTemporaryDir tmp;
        extractMlruns("v1_11", tmp.path());
        QFile broken(tmp.path() + "/mlflow.db");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.close();
        const CliResult cli = runCli({"sources", tmp.path(), "--format", "json"});
        QCOMPARE(cli.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(cli.out).object();
        const QJsonArray sources = doc["sources"].toArray();
        QCOMPARE(sources.size(), 2);
        QMap<QString, int> runsByKind;
        for (const QJsonValue& s : sources)
            runsByKind.insert(s.toObject()["kind"].toString(), s.toObject()["runs"].toInt());
        QCOMPARE(runsByKind, (QMap<QString, int>{{"mlflow-file", 9}, {"mlflow-sql", 0}}));
        const QJsonArray problems = doc["problems"].toArray();
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems[0].toObject()["path"].toString(), tmp.path() + "/mlflow.db");
    }

    void pathItselfIsAStore() {
        QTemporaryDir tmp;
        const QString mlruns = extractMlruns("v3_11", tmp.path());
        QCOMPARE(found(mlruns), QStringList{"mlflow-file "});
        const QString db = copyFixture("mlflow/v1_11/mlflow.db", tmp.path(), "anything.bin");
        QCOMPARE(found(db), QStringList{"mlflow-sql "});
    }

    // One folder holding every local format: each is found once, by its own format.
    void everyFormatBesideTheOthers() {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        extractMlruns("v1_30", root);
        copyFixture("mlflow/v3_11/mlflow.db", root);
        QDir().mkpath(root + "/optuna");
        copyFixture("optuna/sqlite/optuna.db", root + "/optuna");
        copyFixture("optuna/journal/journal.log", root + "/optuna");
        copyTree(fixtures() + "/tensorboard/pt_scalars", root + "/runs");
        copyTree(demoProject() + "/wandb", root + "/wandb");
        copyTree(demoProject() + "/comet", root + "/comet");
        copyTree(demoProject() + "/loggers", root + "/loggers");
        QDir().mkpath(root + "/exports");
        copyTree(fixtures() + "/neptune/exporter/duckdb/data", root + "/exports/data");
        // One .neptune folder holding neptune-client journals and neptune-scale databases.
        copyTree(fixtures() + "/neptune/neptune-client-1.14.0/.neptune", root + "/.neptune");
        for (const QString& run : QDir(fixtures() + "/neptune/neptune-scale-0.25.1/.neptune")
                                      .entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            copyTree(fixtures() + "/neptune/neptune-scale-0.25.1/.neptune/" + run,
                     root + "/.neptune/" + run);
        const QStringList kinds = [&] {
            QStringList out;
            for (const QString& line : found(root))
                out << line.section(u' ', 0, 0);
            out.removeDuplicates();
            out.sort();
            return out;
        }();
        QStringList every;  // of files: servers' formats read URLs only
        for (const Format& format : formats())
            if (format.schemes.isEmpty()) every << format.kind;
        every.sort();
        QCOMPARE(kinds, every);
        QVERIFY(found(root).contains("tensorboard /runs"));
        QVERIFY(found(root).contains("wandb /wandb"));
        QVERIFY(found(root).contains("optuna-sql /optuna/optuna.db"));
        QVERIFY(found(root).contains("optuna-journal /optuna/journal.log"));
        QCOMPARE(found(root).count(QStringLiteral("csv ")), 1);  // one source for all loggers
        QVERIFY(found(root).contains("neptune-client /.neptune"));
        QVERIFY(found(root).contains(
            "neptune-export /exports/data/acme-vision_cifar100-sweeps-1b93e02f9cc64918"));
        QVERIFY(found(root).contains("neptune-scale /.neptune"));
    }

    // Neptune's local runs beside MLflow and TensorBoard runs: every run of each is listed,
    // Neptune's as any other (issue 18, point 4). Opened on its own, a Neptune folder, run
    // folder or database is read by its format.
    void neptuneBesideMlflowAndTensorBoard() {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        extractMlruns("v1_30", root);
        copyTree(fixtures() + "/tensorboard/pt_scalars", root + "/runs");
        const QString neptune = root + "/train/.neptune";
        QDir().mkpath(root + "/train");
        copyTree(fixtures() + "/neptune/neptune-client-1.14.0/.neptune", neptune);
        const QString legacy = "/offline/run__a4899108-5b11-481b-b18f-d5c197abeca1";
        copyTree(fixtures() + "/neptune/neptune-client-0.16.18/.neptune" + legacy,
                 neptune + legacy);
        const QString scale = fixtures() + "/neptune/neptune-scale-0.25.1/.neptune";
        for (const QString& run : QDir(scale).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            copyTree(scale + u'/' + run, neptune + u'/' + run);
        QCOMPARE(found(root), (QStringList{"mlflow-file /mlruns", "neptune-client /train/.neptune",
                                           "neptune-scale /train/.neptune", "tensorboard /runs"}));
        const QMap<QString, Run> runs = runsByName(root);
        QMap<QString, int> perKind;
        for (const Run& run : runs)
            ++perKind[run.sourceKind];
        QCOMPARE(perKind.value("neptune-client"), 4);
        QCOMPARE(perKind.value("neptune-scale"), 2);
        QCOMPARE(perKind.value("mlflow-file"), runsByName(root + "/mlruns").size());
        QCOMPARE(perKind.value("tensorboard"), runsByName(root + "/runs").size());
        QVERIFY(runs.contains("legacy-0x-run") && runs.contains("exp-finetune"));
        QCOMPARE(runs["exp-finetune"].parentId, runs["exp-baseline"].id);

        QCOMPARE(found(neptune + "/offline"), QStringList{"neptune-client "});
        QCOMPARE(found(neptune + legacy), QStringList{"neptune-client "});
        const QString scaleRun = neptune + "/demo-ws_runlens-demo_scale-run-b_1796140103773337088";
        QCOMPARE(found(scaleRun), QStringList{"neptune-scale "});
        QCOMPARE(found(scaleRun + "/run_operations.sqlite3"), QStringList{"neptune-scale "});
        QCOMPARE(runsByName(scaleRun).keys(), QStringList{"exp-finetune"});
    }

    // Where formats could claim the same path, the registry's scores decide: Optuna's tables
    // or journal lines win over a name; a file named on the command line is read by the
    // format that claims its content, and a folder of one run by that run's format.
    // A URL is one candidate, offered only to the formats of its scheme, never looked for on
    // disk; an unknown scheme says which ones RunLens reads.
    void urlsGoToTheirFormats() {
        DetectResult result = detectSources("https://mlflow.example.com/team/#/experiments/4");
        QCOMPARE(int(result.sources.size()), 1);
        QCOMPARE(result.sources[0]->kind(), QStringLiteral("mlflow-rest"));
        QCOMPARE(result.sources[0]->root(), QStringLiteral("https://mlflow.example.com/team"));
        QVERIFY(result.problems.isEmpty());
        result = detectSources("gopher://example.com/runs");
        QVERIFY(result.sources.empty());
        QCOMPARE(int(result.problems.size()), 1);
        QVERIFY2(result.problems[0].message.startsWith(
                     "RunLens reads no store at gopher:// addresses (it reads http://, https://"),
                 qPrintable(result.problems[0].message));
        QCOMPARE(urlScheme("HTTP://x"), QStringLiteral("http"));
        QCOMPARE(urlScheme("/data/http://x"), QString());
        QCOMPARE(urlScheme("runs:2024"), QString());
    }

    void ambiguousPathsAreDecidedByScore() {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        const QString optunaNamedMlflow = copyFixture("optuna/sqlite/optuna.db", root, "mlflow.db");
        QCOMPARE(found(optunaNamedMlflow), QStringList{"optuna-sql "});
        QDir().mkpath(root + "/j");
        const QString journalNamedMlflow =
            copyFixture("optuna/journal/journal.log", root + "/j", "mlflow.db");
        QCOMPARE(found(journalNamedMlflow), QStringList{"optuna-journal "});
        QCOMPARE(found(root + "/j"), QStringList{"optuna-journal /mlflow.db"});
        // A journal with another suffix is not read as a journal unless it is one.
        QFile text(root + "/notes.log");
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("epoch,loss\n0,1.5\n1,1.2\n");  // Keras's CSVLogger writes .log files too
        text.close();
        QCOMPARE(found(root + "/notes.log"), QStringList{"csv "});
        // One TensorBoard event file named on its own, and one run's folder.
        const QString run = copyTree(fixtures() + "/tensorboard/pt_scalars/lr_0.1", root + "/lr");
        const QString event = QDir(run).entryList({"*tfevents*"}).first();
        QCOMPARE(found(run + u'/' + event), QStringList{"tensorboard "});
        QCOMPARE(found(run), QStringList{"tensorboard "});
        // A corrupt database with a database's suffix is said, and not taken for a store.
        QFile broken(root + "/broken.sqlite");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(QByteArray("SQLite format 3\0", 16) + QByteArray(4000, 'x'));
        broken.close();
        DetectResult result = detectSources(root);
        bool said = false;
        for (const Problem& p : result.problems)
            said |= p.path == root + "/broken.sqlite";
        QVERIFY(said);
    }

    // A Neptune export beside MLflow and TensorBoard runs: every run in one listing, Neptune's
    // with their fractional steps, through the CLI as a user would.
    void neptuneExportBesideMlflowAndTensorBoard() {
        QTemporaryDir tmp;
        const QString root = tmp.path();
        extractMlruns("v1_30", root);
        copyTree(fixtures() + "/tensorboard/pt_scalars", root + "/runs");
        copyTree(fixtures() + "/neptune/exporter/pyarrow-layout", root + "/neptune");
        const QString project = "/neptune/data/acme-vision_cifar100-sweeps-1b93e02f9cc64918";
        QCOMPARE(found(root), (QStringList{"mlflow-file /mlruns", "neptune-export " + project,
                                           "tensorboard /runs"}));
        // Opened on the export's project folder, or on the exporter's data folder.
        QCOMPARE(found(root + project), QStringList{"neptune-export "});
        QCOMPARE(found(root + "/neptune/data"),
                 QStringList{"neptune-export /acme-vision_cifar100-sweeps-1b93e02f9cc64918"});

        const CliResult cli = runCli({"runs", root, "--format", "json"});
        QCOMPARE(cli.exitCode, 0);
        const QJsonArray runs = QJsonDocument::fromJson(cli.out).object()["runs"].toArray();
        QMap<QString, int> bySource;
        QJsonObject vit;
        for (const QJsonValue& r : runs) {
            ++bySource[r["source"].toString()];
            if (r["name"] == "vit-b16-finetune") vit = r.toObject();
        }
        QCOMPARE(bySource.value("neptune-export"), 4);
        QVERIFY(bySource.value("mlflow-file") > 0);
        QVERIFY(bySource.value("tensorboard") > 0);
        QCOMPARE(vit["native_id"].toString(), QStringLiteral("vit-b16-ft@2025-03-02T10.15"));
        QCOMPARE(vit["status"].toString(), QStringLiteral("finished"));
        QCOMPARE(vit["params"].toObject()["parameters/seed"].toString(),
                 QStringLiteral("9007199254740993"));
        QCOMPARE(vit["metrics"].toObject()["train/loss"].toObject()["step"].toInteger(), 3000);
        QVERIFY(!vit["parent_id"].isNull());
        const CliResult history = runCli({"history", root, "--run", vit["id"].toString(),
                                          "--metric", "train/epoch_progress", "--format", "csv"});
        QCOMPARE(history.exitCode, 0);
        QVERIFY2(history.out.contains("\r\n600.333333,"), history.out.left(200).constData());
        QVERIFY(history.out.contains("\r\n600.666667,"));
    }

    void emptyFolderFindsNothing() {
        QTemporaryDir tmp;
        QCOMPARE(found(tmp.path()), QStringList{});
        const CliResult cli = runCli({"sources", tmp.path()});
        QCOMPARE(cli.exitCode, 1);
        QVERIFY(cli.out.contains("no sources found"));
    }
};

QTEST_GUILESS_MAIN(TestDetector)
#include "tst_detector.moc"
