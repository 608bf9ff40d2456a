// Bad input costs only its own run or source, with one clear problem message; everything
// else loads (DESIGN.md, "Bad input").

#include <sys/stat.h>
#include <unistd.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"

using namespace runlens;
using namespace testsupport;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QStringList problemsMentioning(const Problems& problems, const QString& needle) {
    QStringList out;
    for (const Problem& p : problems)
        if (p.path.contains(needle) || p.message.contains(needle))
            out << p.path + QStringLiteral(": ") + p.message;
    return out;
}

}  // namespace

class TestBadInput : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_mlruns;

private slots:
    void init() {
        QDir(m_tmp.path()).removeRecursively();
        QDir().mkpath(m_tmp.path());
        m_mlruns = extractMlruns(QStringLiteral("v3_11"), m_tmp.path());
    }

    void truncatedAndGarbageMetricLines() {
        const QString child = runDir(m_mlruns, "child-lr-0.1");
        QFile loss(child + "/metrics/train/loss");
        QVERIFY(loss.open(QIODevice::Append));
        loss.write(
            "1795811563300 0.25 50\nthis is not a metric line\n1795811563301 0.2 5");  // garbage,
                                                                                       // then a
                                                                                       // cut-off
                                                                                       // last line
        loss.close();
        // A run that crashed mid-line an hour ago: its last line is not being written.
        QVERIFY(loss.open(QIODevice::ReadWrite));
        QVERIFY(loss.setFileTime(QDateTime::currentDateTime().addSecs(-3600),
                                 QFileDevice::FileModificationTime));
        loss.close();
        const QString acc = child + "/metrics/val/acc";
        writeFile(acc, "1795811563194 0.5 0\n1795811563195 oops 1\n1795811563196 0.7 2\n");

        const LoadedProject project = loadProject(m_mlruns, {});
        QCOMPARE(project.delta.runs.size(), size_t(10));  // nothing else lost
        const Run* run = nullptr;
        for (const Run& r : project.delta.runs)
            if (r.name == u"child-lr-0.1") run = &r;
        QVERIFY(run);
        // The good lines count; the cut-off "…0.2 5" still parses as a point (MLflow reads it too).
        QCOMPARE(run->metrics["train/loss"].count, 52);
        QCOMPARE(run->metrics["train/loss"].step, 50);
        QCOMPARE(run->metrics["train/loss"].last, 0.25);
        QCOMPARE(run->metrics["val/acc"].count, 2);
        QCOMPARE(run->metrics["val/acc"].last, 0.7);
        QCOMPARE(run->problems.size(), 2);  // one sentence per damaged file
        QVERIFY(run->problems[0].contains(u"metrics/train/loss line 52"));
        QVERIFY(run->problems[1].contains(u"metrics/val/acc line 2"));
        QCOMPARE(problemsMentioning(project.delta.problems, "metrics/").size(), 2);
        // The same cut-off line in a file written a moment ago is a line being written: held
        // back, in the summary and the history alike, until it ends or the file settles.
        QVERIFY(loss.open(QIODevice::Append));
        loss.write("\n1795811563302 0.1 6");
        loss.close();
        const LoadedProject fresh = loadProject(m_mlruns, {});
        for (const Run& r : fresh.delta.runs) {
            if (r.name != u"child-lr-0.1") continue;
            QCOMPARE(r.metrics["train/loss"].count, 52);  // "…0.2 5" now ended; "…0.1 6" held
            Source* source = fresh.sourceFor(r);
            QCOMPARE(qint64(source->loadHistory(r, QStringLiteral("train/loss")).series.size()),
                     r.metrics["train/loss"].count);
        }
        // The history skips the same lines and keeps the rest in order.
        const HistoryResult history = project.sourceFor(*run)->loadHistory(*run, "val/acc");
        QCOMPARE(history.series.values, (std::vector<double>{0.5, 0.7}));
        QCOMPARE(history.problems.size(), 1);
    }

    void garbageMetaYaml() {
        const QString crashed = runDir(m_mlruns, "crashed");
        writeFile(crashed + "/meta.yaml", "run_id: [unclosed\n  : : {\n");
        const LoadedProject project = loadProject(m_mlruns, {});
        QCOMPARE(project.delta.runs.size(), size_t(10));
        const Run* run = nullptr;
        for (const Run& r : project.delta.runs)
            if (r.location == crashed) run = &r;
        QVERIFY(run);
        QCOMPARE(run->status, RunStatus::Unknown);
        QCOMPARE(run->name, QStringLiteral("crashed"));  // still named by its mlflow.runName tag
        QCOMPARE(run->problems.size(), 1);
        QVERIFY2(run->problems[0].startsWith(u"meta.yaml is not valid YAML"),
                 qPrintable(run->problems[0]));
        QCOMPARE(run->metrics["train/loss"].last, 1.5);  // its metrics are still read
    }

    void runFolderWithoutMetaYaml() {
        const QString killed = runDir(m_mlruns, "killed");
        QVERIFY(QFile::remove(killed + "/meta.yaml"));
        const LoadedProject project = loadProject(m_mlruns, {});
        QCOMPARE(project.delta.runs.size(), size_t(9));
        const QStringList problems =
            problemsMentioning(project.delta.problems, QFileInfo(killed).fileName());
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].contains(u"no meta.yaml"), qPrintable(problems[0]));
    }

    void experimentWithGarbageMetaYaml() {
        const QString child = runDir(m_mlruns, "child-lr-0.1");
        const QString experimentDir = QFileInfo(child).dir().absolutePath();
        writeFile(experimentDir + "/meta.yaml", "\x01\x02 not yaml: [");
        const LoadedProject project = loadProject(m_mlruns, {});
        QCOMPARE(project.delta.runs.size(), size_t(10));
        QCOMPARE(problemsMentioning(project.delta.problems, "Experiment meta.yaml").size(), 1);
    }

    // Unreadable files: as root every file is readable, so the check runs the CLI as
    // `nobody` through setpriv; the unreadable run keeps the rest of its values.
    void fileWithMode000() {
        const QString child = runDir(m_mlruns, "child-lr-0.01");
        const QString loss = child + "/metrics/train/loss";
        QVERIFY(chmod(loss.toLocal8Bit().constData(), 0) == 0);
        QStringList prefix;
        if (geteuid() == 0) {
            // nobody must be able to walk to the project.
            for (QString dir = m_mlruns; dir.size() > 1; dir = QFileInfo(dir).dir().absolutePath())
                chmod(dir.toLocal8Bit().constData(), 0755);
            QProcess::execute("chmod", {"-R", "a+rX", m_tmp.path()});
            QVERIFY(chmod(loss.toLocal8Bit().constData(), 0) == 0);
            prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
        }
        const CliResult cli = runCli({"runs", m_mlruns, "--format", "json"}, cliPath(), prefix);
        QCOMPARE(cli.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(cli.out).object();
        const QJsonArray runs = doc["runs"].toArray();
        QCOMPARE(runs.size(), 10);
        for (const QJsonValue& v : runs) {
            const QJsonObject run = v.toObject();
            if (run["name"].toString() != u"child-lr-0.01") continue;
            QVERIFY(!run["metrics"].toObject().contains("train/loss"));
            QCOMPARE(run["metrics"].toObject()["val/acc"].toObject()["last"].toDouble(),
                     0.5416755481230395);
            QCOMPARE(run["params"].toObject()["lr"].toString(), QStringLiteral("0.01"));
            const QJsonArray problems = run["problems"].toArray();
            QCOMPARE(problems.size(), 1);
            QVERIFY2(problems[0].toString().contains(
                         u"metrics/train/loss cannot open: Permission denied"),
                     qPrintable(problems[0].toString()));
        }
    }

    void symlinkLoops() {
        // A loop at the project level and one inside a run's params folder.
        QVERIFY(QFile::link(m_tmp.path(), m_tmp.path() + "/loop"));
        const QString child = runDir(m_mlruns, "child-lr-0.1");
        QVERIFY(QFile::link(child + "/params", child + "/params/again"));
        const LoadedProject project = loadProject(m_tmp.path(), {});
        QCOMPARE(project.sources.size(), size_t(1));
        QCOMPARE(project.delta.runs.size(), size_t(10));
        for (const Run& r : project.delta.runs)
            if (r.name == u"child-lr-0.1") QCOMPARE(r.params.size(), 3);
    }

    void brokenDatabases_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("0 bytes") << QByteArray()
                                 << "mlflow.db is empty (0 bytes), not an SQLite database";
        QTest::newRow("not SQLite")
            << QByteArray("name,value\nlr,0.1\n") << "mlflow.db is not an SQLite database";
        QTest::newRow("SQLite header, rest cut")
            << QByteArray("SQLite format 3\0\x10\0", 19) << "mlflow.db";
    }
    void brokenDatabases() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, sentence);
        writeFile(m_tmp.path() + "/mlflow.db", bytes);
        const LoadedProject project = loadProject(m_tmp.path(), {});
        QCOMPARE(project.sources.size(), size_t(2));  // the mlruns folder and the broken database
        QCOMPARE(project.delta.runs.size(), size_t(10));
        const QStringList problems = problemsMentioning(project.delta.problems, "mlflow.db");
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].contains(sentence), qPrintable(problems[0]));
        QVERIFY(problems[0].contains(u"no runs were read"));
    }

    void sqliteWithoutMlflowTables() {
        executeSql(m_tmp.path() + "/mlflow.db", "create table t(x); insert into t values(1);");
        const LoadedProject project = loadProject(m_tmp.path(), {});
        const QStringList problems = problemsMentioning(project.delta.problems, "mlflow.db");
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems[0].contains(u"without MLflow's tables"), qPrintable(problems[0]));
        QCOMPARE(project.delta.runs.size(), size_t(10));
    }

    void missingPathIsOneProblem() {
        const LoadedProject project = loadProject(m_tmp.path() + "/nope", {});
        QCOMPARE(project.sources.size(), size_t(0));
        QCOMPARE(project.delta.problems.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
