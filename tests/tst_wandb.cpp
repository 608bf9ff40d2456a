// W&B run folders, against what W&B itself wrote beside the logs: every fixture run read
// (synced, offline, cut off mid-write, resumed), summaries equal to wandb-summary.json,
// params equal to files/config.yaml, status from the exit record, nothing written.
#include <yaml-cpp/yaml.h>

#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "TestSupport.h"
#include "codec/WandbLog.h"
#include "sources/WandbSource.h"

using namespace runlens;
using namespace testsupport;

namespace {
QMap<QString, Run> scanRuns(WandbSource& source) {
    QMap<QString, Run> runs;
    for (Run& run : source.scan({}).runs)
        runs.insert(run.nativeId, std::move(run));
    return runs;
}
}  // namespace

class TestWandb : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { REQUIRE_THIRD_PARTY(QStringLiteral("wandb")); }

    void everyFixtureRunIsRead() {
        const QString root = thirdPartyFixtures() + QStringLiteral("/wandb");
        const auto before = fingerprint(root);
        const LoadedProject project = loadProject(root, {});
        QMap<QString, const Run*> runs;
        for (const Run& run : project.delta.runs)
            runs.insert(run.nativeId, &run);
        QCOMPARE(runs.keys(), (QStringList{"4s1rf4ay", "7sm7dh1b", "g9dvvkua", "l69sfsyk",
                                           "lho82d58", "ly5ll9sf", "xinacahi"}));
        for (const Run* run : runs) {
            QCOMPARE(run->sourceKind, QStringLiteral("wandb"));
            QVERIFY2(run->problems.isEmpty(), qPrintable(run->problems.join(u'\n')));
        }
        // Exit codes: 1 and 255 failed, 0 finished; the cut-off offline run has none: running.
        QCOMPARE(runs["4s1rf4ay"]->status, RunStatus::Failed);
        QCOMPARE(runs["xinacahi"]->status, RunStatus::Failed);
        QCOMPARE(runs["g9dvvkua"]->status, RunStatus::Finished);
        QCOMPARE(runs["l69sfsyk"]->status, RunStatus::Running);
        QCOMPARE(runs["4s1rf4ay"]->experiment, QStringLiteral("Transformer-from-scratch"));
        QCOMPARE(runs["4s1rf4ay"]->name, QStringLiteral("small-model"));
        // The offline run in the older `key` form, cut off: its history is there.
        QVERIFY(!runs["l69sfsyk"]->metrics.isEmpty());
        for (const MetricSummary& m : runs["l69sfsyk"]->metrics)
            QVERIFY(m.count > 0);
        // A resumed run's folder starts at step 33000.
        for (const MetricSummary& m : runs["xinacahi"]->metrics)
            QVERIFY(m.step >= 33000);
        QCOMPARE(fingerprint(root), before);
    }

    void detectedInAMixedFolder() {
        QTemporaryDir dir;
        extractMlruns(QStringLiteral("v3_11"), dir.path());
        QDir().mkpath(dir.path() + QStringLiteral("/project"));
        copyTree(thirdPartyFixtures() + QStringLiteral("/wandb/nn_modularity/wandb"),
                 dir.path() + QStringLiteral("/project/wandb"));
        const LoadedProject project = loadProject(dir.path(), {});
        QStringList kinds;
        for (const SourcePtr& s : project.sources)
            kinds << s->kind();
        kinds.sort();
        QCOMPARE(kinds, (QStringList{QStringLiteral("mlflow-file"), QStringLiteral("wandb")}));
        int wandbRuns = 0;
        for (const Run& run : project.delta.runs)
            wandbRuns += run.sourceKind == u"wandb";
        QCOMPARE(wandbRuns, 1);
    }

    void summariesEqualWandbSummaryJson() {
        // For every synced run, W&B's own wandb-summary.json: its numbers are our latest values.
        QDirIterator it(thirdPartyFixtures() + QStringLiteral("/wandb/cs336_transformer"),
                        {QStringLiteral("wandb-summary.json")}, QDir::Files,
                        QDirIterator::Subdirectories);
        int checked = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            const QString runDir = QFileInfo(QFileInfo(path).path()).path();
            WandbSource source(QFileInfo(runDir).path());
            const QString id = QFileInfo(runDir).fileName().section(u'-', -1);
            const QMap<QString, Run> runs = scanRuns(source);
            QVERIFY(runs.contains(id));
            const Run& run = runs[id];
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QJsonObject summary = QJsonDocument::fromJson(f.readAll()).object();
            for (auto s = summary.begin(); s != summary.end(); ++s) {
                if (s.key().startsWith(u'_') || !s.value().isDouble()) continue;
                QVERIFY2(run.metrics.contains(s.key()), qPrintable(id + u' ' + s.key()));
                QCOMPARE(run.metrics[s.key()].last, s.value().toDouble());
                if (run.metrics[s.key()].count > 1)
                    QCOMPARE(double(run.metrics[s.key()].step), summary["_step"].toDouble());
                // The history behind the summary, in full.
                const HistoryResult h = source.loadHistory(run, s.key());
                QVERIFY(h.found);
                QCOMPARE(qint64(h.series.size()), run.metrics[s.key()].count);
                ++checked;
            }
        }
        QCOMPARE(checked, 16);  // every number of every summary file
    }

    void paramsEqualConfigYaml() {
        QDirIterator it(thirdPartyFixtures() + QStringLiteral("/wandb/cs336_transformer"),
                        {QStringLiteral("config.yaml")}, QDir::Files, QDirIterator::Subdirectories);
        int checked = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            const QString runDir = QFileInfo(QFileInfo(path).path()).path();
            WandbSource source(QFileInfo(runDir).path());
            const Run run = scanRuns(source)[QFileInfo(runDir).fileName().section(u'-', -1)];
            const YAML::Node config = YAML::LoadFile(path.toStdString());
            for (const auto& entry : config) {
                const QString key = QString::fromStdString(entry.first.as<std::string>());
                if (key.startsWith(u"_wandb") || key == u"wandb_version") continue;
                const YAML::Node value = entry.second["value"];
                if (!value.IsScalar()) continue;
                QVERIFY2(run.params.contains(key), qPrintable(key));
                const QString text = QString::fromStdString(value.as<std::string>());
                const ParamValue ours = run.params[key];
                if (ours.isNumeric())
                    QCOMPARE(ours.toDouble(), text.toDouble());
                else
                    QCOMPARE(ours.text(), text);
                ++checked;
            }
        }
        QVERIFY(checked >= 10);
    }

    void resumedFoldersMakeOneRun() {
        // The same run id in two folders (W&B's resume): one run, both histories in order.
        QTemporaryDir dir;
        const QString from =
            thirdPartyFixtures() +
            QStringLiteral("/wandb/cs336_transformer/run-20260118_160458-4s1rf4ay");
        copyTree(from, dir.path() + QStringLiteral("/run-20260118_160458-4s1rf4ay"));
        copyTree(from, dir.path() + QStringLiteral("/run-20260119_090000-4s1rf4ay"));
        WandbSource source(dir.path());
        const QMap<QString, Run> runs = scanRuns(source);
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().metrics["train/loss"].count, 202);
        QCOMPARE(runs.first().location,
                 dir.path() + QStringLiteral("/run-20260119_090000-4s1rf4ay"));
    }

    void filesFillInWhatTheLogLacks() {
        // An offline log with files beside it (as after `wandb sync`): config.yaml adds the
        // keys the log lacks, wandb-summary.json the values; the log's own values win.
        QTemporaryDir dir;
        const QString run = copyTree(
            thirdPartyFixtures() +
                QStringLiteral("/wandb/wandb_sdk_tests/wandb/offline-run-20210216_154407-g9dvvkua"),
            dir.path() + QStringLiteral("/offline-run-20210216_154407-g9dvvkua"));
        QDir().mkpath(run + QStringLiteral("/files"));
        QFile config(run + QStringLiteral("/files/config.yaml"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            "wandb_version: 1\n_wandb:\n  desc: null\n  value: {}\n"
            "extra_key:\n  desc: null\n  value: 5\nnested:\n  value:\n    a: 1\n");
        config.close();
        QFile summary(run + QStringLiteral("/files/wandb-summary.json"));
        QVERIFY(summary.open(QIODevice::WriteOnly));
        summary.write(R"({"final_acc": 0.93, "_runtime": 12})");
        summary.close();
        WandbSource source(dir.path());
        const Run r = scanRuns(source).first();
        QCOMPARE(r.params["extra_key"].toInt(), 5);
        QCOMPARE(r.params["nested.a"].toInt(), 1);
        QVERIFY(!r.params.contains("_wandb") && !r.params.contains("wandb_version"));
        QCOMPARE(r.metrics["final_acc"].last, 0.93);
        QVERIFY(!r.metrics.contains("_runtime"));
    }

    void damagedLogsCostTheirRecordsOnly() {
        QTemporaryDir dir;
        const QString run =
            copyTree(thirdPartyFixtures() +
                         QStringLiteral("/wandb/cs336_transformer/run-20260118_160458-4s1rf4ay"),
                     dir.path() + QStringLiteral("/run-20260118_160458-4s1rf4ay"));
        const QString log = run + QStringLiteral("/run-4s1rf4ay.wandb");
        QFile f(log);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x40);  // one record damaged
        f.seek(0);
        f.write(bytes);
        f.close();
        // And a log that is not one at all, in a folder of its own.
        QDir().mkpath(dir.path() + QStringLiteral("/offline-run-20260101_000000-garbage1"));
        QFile g(dir.path() +
                QStringLiteral("/offline-run-20260101_000000-garbage1/run-garbage1.wandb"));
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write("this is not a W&B log");
        g.close();
        WandbSource source(dir.path());
        const ScanDelta delta = source.scan({});
        QCOMPARE(delta.runs.size(), size_t(2));
        QCOMPARE(delta.problems.size(), 2);  // one sentence each
        QMap<QString, Run> runs;
        for (const Run& r : delta.runs)
            runs.insert(r.nativeId, r);
        QVERIFY(runs["4s1rf4ay"].problems.first().contains(u"CRC mismatch"));
        QVERIFY(runs["4s1rf4ay"].metrics["train/loss"].count >= 95);  // the rest is read
        QVERIFY(runs["garbage1"].problems.first().contains(u"header"));
    }

    void cutOffTailIsNormal() {
        // Every prefix of a log: no crash, no problem (a log being written ends anywhere).
        QFile f(thirdPartyFixtures() +
                QStringLiteral(
                    "/wandb/cs336_transformer/run-20260118_160458-4s1rf4ay/run-4s1rf4ay.wandb"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        size_t fullRecords = 0;
        scanWandbLog(std::string_view(bytes.data(), size_t(bytes.size())),
                     [&](std::string_view, size_t) { ++fullRecords; });
        for (qsizetype cut = 0; cut < bytes.size(); cut += 97) {
            size_t records = 0;
            const WandbLogScan scan = scanWandbLog(std::string_view(bytes.data(), size_t(cut)),
                                                   [&](std::string_view, size_t) { ++records; });
            QVERIFY2(scan.issues.isEmpty(), qPrintable(QString::number(cut)));
            QVERIFY(records <= fullRecords);
        }
    }
};

QTEST_GUILESS_MAIN(TestWandb)
#include "tst_wandb.moc"
