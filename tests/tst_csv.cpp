// Simple loggers' files: Lightning's CSVLogger, Keras' CSVLogger, Stable-Baselines3's
// progress.csv and the generic run folder, written here as those libraries write them.
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTest>

#include "TestSupport.h"
#include "sources/CsvSource.h"

using namespace runlens;
using namespace testsupport;

namespace {
void write(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

// A project with one run of every layout; returns its folder.
QString makeProject(const QString& dir) {
    // Lightning 2.x CSVLogger: sorted columns, a row per log call, empty where not logged;
    // hparams.yaml from save_hyperparameters(), a python object among them.
    write(dir + "/lightning_logs/version_0/metrics.csv",
          "epoch,step,train_loss,val_acc,val_loss\n"
          "0,49,0.9,,\n"
          "0,99,0.7,,\n"
          "0,99,,0.61,0.8\n"
          "1,149,0.5,,\n"
          "1,199,0.45,,\n"
          "1,199,,0.72,0.55\n");
    write(dir + "/lightning_logs/version_0/hparams.yaml",
          "lr: 0.001\nbatch_size: 64\noptimizer:\n  name: adam\n  betas: [0.9, 0.999]\n"
          "args: !!python/object:argparse.Namespace\n  seed: 1\n");
    // Keras CSVLogger (training.log by default): epoch first, NA for a missing value.
    write(dir + "/keras/training.log",
          "epoch,accuracy,loss,val_accuracy,val_loss\n"
          "0,0.51,1.3,NA,NA\n"
          "1,0.66,0.95,0.62,1.01\n"
          "2,0.74,0.71,0.70,0.83\n");
    // Stable-Baselines3: progress.csv, first-seen column order, total timesteps as the step.
    write(dir + "/ppo_cartpole/PPO_1/progress.csv",
          "rollout/ep_len_mean,rollout/ep_rew_mean,time/fps,time/total_timesteps,train/loss\n"
          "22.1,22.1,1500,2048,\n"
          "27.3,27.3,1480,4096,5.2\n"
          "35.9,35.9,1470,6144,4.1\n");
    // The generic layout: params.json and metrics.jsonl (NaN as Python's json writes it) ...
    write(dir + "/scripts/run-a/params.json", R"({"lr": 0.01, "model": {"depth": 4}, "tag": "a"})");
    write(dir + "/scripts/run-a/metrics.jsonl",
          "{\"step\": 0, \"timestamp\": 1800000000.5, \"loss\": 1.5}\n"
          "{\"step\": 1, \"timestamp\": 1800000001.5, \"loss\": NaN, \"acc\": 0.5}\n"
          "{\"step\": 2, \"timestamp\": 1800000002.5, \"loss\": 0.9, \"acc\": 0.6}\n"
          "{\"step\": 3, \"timestamp\": 18000");  // a line being written
    // ... or config.yaml and metrics.csv with a timestamp column.
    write(dir + "/scripts/run-b/config.yaml", "lr: 0.1\nlayers: 2\n");
    write(dir + "/scripts/run-b/metrics.csv",
          "step,timestamp,loss\n0,1800000000,2.0\n10,1800000010,1.0\n");
    // DVCLive: params.yaml, a plot per metric (timestamp in ms, step, value), metrics.json.
    write(dir + "/dvc-project/dvclive/params.yaml", "epochs: 3\nlr: 0.003\n");
    write(dir + "/dvc-project/dvclive/plots/metrics/train/loss.tsv",
          "timestamp\tstep\tloss\n1800000000000\t0\t0.9\n1800000001000\t1\t0.6\n"
          "1800000002000\t2\t0.4\n");
    write(dir + "/dvc-project/dvclive/metrics.json",
          R"({"train": {"loss": 0.4}, "test_acc": 0.91, "step": 2})");
    // Sacred's FileStorageObserver: a folder per run id.
    write(dir + "/sacred_runs/1/run.json",
          R"({"experiment": {"name": "mnist"}, "status": "FAILED",
              "start_time": "2026-11-28T01:00:00.123456", "stop_time": "2026-11-28T01:05:00.000000"})");
    write(dir + "/sacred_runs/1/config.json", R"({"lr": 0.01, "seed": 42, "net": {"width": 128}})");
    write(dir + "/sacred_runs/1/metrics.json",
          R"({"loss": {"steps": [0, 10, 20], "values": [1.0, 0.5, 0.25],
              "timestamps": ["2026-11-28T01:01:00.000000", "2026-11-28T01:02:00.000000",
                             "2026-11-28T01:03:00.000000"]}})");
    return dir;
}
}  // namespace

