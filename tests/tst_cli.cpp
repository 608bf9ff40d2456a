// runlens-cli as scripts use it: documented JSON shape, exact CSV bytes, exit codes.

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "TestSupport.h"

using namespace runlens;
using namespace testsupport;

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_mlruns;
    QString m_db;

    QJsonObject runsJson(const QStringList& extra = {}) {
        const CliResult cli = runCli(QStringList{"runs", m_mlruns, "--format", "json"} + extra);
        if (cli.exitCode != 0) qFatal("runs failed: %s", cli.err.constData());
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(cli.out, &error);
        if (error.error != QJsonParseError::NoError)
            qFatal("not JSON: %s", qPrintable(error.errorString()));
        return doc.object();
    }

    static QJsonObject byName(const QJsonObject& doc, const QString& name) {
        for (const QJsonValue& v : doc["runs"].toArray())
            if (v.toObject()["name"].toString() == name) return v.toObject();
        return {};
    }

private slots:
    void initTestCase() {
        m_mlruns = extractMlruns("v3_11", m_tmp.path());
        m_db = copyFixture("mlflow/v3_11/mlflow.db", m_tmp.path());
    }

    void versionAndHelp() {
        const CliResult v = runCli({"--version"});
        QCOMPARE(v.exitCode, 0);
        QCOMPARE(v.out, QByteArray("runlens-cli " RUNLENS_VERSION "\n"));
        QCOMPARE(runCli({"--help"}).exitCode, 0);
    }

    void badArgumentsExitWithTwo_data() {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{"frobnicate", "."};
        QTest::newRow("no path") << QStringList{"runs"};
        QTest::newRow("bad format") << QStringList{"runs", ".", "--format", "xml"};
        QTest::newRow("csv for sources") << QStringList{"sources", ".", "--format", "csv"};
        QTest::newRow("history without run") << QStringList{"history", ".", "--metric", "m"};
        QTest::newRow("unknown option") << QStringList{"runs", ".", "--colour"};
    }
    void badArgumentsExitWithTwo() {
        QFETCH(QStringList, args);
        const CliResult cli = runCli(args);
        QCOMPARE(cli.exitCode, 2);
        QVERIFY(cli.err.startsWith("runlens-cli: "));
        QVERIFY(cli.out.isEmpty());
    }

    void nothingReadExitsWithOne() {
        const CliResult missing = runCli({"runs", m_tmp.path() + "/nope"});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.err.count('\n'), 1);
        QVERIFY(missing.err.contains("no such file or folder"));
        const CliResult noRun = runCli({"history", m_mlruns, "--run", "deadbeef", "--metric", "m"});
        QCOMPARE(noRun.exitCode, 1);
    }

    void runsJsonHasTheDocumentedShape() {
        const QJsonObject doc = runsJson();
        QCOMPARE(doc.keys(), (QStringList{"problems", "runs"}));
        const QJsonArray runs = doc["runs"].toArray();
        QCOMPARE(runs.size(), 10);
        const QStringList keys = {"deleted",  "end_time", "experiment", "id",     "location",
                                  "metrics",  "name",     "native_id",  "params", "parent_id",
                                  "problems", "source",   "start_time", "status", "tags"};
        for (const QJsonValue& v : runs)
            QCOMPARE(v.toObject().keys(), keys);

        const QJsonObject parent = byName(doc, "parent-sweep");
        const QJsonObject child = byName(doc, "child-lr-0.1");
        QCOMPARE(child["parent_id"].toString(), parent["id"].toString());
        QVERIFY(parent["parent_id"].isNull());
        QCOMPARE(child["source"].toString(), QStringLiteral("mlflow-file"));
        QCOMPARE(child["status"].toString(), QStringLiteral("finished"));
        QCOMPARE(child["native_id"].toString(), QStringLiteral("fdafd25bd57f4f60abe23b94b68a4f23"));
        QCOMPARE(child["id"].toString(),
                 RunId::make(u"mlflow-file", m_mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23").text());
        QCOMPARE(child["params"].toObject()["model/depth"].toString(), QStringLiteral("3"));
        const QJsonObject loss = child["metrics"].toObject()["train/loss"].toObject();
        QCOMPARE(loss.keys(), (QStringList{"count", "last", "max", "min", "step", "timestamp"}));
        QCOMPARE(loss["last"].toDouble(), 0.37531109885139957);
        QCOMPARE(loss["step"].toInteger(), 49);
        QCOMPARE(loss["count"].toInteger(), 50);
        QCOMPARE(byName(doc, "default-exp-run")["start_time"].toInteger(), 1700000000000);

        // Non-finite numbers are strings, so the output stays JSON.
        const QJsonObject m = byName(doc, "odd-values")["metrics"].toObject()["m"].toObject();
        QCOMPARE(m["last"].toString(), QStringLiteral("-Infinity"));
        QCOMPARE(m["min"].toString(), QStringLiteral("-Infinity"));
        QCOMPARE(m["max"].toString(), QStringLiteral("Infinity"));
    }

    void includeDeletedAndFilter() {
        const QJsonObject all = runsJson({"--include-deleted"});
        QCOMPARE(all["runs"].toArray().size(), 12);
        QVERIFY(byName(all, "to-be-deleted")["deleted"].toBool());
        QVERIFY(!byName(all, "child-lr-0.1")["deleted"].toBool());
        const QJsonObject children = runsJson({"--filter", "child"});
        QCOMPARE(children["runs"].toArray().size(), 3);
    }

    void sqlStoreGivesTheSameRuns() {
        const CliResult cli = runCli({"runs", m_db, "--format", "json", "--metric-stats"});
        QCOMPARE(cli.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(cli.out).object();
        QCOMPARE(doc["runs"].toArray().size(), 10);
        const QJsonObject loss =
            byName(doc, "child-lr-0.1")["metrics"].toObject()["train/loss"].toObject();
        QCOMPARE(loss["last"].toDouble(), 0.37531109885139957);
        QCOMPARE(loss["count"].toInteger(), 50);
        // Without --metric-stats: latest values from latest_metrics, unknown stats as null.
        const QJsonObject quick =
            QJsonDocument::fromJson(runCli({"runs", m_db, "--format", "json"}).out).object();
        const QJsonObject quickLoss =
            byName(quick, "child-lr-0.1")["metrics"].toObject()["train/loss"].toObject();
        QCOMPARE(quickLoss["last"].toDouble(), 0.37531109885139957);
        QVERIFY(quickLoss["count"].isNull());
    }

    void runsCsvBytes() {
        const CliResult cli =
            runCli({"runs", m_mlruns, "--format", "csv", "--filter", "default-exp"});
        QCOMPARE(cli.exitCode, 0);
        const QList<QByteArray> lines = cli.out.split('\n');
        QCOMPARE(
            lines[0],
            QByteArray("id,native_id,name,experiment,source,status,start_time,end_time,parent_id,"
                       "params.p,tags.mlflow.runName\r"));
        const QByteArray id =
            RunId::make(u"mlflow-file", m_mlruns, u"f5283fd3484442ff841bbfe39bf38e76")
                .text()
                .toUtf8();
        QCOMPARE(
            lines[1],
            id + ",f5283fd3484442ff841bbfe39bf38e76,default-exp-run,Default,mlflow-file,finished,"
                 "1700000000000,1700000005000,,v,default-exp-run\r");
        QCOMPARE(lines.size(), 3);
    }

    void historyJsonAndCsvBytes() {
        const QByteArray id =
            RunId::make(u"mlflow-file", m_mlruns, u"4f4029f421f64a01bd05d9d4cb889aab")
                .text()
                .toUtf8();
        const CliResult json =
            runCli({"history", m_mlruns, "--run", "4f4029f421f64a01bd05d9d4cb889aab", "--metric",
                    "m", "--format", "json"});
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(json.out,
                 "{\"run\":\"" + id +
                     "\",\"metric\":\"m\",\"points\":[[0,1,1795811563273],[0,2,1795811563274],"
                     "[1,\"NaN\",1795811563275],[2,\"Infinity\",1795811563276],[3,\"-Infinity\","
                     "1795811563277]]}\n");
        const CliResult csv =
            runCli({"history", m_mlruns, "--run", QString::fromUtf8(id), "--metric", "m"});
        QCOMPARE(csv.exitCode, 0);
        QCOMPARE(csv.out,
                 QByteArray("step,value,timestamp_ms\r\n0,1,1795811563273\r\n0,2,1795811563274\r\n"
                            "1,NaN,1795811563275\r\n2,Infinity,1795811563276\r\n3,-Infinity,"
                            "1795811563277\r\n"));
        const CliResult dataset =
            runCli({"history", m_mlruns, "--run", "aea8e6a0b0b14eb3abe89d2bd51514c4", "--metric",
                    "val/loss"});
        QCOMPARE(
            dataset.out,
            QByteArray("step,value,timestamp_ms\r\n0,1,1795811563286\r\n1,0.5,1795811563287\r\n"
                       "2,0.3333333333333333,1795811563287\r\n"));
        const CliResult noMetric =
            runCli({"history", m_mlruns, "--run", QString::fromUtf8(id), "--metric", "nope"});
        QCOMPARE(noMetric.exitCode, 1);
        QVERIFY(noMetric.err.contains("has no metric 'nope'"));
    }

    void chartCommand() {
        QTemporaryDir out;
        const CliResult png =
            runCli({"chart", m_mlruns, "--metric", "train/loss", "--filter", "child", "--size",
                    "640x400", "--smoothing", "0.6", "--out", out.path() + "/loss.png"});
        QCOMPARE(png.exitCode, 0);
        QVERIFY2(png.err.isEmpty(), png.err.constData());
        QCOMPARE(QImage(out.path() + "/loss.png").size(), QSize(640, 400));
        const CliResult svg = runCli(
            {"chart", m_mlruns, "--metric", "train/loss", "--out", out.path() + "/loss.svg"});
        QCOMPARE(svg.exitCode, 0);
        QFile svgFile(out.path() + "/loss.svg");
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("<svg"));
        const CliResult csv = runCli({"chart", m_mlruns, "--metric", "train/loss", "--filter",
                                      "child-lr-0.1", "--out", out.path() + "/loss.csv"});
        QCOMPARE(csv.exitCode, 0);
        QFile csvFile(out.path() + "/loss.csv");
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QByteArray text = csvFile.readAll();
        QCOMPARE(text.count('\n'), 51);  // header + every point, raw (no smoothing asked)
        QVERIFY(text.contains("child-lr-0.1,train/loss,49,1795811563.262,0.37531109885139957\r\n"));
        QCOMPARE(runCli({"chart", m_mlruns, "--metric", "train/loss", "--out", "x.gif"}).exitCode,
                 2);
        QCOMPARE(runCli({"chart", m_mlruns, "--metric", "train/loss"}).exitCode, 2);
        QCOMPARE(runCli({"chart", m_mlruns, "--metric", "nope", "--out", out.path() + "/n.png"})
                     .exitCode,
                 1);
    }

    // A CSV of a chart or of parallel coordinates is written by core alone: no GUI starts, so
    // it works where no display platform can load (a PNG there cannot be drawn).
    void csvOutNeedsNoDisplay() {
        QTemporaryDir out;
        const QStringList noDisplay = {"env", "QT_QPA_PLATFORM=no-such-platform"};
        const CliResult chart =
            runCli({"chart", m_mlruns, "--metric", "train/loss", "--out", out.path() + "/loss.csv"},
                   cliPath(), noDisplay);
        QCOMPARE(chart.exitCode, 0);
        QVERIFY(QFileInfo(out.path() + "/loss.csv").size() > 100);
        const CliResult parallel =
            runCli({"parallel", m_mlruns, "--out", out.path() + "/axes.csv"}, cliPath(), noDisplay);
        QCOMPARE(parallel.exitCode, 0);
        QFile axes(out.path() + "/axes.csv");
        QVERIFY(axes.open(QIODevice::ReadOnly));
        QVERIFY(axes.readAll().startsWith("id,name,"));
        const CliResult png =
            runCli({"chart", m_mlruns, "--metric", "train/loss", "--out", out.path() + "/loss.png"},
                   cliPath(), noDisplay);
        QVERIFY(png.exitCode != 0);
    }

    void tableFormat() {
        const CliResult cli = runCli({"runs", m_mlruns});
        QCOMPARE(cli.exitCode, 0);
        QVERIFY(cli.out.startsWith("NAME "));
        QVERIFY(cli.out.endsWith("10 runs\n"));
        QVERIFY(cli.out.contains("child-lr-0.1"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