class TestCsv : public QObject {
    Q_OBJECT

private slots:
    void everyLayoutIsDetectedAndRead() {
        QTemporaryDir tmp;
        const QString dir = makeProject(tmp.path());
        extractMlruns(QStringLiteral("v3_11"), tmp.path());  // a mixed folder
        const auto before = fingerprint(dir);
        const LoadedProject project = loadProject(dir, {});
        QMap<QString, const Run*> runs;
        for (const Run& run : project.delta.runs)
            if (run.sourceKind == u"csv") runs.insert(run.nativeId, &run);
        QCOMPARE(runs.keys(), (QStringList{"dvc-project/dvclive", "keras/training.log",
                                           "lightning_logs/version_0", "ppo_cartpole/PPO_1",
                                           "sacred_runs/1", "scripts/run-a", "scripts/run-b"}));
        QVERIFY(project.delta.problems.isEmpty());
        QCOMPARE(fingerprint(dir), before);

        // Lightning: sparse rows give each metric only its own points; epoch is a metric.
        const Run& pl = *runs["lightning_logs/version_0"];
        QCOMPARE(pl.name, QStringLiteral("lightning_logs/version_0"));
        QCOMPARE(pl.metrics["train_loss"].count, 4);
        QCOMPARE(pl.metrics["val_acc"].count, 2);
        QCOMPARE(pl.metrics["val_acc"].last, 0.72);
        QCOMPARE(pl.metrics["val_acc"].step, 199);
        QCOMPARE(pl.metrics["epoch"].last, 1.0);
        QVERIFY(!pl.metrics.contains("step"));
        QCOMPARE(pl.params["lr"].toDouble(), 0.001);
        QCOMPARE(pl.params["optimizer.name"].text(), QStringLiteral("adam"));
        QCOMPARE(pl.params["optimizer.betas"].text(), QStringLiteral("[0.9, 0.999]"));
        QCOMPARE(pl.params["args.seed"].text(), QStringLiteral("1"));  // the tag is not obeyed
        Source* source = project.sourceFor(pl);
        const HistoryResult valAcc = source->loadHistory(pl, QStringLiteral("val_acc"));
        QCOMPARE(valAcc.series.steps, (std::vector<double>{99, 199}));

        // Keras: NA is missing, epoch is the step.
        const Run& keras = *runs["keras/training.log"];
        QCOMPARE(keras.name, QStringLiteral("training"));
        QCOMPARE(keras.metrics["val_loss"].count, 2);
        QCOMPARE(keras.metrics["loss"].count, 3);
        QCOMPARE(keras.metrics["loss"].step, 2);

        // SB3: total timesteps are the steps; an empty cell is not a zero.
        const Run& ppo = *runs["ppo_cartpole/PPO_1"];
        QCOMPARE(ppo.metrics["train/loss"].count, 2);
        QCOMPARE(ppo.metrics["rollout/ep_rew_mean"].step, 6144);
        QVERIFY(!ppo.metrics.contains("time/total_timesteps"));

        // Generic: JSON params flattened, NaN kept, the line being written left, times in ms.
        const Run& a = *runs["scripts/run-a"];
        QCOMPARE(a.params["model.depth"].toInt(), 4);
        QCOMPARE(a.params["tag"].text(), QStringLiteral("a"));
        QCOMPARE(a.metrics["loss"].count, 3);
        QCOMPARE(a.metrics["acc"].count, 2);
        QCOMPARE(*a.startTimeMs, 1800000000500);
        const HistoryResult loss = project.sourceFor(a)->loadHistory(a, QStringLiteral("loss"));
        QVERIFY(std::isnan(loss.series.values[1]));
        const Run& b = *runs["scripts/run-b"];
        QCOMPARE(b.params["layers"].toInt(), 2);
        QCOMPARE(b.metrics["loss"].last, 1.0);
        QCOMPARE(*b.endTimeMs, 1800000010000);

        // DVCLive: the plot's path is the key; metrics.json adds what has no plot.
        const Run& dvc = *runs["dvc-project/dvclive"];
        QCOMPARE(dvc.name, QStringLiteral("dvc-project"));
        QCOMPARE(dvc.params["epochs"].toInt(), 3);
        QCOMPARE(dvc.metrics["train/loss"].count, 3);
        QCOMPARE(dvc.metrics["train/loss"].last, 0.4);
        QCOMPARE(*dvc.startTimeMs, 1800000000000);
        QCOMPARE(dvc.metrics["test_acc"].last, 0.91);
        QCOMPARE(dvc.metrics["test_acc"].step, 2);

        // Sacred: status, UTC times, nested config, steps and timestamps.
        const Run& sacred = *runs["sacred_runs/1"];
        QCOMPARE(sacred.name, QStringLiteral("mnist #1"));
        QCOMPARE(sacred.experiment, QStringLiteral("mnist"));
        QCOMPARE(sacred.status, RunStatus::Failed);
        QCOMPARE(*sacred.startTimeMs,
                 QDateTime(QDate(2026, 11, 28), QTime(1, 0, 0, 123), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(sacred.params["net.width"].toInt(), 128);
        QCOMPARE(sacred.metrics["loss"].step, 20);
        QCOMPARE(sacred.metrics["loss"].last, 0.25);
        QCOMPARE(sacred.metrics["loss"].timestampMs,
                 double(QDateTime(QDate(2026, 11, 28), QTime(1, 3), Qt::UTC).toMSecsSinceEpoch()));
    }

    void badFilesCostThemselvesOnly() {
        QTemporaryDir tmp;
        const QString dir = makeProject(tmp.path());
        write(dir + "/lightning_logs/version_1/metrics.csv", "");  // no header
        write(dir + "/lightning_logs/version_1/hparams.yaml", "lr: [unclosed\n");
        write(dir + "/scripts/run-b/metrics.csv",
              "step,loss,note\n0,1.5,fine\n1,oops,bad\n2,0.5,\"quoted, with comma\"\n");
        const LoadedProject project = loadProject(dir, {});
        int csvRuns = 0;
        for (const Run& run : project.delta.runs) {
            csvRuns += run.sourceKind == u"csv";
            if (run.nativeId == u"lightning_logs/version_1") {
                QCOMPARE(run.problems.size(), 2);  // the YAML, the CSV: one sentence each
                QVERIFY(run.problems.join(u' ').contains(u"hparams.yaml is not valid YAML"));
                QVERIFY(run.problems.join(u' ').contains(u"metrics.csv has no header row"));
            }
            if (run.nativeId == u"scripts/run-b") {
                QCOMPARE(run.metrics["loss"].count, 2);  // the text cell is skipped
                QVERIFY(!run.metrics.contains("note"));  // a text column is not a metric
            }
        }
        QCOMPARE(csvRuns, 8);
    }

    void laterScansReadWhatWasAppendedOrRewritten() {
        QTemporaryDir tmp;
        const QString run = tmp.path() + "/lightning_logs/version_0";
        write(run + "/metrics.csv", "epoch,step,train_loss\n0,0,1.0\n0,1,0.9\n");
        CsvSource source(tmp.path(), {run});
        QCOMPARE(source.scan({}).runs.front().metrics["train_loss"].count, 2);
        // Rows appended (the last one still being written): read from where it stopped.
        QFile f(run + "/metrics.csv");
        QVERIFY(f.open(QIODevice::Append));
        f.write("0,2,0.8\n0,3,0.7\n0,4,0.");
        f.close();
        Run grown = source.scan({}).runs.front();
        QCOMPARE(grown.metrics["train_loss"].count, 4);
        QCOMPARE(grown.metrics["train_loss"].last, 0.7);
        QVERIFY(f.open(QIODevice::Append));
        f.write("65\n");
        f.close();
        grown = source.scan({}).runs.front();
        QCOMPARE(grown.metrics["train_loss"].count, 5);
        QCOMPARE(grown.metrics["train_loss"].last, 0.65);
        QCOMPARE(source.loadHistory(grown, "train_loss").series.size(), size_t(5));
        // Lightning rewrites the file when a key appears: read again whole, nothing doubled.
        write(run + "/metrics.csv",
              "epoch,step,train_loss,val_acc\n0,0,1.0,\n0,1,0.9,\n0,1,,0.5\n");
        const Run rewritten = source.scan({}).runs.front();
        QCOMPARE(rewritten.metrics["train_loss"].count, 2);
        QCOMPARE(rewritten.metrics["val_acc"].count, 1);
    }

    void hydraJobParamsJoinTheRunsInside() {
        QTemporaryDir tmp;
        // A Hydra job whose script wrote the generic layout into the job folder ...
        const QString job = tmp.path() + "/outputs/2026-11-28/10-00-00";
        write(job + "/.hydra/config.yaml", "lr: 0.1\nmodel:\n  name: resnet\n  depth: 18\n");
        write(job + "/.hydra/overrides.yaml", "- lr=0.1\n- model.depth=18\n");
        write(job + "/metrics.csv", "step,loss,lr\n0,1.0,0.1\n1,0.5,0.1\n");
        write(job + "/params.json", R"({"lr": 0.2, "seed": 3})");  // the tracker's own win
        // ... and a job of a multirun whose tracker wrote nothing there: a run of its own.
        const QString lonely = tmp.path() + "/multirun/2026-11-28/11-00-00/0";
        write(lonely + "/.hydra/config.yaml", "lr: 0.01\n");
        write(lonely + "/.hydra/overrides.yaml", "- lr=0.01\n");
        const LoadedProject project = loadProject(tmp.path(), {});
        QCOMPARE(project.delta.runs.size(), size_t(2));
        for (const Run& run : project.delta.runs) {
            if (run.sourceKind == u"csv") {
                QCOMPARE(run.params["model.name"].text(), QStringLiteral("resnet"));
                QCOMPARE(run.params["model.depth"].toInt(), 18);
                QCOMPARE(run.params["lr"].toDouble(), 0.2);  // params.json's, not Hydra's
                QCOMPARE(run.params["seed"].toInt(), 3);
                QCOMPARE(run.tags["hydra.overrides"], QStringLiteral("lr=0.1 model.depth=18"));
                QCOMPARE(run.metrics["loss"].count, 2);
            } else {
                QCOMPARE(run.sourceKind, QStringLiteral("hydra"));
                QCOMPARE(run.name, QStringLiteral("multirun/2026-11-28/11-00-00/0"));
                QCOMPARE(run.params["lr"].toDouble(), 0.01);
                QCOMPARE(run.tags["hydra.overrides"], QStringLiteral("lr=0.01"));
            }
        }
    }

    void quotedFieldsAndCrLf() {
        std::map<QString, MetricSeries> series;
        QString error;
        QVERIFY(parseMetricsCsv("\"step\",\"a,b\"\r\n1,\"2.5\"\r\n2,nan\r\n3,-Infinity\r\n",
                                {QStringLiteral("step")}, series, &error));
        QCOMPARE(series.size(), size_t(1));
        const MetricSeries& s = series[QStringLiteral("a,b")];
        QCOMPARE(s.size(), size_t(3));
        QCOMPARE(s.values[0], 2.5);
        QVERIFY(std::isnan(s.values[1]));
        QCOMPARE(s.values[2], -INFINITY);
        QCOMPARE(s.steps, (std::vector<double>{1, 2, 3}));
        // A column name given twice (found by fuzz_csv): both columns kept, neither doubled.
        series.clear();
        QVERIFY(parseMetricsCsv("step,loss,loss\n0,1,2\n1,3,4\n", {QStringLiteral("step")}, series,
                                &error));
        QCOMPARE(series[QStringLiteral("loss")].values, (std::vector<double>{1, 3}));
        QCOMPARE(series[QStringLiteral("loss (2)")].values, (std::vector<double>{2, 4}));
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
