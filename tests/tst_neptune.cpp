// Neptune's two local forms against what Neptune's own clients logged (fixtures/neptune: the
// make/ scripts are the ground truth, neptune-scale-0.25.1/DUMP.txt the databases decoded by
// neptune-api): neptune-client's .neptune journals in every folder layout, and neptune-scale's
// run_operations.sqlite3 databases; damaged input; live growth.

#include <sqlite3.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <cmath>

#include "TestSupport.h"
#include "model/Catalog.h"
#include "project/LiveProject.h"
#include "sources/NeptuneClientRun.h"
#include "sources/NeptuneScaleOperation.h"

using namespace runlens;
using namespace testsupport;

namespace {

constexpr double kT0 = 1735732800.0;  // make/gen_*.py: 2025-01-01T12:00:00Z
const QString kResnet = QStringLiteral("d827553f-5f7d-4618-9030-70231621bc0a");

QString clientFixture() {
    return fixtures() + QStringLiteral("/neptune/neptune-client-1.14.0/.neptune");
}
QString scaleFixture() {
    return fixtures() + QStringLiteral("/neptune/neptune-scale-0.25.1/.neptune");
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

// A journal left alone for a while: its last line is not one being written.
void settle(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite) || !f.setFileTime(QDateTime::currentDateTime().addSecs(-60),
                                                        QFileDevice::FileModificationTime))
        qFatal("cannot age %s", qPrintable(path));
}

struct Loaded {
    LoadedProject project;
    QMap<QString, const Run*> byName;

    explicit Loaded(const QString& path) : project(loadProject(path, {})) {
        for (const Run& run : project.delta.runs)
            byName.insert(run.name, &run);
    }
    const Run& run(const QString& name) const {
        if (!byName.contains(name)) qFatal("no run %s", qPrintable(name));
        return *byName[name];
    }
    MetricSeries history(const QString& name, const QString& metric) const {
        const Run& r = run(name);
        HistoryResult h = project.sourceFor(r)->loadHistory(r, metric);
        if (!h.found) qFatal("no history %s of %s", qPrintable(metric), qPrintable(name));
        return h.series;
    }
};

// Equal, or one unit in the last place apart (the scripts' exp() and ours).
bool close(double a, double b) {
    return a == b || std::nextafter(a, b) == b;
}

void checkParam(const Run& run, const QString& key, ParamValue::Type type, const QString& text) {
    QVERIFY2(run.params.contains(key), qPrintable(key));
    QCOMPARE(int(run.params[key].type()), int(type));
    QCOMPARE(run.params[key].text(), text);
}

// What both baseline scripts log as params (make/gen_neptune_client_1x.py run 1 and
// make/gen_neptune_scale.py run A), typed as Neptune typed them.
void checkBaselineParams(const Run& run) {
    checkParam(run, "parameters/lr", ParamValue::Type::Double, "0.001");
    checkParam(run, "parameters/batch_size", ParamValue::Type::Int, "64");
    checkParam(run, "parameters/optimizer", ParamValue::Type::String, "adam");
    checkParam(run, "parameters/use_amp", ParamValue::Type::Bool, "true");
    checkParam(run, "parameters/layers/depth", ParamValue::Type::Int, "50");
    checkParam(run, "parameters/layers/dropout", ParamValue::Type::Double, "0.25");
    checkParam(run, "parameters/started_at", ParamValue::Type::String, "2025-01-01T12:00:00.000Z");
    checkParam(run, "parameters/betas", ParamValue::Type::String, "(0.9, 0.999)");
    checkParam(run, "eval/final_acc", ParamValue::Type::Double, "0.9321");
    checkParam(run, "eval/best_epoch", ParamValue::Type::Int, "7");
    QCOMPARE(run.params.size(), 10);
}

// A protobuf message written field by field, for operations the tests make up.
struct Proto {
    QByteArray bytes;
    static QByteArray varint(quint64 v) {
        QByteArray out;
        do {
            out += char((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
            v >>= 7;
        } while (v);
        return out;
    }
    Proto& number(int field, quint64 v) {
        bytes += varint(quint64(field) << 3) + varint(v);
        return *this;
    }
    Proto& message(int field, const QByteArray& payload) {
        bytes += varint((quint64(field) << 3) | 2) + varint(quint64(payload.size())) + payload;
        return *this;
    }
    Proto& real(int field, double v) {
        bytes += varint((quint64(field) << 3) | 1);
        bytes += QByteArray(reinterpret_cast<const char*>(&v), 8);
        return *this;
    }
};

// UpdateRunSnapshot{step, timestamp, append{key: float64}}.
QByteArray appendSnapshot(quint64 whole, qint64 seconds, const QByteArray& key, double value) {
    const QByteArray entry = Proto().message(1, key).message(2, Proto().real(1, value).bytes).bytes;
    return Proto()
        .message(1, Proto().number(1, whole).bytes)
        .message(2, Proto().number(1, quint64(seconds)).bytes)
        .message(8, entry)
        .bytes;
}

// A training job's own connection to a neptune-scale database.
class Writer {
public:
    explicit Writer(const QString& path) {
        if (sqlite3_open(path.toUtf8().constData(), &m_db) != SQLITE_OK) qFatal("open failed");
        exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
    }
    ~Writer() { sqlite3_close(m_db); }
    void exec(const char* sql) {
        char* error = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK)
            qFatal("sql failed: %s", error);
    }
    void insert(qint64 type, const QByteArray& blob) {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(m_db,
                           "INSERT INTO run_operations (timestamp, operation_type, operation, "
                           "operation_size_bytes) VALUES (1796140200000, ?1, ?2, ?3)",
                           -1, &stmt, nullptr);
        sqlite3_bind_int64(stmt, 1, type);
        sqlite3_bind_blob(stmt, 2, blob.constData(), int(blob.size()), SQLITE_TRANSIENT);
        sqlite3_bind_int64(stmt, 3, blob.size());
        if (sqlite3_step(stmt) != SQLITE_DONE) qFatal("insert failed");
        sqlite3_finalize(stmt);
    }

private:
    sqlite3* m_db = nullptr;
};

}  // namespace

class TestNeptune : public QObject {
    Q_OBJECT

    QTemporaryDir m_settings;

private slots:
    void initTestCase() { useOwnSettings(m_settings.path()); }

    // neptune-client 1.14.0, run 1 of make/gen_neptune_client_1x.py: params of every type,
    // series with explicit steps and timestamps, tags added and removed, a file upload.
    void client114ExplicitSteps() {
        const Loaded l(clientFixture());
        QCOMPARE(l.project.sources.size(), size_t(1));
        QCOMPARE(l.project.sources.front()->kind(), QStringLiteral("neptune-client"));
        QCOMPARE(l.byName.keys(), (QStringList{"Untitled", "resnet-baseline", "vit-small"}));
        const Run& run = l.run("resnet-baseline");
        QCOMPARE(run.nativeId, kResnet);
        QCOMPARE(run.experiment, QStringLiteral("neptune-client-1.14.0"));
        QCOMPARE(statusName(run.status), QStringLiteral("finished"));
        QCOMPARE(run.problems, QStringList());
        // metadata.json createdAt 2026-12-01T15:47:30.923450+00:00; the last operation's `at`.
        QCOMPARE(run.startTimeMs.value_or(0), qint64(1796140050923));
        QCOMPARE(run.endTimeMs.value_or(0), qint64(1796140050928));
        checkBaselineParams(run);
        QCOMPARE(run.tags.value("sys/tags"), QStringLiteral("baseline, cifar10"));
        QCOMPARE(run.tags.value("sys/name"), QStringLiteral("resnet-baseline"));
        QCOMPARE(run.tags.value("sys/description"),
                 QStringLiteral("sample run 1 (explicit steps/timestamps)"));
        QCOMPARE(run.tags.value("sys/failed"), QStringLiteral("false"));
        QCOMPARE(run.tags.value("logs/messages"), QStringLiteral("epoch 9: checkpoint saved"));
        QCOMPARE(run.metrics.keys(),
                 (QStringList{"eval/val_loss", "train/acc", "train/loss", "train/lr_schedule"}));

        const MetricSeries loss = l.history("resnet-baseline", "train/loss");
        const MetricSeries acc = l.history("resnet-baseline", "train/acc");
        QCOMPARE(loss.size(), size_t(10));
        QCOMPARE(acc.size(), size_t(10));
        for (size_t s = 0; s < 10; ++s) {
            QCOMPARE(loss.steps[s], double(s));
            QVERIFY(close(loss.values[s], 2.0 * std::exp(-0.3 * double(s)) + 0.05));
            QVERIFY(close(acc.values[s], 1.0 - std::exp(-0.4 * double(s))));
            QCOMPARE(loss.wallTimesMs[s], (kT0 + 30.0 * double(s)) * 1000);
        }
        QCOMPARE(loss.values[3], 0.8631393194811984);  // data-1.log, version 23
        QCOMPARE(run.metrics["train/loss"].last, 0.18441102547949956);
        QCOMPARE(run.metrics["train/loss"].step, 9.0);
        QCOMPARE(run.metrics["train/acc"].min, 0.0);
        const MetricSeries val = l.history("resnet-baseline", "eval/val_loss");
        QCOMPARE(val.steps, (std::vector<double>{0, 3, 6, 9}));
        QCOMPARE(val.wallTimesMs[1], (kT0 + 95) * 1000);
        QCOMPARE(val.values[3], 0.2213383715799151);
        // One LogFloats operation holding three points (extend).
        const MetricSeries lr = l.history("resnet-baseline", "train/lr_schedule");
        QCOMPARE(lr.steps, (std::vector<double>{0, 5, 9}));
        QCOMPARE(lr.values, (std::vector<double>{0.001, 0.0008, 0.0005}));
        QCOMPARE(lr.wallTimesMs,
                 (std::vector<double>{kT0 * 1000, (kT0 + 150) * 1000, (kT0 + 270) * 1000}));
        const auto skipped = l.project.sources.front()->skippedTags();
        QVERIFY(skipped.value("file").contains("artifacts/config_json"));
        QVERIFY(skipped.value("file set").contains("source_code/files"));
    }

    // Run 2: steps left to the server (step null) are numbered 0, 1, 2, ... as it would; a
    // batch append is one operation holding two points.
    void client114NullSteps() {
        const Loaded l(clientFixture());
        const Run& run = l.run("vit-small");
        const MetricSeries loss = l.history("vit-small", "metrics/loss");
        QCOMPARE(loss.steps, (std::vector<double>{0, 1, 2, 3, 4, 5, 6}));
        QCOMPARE(loss.values, (std::vector<double>{1.0, 0.5, 1.0 / 3, 0.25, 0.2, 0.15, 0.12}));
        QCOMPARE(loss.wallTimesMs.front(), 1796140050.930013 * 1000);
        QCOMPARE(loss.wallTimesMs.back(), 1796140050.930353 * 1000);
        QCOMPARE(run.tags.value("metrics/notes"), QStringLiteral("iteration 4"));
        checkParam(run, "config/model", ParamValue::Type::String, "vit-s16");
        checkParam(run, "config/epochs", ParamValue::Type::Int, "3");
        QCOMPARE(run.tags.value("sys/tags"), QStringLiteral("vit"));
        QCOMPARE(run.problems, QStringList());
    }

    // Run 3: init_run's defaults: sys/name "Untitled", monitoring/<hash>/* (readable, not
    // charted by default), cleared series, console capture as text.
    void client114Defaults() {
        const Loaded l(clientFixture());
        const Run& run = l.run("Untitled");
        QCOMPARE(run.nativeId, QStringLiteral("fdce226b-126d-41c9-a00e-6019fdedac85"));
        checkParam(run, "params/seed", ParamValue::Type::Int, "42");
        QCOMPARE(run.params.size(), 1);
        QCOMPARE(run.tags.value("sys/hostname"), QStringLiteral("vm"));
        QCOMPARE(run.tags.value("monitoring/59768755/pid"), QStringLiteral("8394"));
        QCOMPARE(run.tags.value("monitoring/59768755/stdout"),
                 QStringLiteral("[neptune] [info   ] Shutting down background jobs, please wait a "
                                "moment...\n"));
        const MetricSeries score = l.history("Untitled", "score");
        QCOMPARE(score.steps, (std::vector<double>{0, 1, 2}));
        QCOMPARE(score.values, (std::vector<double>{0.5, 0.6, 0.7}));
        QVERIFY(!run.metrics["score"].systemMetric);
        // ClearFloatLog, then one point without a step: step 0.
        const MetricSeries cpu = l.history("Untitled", "monitoring/59768755/cpu");
        QCOMPARE(cpu.steps, std::vector<double>{0});
        QCOMPARE(cpu.values, std::vector<double>{50.0});
        QVERIFY(run.metrics["monitoring/59768755/cpu"].systemMetric);
        QVERIFY(run.metrics["monitoring/59768755/memory"].systemMetric);
        QCOMPARE(run.startTimeMs.value_or(0), qint64(1796140051010));
    }

    // neptune-client 0.16.18: the folder layout before 1.9, no metadata.json, no `at`.
    void client016Legacy() {
        const Loaded l(fixtures() + QStringLiteral("/neptune/neptune-client-0.16.18"));
        QCOMPARE(l.byName.keys(), QStringList{"legacy-0x-run"});
        const Run& run = l.run("legacy-0x-run");
        QCOMPARE(run.nativeId, QStringLiteral("a4899108-5b11-481b-b18f-d5c197abeca1"));
        QCOMPARE(statusName(run.status), QStringLiteral("finished"));
        checkParam(run, "parameters/lr", ParamValue::Type::Double, "0.01");
        checkParam(run, "parameters/batch_size", ParamValue::Type::Int, "32");
        checkParam(run, "parameters/optimizer", ParamValue::Type::String, "sgd");
        checkParam(run, "parameters/nesterov", ParamValue::Type::Bool, "false");
        checkParam(run, "eval/final_acc", ParamValue::Type::Double, "0.88");
        QCOMPARE(run.tags.value("sys/tags"), QStringLiteral("cifar10, legacy"));
        QCOMPARE(run.tags.value("train/notes"), QStringLiteral("step 4"));
        const MetricSeries loss = l.history("legacy-0x-run", "train/loss");
        QCOMPARE(loss.steps, (std::vector<double>{0, 1, 2, 3, 4}));
        QCOMPARE(loss.values, (std::vector<double>{1.0, 0.5, 1.0 / 3, 0.25, 0.2}));
        QCOMPARE(loss.wallTimesMs[4], (kT0 + 40) * 1000);
        const MetricSeries automatic = l.history("legacy-0x-run", "metrics/auto");
        QCOMPARE(automatic.steps, std::vector<double>{0});
        // No creation time on disk: the first point's time.
        QCOMPARE(run.startTimeMs.value_or(0), qint64(kT0 * 1000));
        QCOMPARE(run.problems, QStringList());
    }

    // Every folder layout: 1.9+ async with its metadata, before 1.9 async with exec-*
    // folders, the oldest offline/<uuid> and async/<uuid>/exec-<n>-*; executions of one run
    // replayed in order, steps numbered on across them; async runs with operations the
    // server has not acknowledged are running.
    void clientFolderLayouts() {
        QTemporaryDir tmp;
        const QString data = tmp.path() + "/project/.neptune";
        const QByteArray resnet =
            readAll(clientFixture() + "/offline/run__" + kResnet + "__8394__usqmgivj/data-1.log");
        auto op = [](int version, const char* obj) {
            return QStringLiteral("{\"obj\": %1, \"version\": %2}\n")
                .arg(obj)
                .arg(version)
                .toUtf8();
        };
        const char* name = R"({"type": "AssignString", "path": ["sys", "name"], "value": "%1"})";
        auto log = [](double value) {
            return QStringLiteral(
                       R"({"type": "LogFloats", "path": ["m"], "values": [{"value": %1, "step": null, "ts": 1700000000.0}]})")
                .arg(value)
                .toUtf8();
        };
        // 1.9+ async, acknowledged up to the end: finished.
        const QString synced = data + "/async/run__" + kResnet + "__77__abcdefgh";
        writeAll(synced + "/data-1.log", resnet);
        writeAll(synced + "/last_put_version", "48");
        writeAll(synced + "/last_ack_version", "48");
        // Before 1.9, async: two executions of one run, the second not yet sent.
        const QString old = data + "/async/run__11111111-2222-3333-4444-555555555555";
        const QString first = old + "/exec-1700000000.5-2023-11-14_22.13.20.500000-100";
        const QString second = old + "/exec-1700000900.25-2023-11-14_22.28.20.250000-200";
        writeAll(first + "/data-1.log", op(1, qPrintable(QString(name).arg("pre-1.9 async"))) +
                                            op(2, log(1.5)) + op(3, log(1.25)));
        writeAll(first + "/last_put_version", "3");
        writeAll(first + "/last_ack_version", "3");
        writeAll(second + "/data-1.log", op(1, log(1.0)) + op(2, log(0.75)));
        writeAll(second + "/last_put_version", "2");
        writeAll(second + "/last_ack_version", "1");
        // The oldest: offline/<uuid>/ and async/<uuid>/exec-<n>-<date>/.
        const QString oldestOffline = data + "/offline/22222222-3333-4444-5555-666666666666";
        writeAll(oldestOffline + "/data-1.log",
                 op(1, qPrintable(QString(name).arg("oldest offline"))));
        const QString oldestAsync = data + "/async/33333333-4444-5555-6666-777777777777";
        writeAll(oldestAsync + "/exec-0-2021-03-01_10.00.00.000000/data-1.log",
                 op(1, qPrintable(QString(name).arg("oldest async"))) + op(2, log(2.0)));
        writeAll(oldestAsync + "/exec-1-2021-03-02_10.00.00.000000/data-1.log", op(1, log(3.0)));
        // Project metadata is not a run.
        writeAll(data + "/async/project__44444444-5555-6666-7777-888888888888__1__x/data-1.log",
                 op(1, qPrintable(QString(name).arg("a project"))));

        const Loaded l(tmp.path());
        QCOMPARE(l.byName.keys(), (QStringList{"oldest async", "oldest offline", "pre-1.9 async",
                                               "resnet-baseline"}));
        QCOMPARE(l.project.sources.size(), size_t(1));
        QCOMPARE(l.project.sources.front()->root(), data);
        QCOMPARE(statusName(l.run("resnet-baseline").status), QStringLiteral("finished"));
        QCOMPARE(l.run("resnet-baseline").metrics["train/loss"].count, qint64(10));
        const Run& preAsync = l.run("pre-1.9 async");
        QCOMPARE(statusName(preAsync.status), QStringLiteral("running"));
        QCOMPARE(preAsync.location, old);
        // The execution folders' names give the start (exec-<unix time>-...).
        QCOMPARE(preAsync.startTimeMs.value_or(0), qint64(1700000000500));
        const MetricSeries m = l.history("pre-1.9 async", "m");
        QCOMPARE(m.steps, (std::vector<double>{0, 1, 2, 3}));
        QCOMPARE(m.values, (std::vector<double>{1.5, 1.25, 1.0, 0.75}));
        QCOMPARE(statusName(l.run("oldest offline").status), QStringLiteral("finished"));
        const MetricSeries oldest = l.history("oldest async", "m");
        QCOMPARE(oldest.values, (std::vector<double>{2.0, 3.0}));
        QCOMPARE(oldest.steps, (std::vector<double>{0, 1}));
    }

    // data-<N>.log files are read in version order (data-9 before data-21), across files.
    void clientJournalAcrossFiles() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/.neptune/offline/run__" + kResnet + "__1__abcdefgh";
        const QList<QByteArray> lines =
            readAll(clientFixture() + "/offline/run__" + kResnet + "__8394__usqmgivj/data-1.log")
                .split('\n');
        auto part = [&](int from, int to) {  // versions from..to, 1-based
            QByteArray out;
            for (int v = from; v <= to; ++v)
                out += lines[v - 1] + '\n';
            return out;
        };
        writeAll(dir + "/data-1.log", part(1, 8));
        writeAll(dir + "/data-9.log", part(9, 20));
        writeAll(dir + "/data-21.log", part(21, 48));
        const Loaded split(tmp.path());
        const Loaded whole(clientFixture());
        const Run& a = split.run("resnet-baseline");
        const Run& b = whole.run("resnet-baseline");
        QCOMPARE(a.params, b.params);
        QCOMPARE(a.tags, b.tags);
        QCOMPARE(a.metrics.keys(), b.metrics.keys());
        for (const QString& key : a.metrics.keys()) {
            const MetricSeries x = split.history("resnet-baseline", key);
            const MetricSeries y = whole.history("resnet-baseline", key);
            QCOMPARE(x.steps, y.steps);
            QCOMPARE(x.values, y.values);
            QCOMPARE(x.wallTimesMs, y.wallTimesMs);
        }
        QCOMPARE(a.problems, QStringList());
        // An async run whose first journal was sent and removed says so.
        QFile::remove(dir + "/data-1.log");
        const QString async = tmp.path() + "/.neptune/async";
        QVERIFY(QDir().rename(tmp.path() + "/.neptune/offline", async));
        const Loaded sent(tmp.path());
        // sys/name went with the first journal: the run is named by its id.
        QCOMPARE(sent.run(kResnet).problems,
                 QStringList{"operations 1 to 8 were sent to Neptune and removed from run__" +
                             kResnet + "__1__abcdefgh; the run shows what came after them"});
    }

    // Old clients write bare NaN and Infinity; replay: last assign wins, clears restart a
    // series and its numbering, tags come and go, attributes are deleted and copied, a step
    // not past the one before is refused as the server refuses it.
    void clientReplayRules() {
        const QByteArray journal =
            R"({"obj": {"type": "LogFloats", "path": ["m"], "values": [{"value": NaN, "step": 0, "ts": 1.0}, {"value": Infinity, "step": 1, "ts": 2.0}, {"value": -Infinity, "step": null, "ts": 3.0}]}, "version": 1}
{"obj": {"type": "AssignFloat", "path": ["p"], "value": 1.5}, "version": 2}
{"obj": {"type": "AssignFloat", "path": ["p"], "value": NaN}, "version": 3}
{"obj": {"type": "AssignInt", "path": ["q"], "value": 4}, "version": 4}
{"obj": {"type": "CopyAttribute", "path": ["r"], "container_id": "c-1", "container_type": "run", "source_path": ["q"], "source_attr_name": "Integer"}, "version": 5}
{"obj": {"type": "CopyAttribute", "path": ["s"], "container_id": "other", "container_type": "run", "source_path": ["q"], "source_attr_name": "Integer"}, "version": 6}
{"obj": {"type": "DeleteAttribute", "path": ["q"]}, "version": 7}
{"obj": {"type": "AddStrings", "path": ["sys", "tags"], "values": ["b", "a", "c"]}, "version": 8}
{"obj": {"type": "RemoveStrings", "path": ["sys", "tags"], "values": ["c"]}, "version": 9}
{"obj": {"type": "LogFloats", "path": ["n"], "values": [{"value": 1.0, "step": 5, "ts": 4.0}, {"value": 2.0, "step": 5, "ts": 5.0}, {"value": 3.0, "step": 4, "ts": 6.0}, {"value": 4.0, "step": 7.5, "ts": 7.0}]}, "version": 10}
{"obj": {"type": "ClearFloatLog", "path": ["m"]}, "version": 11}
{"obj": {"type": "LogFloats", "path": ["m"], "values": [{"value": 9.0, "step": null, "ts": 8.0}]}, "version": 12}
{"obj": {"type": "AddStrings", "path": ["labels"], "values": ["x", "y"]}, "version": 13}
{"obj": {"type": "ClearStringSet", "path": ["labels"]}, "version": 14}
{"obj": {"type": "AddStrings", "path": ["labels"], "values": ["z"]}, "version": 15}
{"obj": {"type": "LogFloats", "path": ["n"], "values": [{"value": 5.0, "step": null, "ts": 9.0}]}, "version": 15}
)";
        NeptuneClientRun::Journal j;
        j.containerId = QStringLiteral("c-1");
        j.file = QStringLiteral("data-1.log");
        NeptuneAttributes a;
        QCOMPARE(NeptuneClientRun::replay(journal.toStdString(), false, j, a),
                 size_t(journal.size()));
        Run run;
        a.fillRun(run);
        QVERIFY(std::isnan(run.params["p"].toDouble()));
        QCOMPARE(run.params["p"].text(), QStringLiteral("NaN"));
        QVERIFY(!run.params.contains("q"));
        QCOMPARE(run.params["r"].text(), QStringLiteral("4"));
        QVERIFY(!run.params.contains("s"));
        QCOMPARE(j.foreignCopies, 1);
        QCOMPARE(run.tags["sys/tags"], QStringLiteral("a, b"));
        QCOMPARE(run.params["labels"].text(), QStringLiteral("z"));
        const MetricSeries* m = a.floatSeries("m");
        QCOMPARE(m->steps, std::vector<double>{0});  // cleared, numbered from 0 again
        QCOMPARE(m->values, std::vector<double>{9.0});
        const MetricSeries* n = a.floatSeries("n");
        QCOMPARE(n->steps, (std::vector<double>{5, 7.5}));  // version 15 again: replayed once
        QCOMPARE(n->values, (std::vector<double>{1.0, 4.0}));
        QCOMPARE(a.refusedProblem(),
                 QStringLiteral("2 logged points at a step not past the one before were left "
                                "out, as Neptune's server refuses them (n)"));
        // A line nested a million deep costs that line only.
        const std::string deep = std::string(1000000, '[') + "\n" +
                                 R"({"obj": {"type": "AssignInt", "path": ["x"], "value": 1}, )"
                                 R"("version": 1})"
                                 "\n";
        NeptuneClientRun::Journal j3;
        NeptuneAttributes c;
        QCOMPARE(NeptuneClientRun::replay(deep, false, j3, c), deep.size());
        QCOMPARE(j3.badLines, 1);
        QCOMPARE(c.atom("x").value_or(ParamValue()).text(), QStringLiteral("1"));
        // Non-finite values kept as logged, before the clear.
        NeptuneClientRun::Journal j2;
        NeptuneAttributes b;
        NeptuneClientRun::replay(journal.left(journal.indexOf('\n') + 1).toStdString(), false, j2,
                                 b);
        const MetricSeries* early = b.floatSeries("m");
        QCOMPARE(early->steps, (std::vector<double>{0, 1, 2}));
        QVERIFY(std::isnan(early->values[0]));
        QCOMPARE(early->values[1], INFINITY);
        QCOMPARE(early->values[2], -INFINITY);
    }

    // A journal line cut in two and an operation of an unknown type: one problem each, the
    // rest replayed; a cut last line waits while the file may still be written.
    void clientDamagedJournal() {
        QTemporaryDir tmp;
        const QString run =
            copyTree(clientFixture() + "/offline/run__" + kResnet + "__8394__usqmgivj",
                     tmp.path() + "/run__" + kResnet + "__8394__usqmgivj");
        QDir().mkpath(tmp.path() + "/.neptune/offline");
        const QString dir = tmp.path() + "/.neptune/offline/" + QFileInfo(run).fileName();
        QVERIFY(QDir().rename(run, dir));
        QList<QByteArray> lines = readAll(dir + "/data-1.log").split('\n');
        lines.removeLast();  // the empty piece after the last newline
        // Version 20 (train/acc step 1) cut in two; version 46 of an unknown type.
        const QByteArray cut = lines[19];
        lines[19] = cut.left(40);
        lines.insert(20, cut.mid(40));
        lines[46].replace("AssignFloat", "AssignComplex");
        writeAll(dir + "/data-1.log", lines.join('\n') + '\n');
        Loaded l(tmp.path());
        const Run& r = l.run("resnet-baseline");
        QCOMPARE(
            r.problems,
            (QStringList{"2 journal lines cut short or damaged (the first: data-1.log line 20) "
                         "were skipped; the others were replayed",
                         "1 operation of a type this reader does not know (AssignComplex; the "
                         "first: data-1.log line 47) was skipped; the others were replayed"}));
        QCOMPARE(r.metrics["train/acc"].count, qint64(9));
        QCOMPARE(r.metrics["train/loss"].count, qint64(10));
        QVERIFY(!r.params.contains("eval/final_acc"));
        QCOMPARE(r.params["eval/best_epoch"].text(), QStringLiteral("7"));
        QCOMPARE(l.project.delta.problems.size(), 2);

        // A last line without its newline: being written while the file is fresh, damage
        // once it has been left alone.
        writeAll(dir + "/data-1.log", lines.mid(0, 15).join('\n') + '\n' + lines[15].left(30));
        const Loaded fresh(tmp.path());
        QCOMPARE(fresh.run("resnet-baseline").problems, QStringList());
        QCOMPARE(fresh.run("resnet-baseline").metrics["train/loss"].count, qint64(1));
        settle(dir + "/data-1.log");
        const Loaded settled(tmp.path());
        QCOMPARE(settled.run("resnet-baseline").problems,
                 QStringList{"1 journal line cut short or damaged (the first: data-1.log line 16) "
                             "was skipped; the others were replayed"});
    }

    // neptune-scale 0.25.1, run A: configs of every type, metrics at whole and .5 steps, a
    // preview point, a string series, tags and group tags, a histogram and a file listed.
    void scaleRunA() {
        QTemporaryDir tmp;
        copyTree(fixtures() + "/neptune/neptune-scale-0.25.1", tmp.path() + "/p");
        const Loaded l(tmp.path() + "/p");
        QCOMPARE(l.project.sources.size(), size_t(1));
        QCOMPARE(l.project.sources.front()->kind(), QStringLiteral("neptune-scale"));
        QCOMPARE(l.byName.keys(), (QStringList{"exp-baseline", "exp-finetune"}));
        const Run& run = l.run("exp-baseline");
        QCOMPARE(run.nativeId, QStringLiteral("scale-run-a"));
        QCOMPARE(run.experiment, QStringLiteral("demo-ws/runlens-demo"));
        QCOMPARE(statusName(run.status), QStringLiteral("finished"));
        QCOMPARE(run.problems, QStringList());
        QCOMPARE(run.startTimeMs.value_or(0), qint64(kT0 * 1000));   // Run.creation_time
        QCOMPARE(run.endTimeMs.value_or(0), qint64(1796140103771));  // the last row enqueued
        QCOMPARE(run.location, QFileInfo(tmp.path() + "/p/.neptune/demo-ws_runlens-demo_scale-"
                                                      "run-a_1796140103754809600")
                                   .absoluteFilePath());
        checkBaselineParams(run);
        QCOMPARE(run.tags.value("sys/tags"), QStringLiteral("baseline"));
        QCOMPARE(run.tags.value("sys/group_tags"), QStringLiteral("group-a"));
        QCOMPARE(run.tags.value("sys/name"), QStringLiteral("exp-baseline"));
        QCOMPARE(run.tags.value("sys/custom_run_id"), QStringLiteral("scale-run-a"));
        QCOMPARE(run.tags.value("logs/messages"), QStringLiteral("epoch 9: checkpoint saved"));
        QVERIFY(run.parentId.isEmpty());

        // train/loss: steps 0..9, then the preview at step 10 (0.07).
        const MetricSeries loss = l.history("exp-baseline", "train/loss");
        QCOMPARE(loss.size(), size_t(11));
        for (size_t s = 0; s < 10; ++s) {
            QCOMPARE(loss.steps[s], double(s));
            QVERIFY(close(loss.values[s], 2.0 * std::exp(-0.3 * double(s)) + 0.05));
            QCOMPARE(loss.wallTimesMs[s], (kT0 + 30.0 * double(s)) * 1000);
        }
        QCOMPARE(loss.steps[10], 10.0);
        QCOMPARE(loss.values[10], 0.07);
        QCOMPARE(run.metrics["train/loss"].last, 0.07);
        // Fractional steps: Step{whole, micro = 500000}.
        const MetricSeries val = l.history("exp-baseline", "eval/val_loss");
        QCOMPARE(val.steps, (std::vector<double>{0.5, 3.5, 6.5, 9.5}));
        QCOMPARE(val.values[1], 0.9919697607561309);
        QCOMPARE(val.wallTimesMs[1], (kT0 + 95) * 1000);
        QCOMPARE(l.history("exp-baseline", "train/acc").values[9], 0.9726762775527075);
        const auto skipped = l.project.sources.front()->skippedTags();
        QCOMPARE(skipped.value("histogram"), QStringList{"weights/hist"});
        QCOMPARE(skipped.value("file"), QStringList{"artifacts/config_json"});
    }

    // Run B forks run A at step 5: listed under it with the fork step; its own points only.
    void scaleForkRunB() {
        QTemporaryDir tmp;
        copyTree(scaleFixture(), tmp.path() + "/.neptune");
        const Loaded l(tmp.path());
        const Run& a = l.run("exp-baseline");
        const Run& b = l.run("exp-finetune");
        QCOMPARE(b.nativeId, QStringLiteral("scale-run-b"));
        QCOMPARE(b.parentId, a.id);
        QCOMPARE(b.tags.value("sys/forking/parent"), QStringLiteral("scale-run-a"));
        QCOMPARE(b.tags.value("sys/forking/step"), QStringLiteral("5"));
        checkParam(b, "parameters/lr", ParamValue::Type::Double, "0.0001");
        QCOMPARE(b.tags.value("runtime/stdout"), QStringLiteral("hello from scale run B stdout"));
        const MetricSeries loss = l.history("exp-finetune", "train/loss");
        QCOMPARE(loss.steps, (std::vector<double>{6, 7, 8}));
        QCOMPARE(loss.values, (std::vector<double>{0.3 / 2, 0.3 / 3, 0.3 / 4}));
        QCOMPARE(loss.values[1], 0.09999999999999999);
        QCOMPARE(loss.wallTimesMs[0], 1796140103.0 * 1000 + 776.869058);
        QCOMPARE(b.startTimeMs.value_or(0), qint64(1796140103775));
        QCOMPARE(b.problems, QStringList());
    }

    // Step{whole, micro}: the double nearest the decimal, as the exporter writes it.
    void scaleSteps() {
        auto step = [](quint64 whole, quint64 micro) {
            Proto p;
            if (whole) p.number(1, whole);
            if (micro) p.number(2, micro);
            return NeptuneScaleOperation::decodeStep(p.bytes.toStdString()).value_or(-1);
        };
        QCOMPARE(step(0, 0), 0.0);
        QCOMPARE(step(5, 1), 5.000001);
        QCOMPARE(step(0, 333333), 0.333333);
        QCOMPARE(step(600, 500000), 600.5);
        QVERIFY(!NeptuneScaleOperation::decodeStep("\x08").has_value());  // cut short
    }

    // A garbage blob and an operation type of a later client: one problem each, the other rows
    // replayed.
    void scaleDamagedRows() {
        QTemporaryDir tmp;
        copyTree(scaleFixture(), tmp.path() + "/.neptune");
        const QString db = tmp.path() +
                           "/.neptune/demo-ws_runlens-demo_scale-run-a_1796140103754809600/"
                           "run_operations.sqlite3";
        executeSql(db.toUtf8().constData(),
                   "UPDATE run_operations SET operation = X'0aFFFFFFFF0f' WHERE sequence_id = 10;"
                   "UPDATE run_operations SET operation_type = 7 WHERE sequence_id = 31;");
        const Loaded l(tmp.path());
        const Run& run = l.run("exp-baseline");
        QCOMPARE(run.problems,
                 (QStringList{
                     "1 operation whose BLOB is not a well-formed protobuf message (the first: #10 "
                     "in demo-ws_runlens-demo_scale-run-a_1796140103754809600/"
                     "run_operations.sqlite3) was skipped; the others were replayed",
                     "1 operation of a type this reader does not know (the first: #31 in "
                     "demo-ws_runlens-demo_scale-run-a_1796140103754809600/run_operations.sqlite3, "
                     "type 7) was skipped; the others were replayed"}));
        QCOMPARE(l.history("exp-baseline", "train/loss").steps,
                 (std::vector<double>{0, 1, 3, 4, 5, 6, 7, 8, 9, 10}));
        QVERIFY(!run.params.contains("eval/final_acc"));
        QCOMPARE(run.params.size(), 8);
        QCOMPARE(l.run("exp-finetune").problems, QStringList());
        // A database that is not neptune-scale's is said, the other runs read.
        writeAll(tmp.path() + "/.neptune/x_y_1/run_operations.sqlite3", "not a database");
        const Loaded broken(tmp.path());
        QCOMPARE(broken.byName.size(), 2);
        bool said = false;
        for (const Problem& p : broken.project.delta.problems)
            said |= p.path.endsWith("x_y_1/run_operations.sqlite3") &&
                    p.message.contains("not an SQLite database");
        QVERIFY(said);
    }

    // Preview points past the last final one are replaced by a later preview or final value at
    // their step; a final value before them leaves them be.
    void scalePreviewRules() {
        NeptuneAttributes a;
        a.appendFloat("m", 1, 1.0, 0);
        a.appendFloat("m", 3, 3.0, 0, true);
        a.appendFloat("m", 2, 2.0, 0, true);
        a.appendFloat("m", 3, 3.5, 0, true);  // replaces the preview at 3
        a.appendFloat("m", 2, 2.5, 0);        // the final value at 2
        a.appendFloat("m", 2, 9.0, 0, true);  // refused: 2 is final
        a.appendFloat("m", 3, 3.75, 0);       // replaces the preview at 3
        const MetricSeries* m = a.floatSeries("m");
        QCOMPARE(m->steps, (std::vector<double>{1, 2, 3}));
        QCOMPARE(m->values, (std::vector<double>{1.0, 2.5, 3.75}));
        QVERIFY(a.refusedProblem().startsWith("1 logged point"));
    }

    // A database being written grows in the view: its rows are read from the last one on,
    // and the run is running while its writer's -wal holds frames.
    void scaleDatabaseGrowsWhileWatched() {
        QTemporaryDir tmp;
        copyTree(scaleFixture(), tmp.path() + "/.neptune");
        const QString db = tmp.path() +
                           "/.neptune/demo-ws_runlens-demo_scale-run-a_1796140103754809600/"
                           "run_operations.sqlite3";
        Writer writer(db);
        writer.insert(0, appendSnapshot(11, 1735733130, "train/loss", 0.06));
        auto project = std::make_shared<LoadedProject>(loadProject(tmp.path(), {}));
        Catalog catalog;
        const std::vector<Run> runs = project->delta.runs;
        catalog.apply(std::move(project->delta));
        auto runA = [&] {
            for (const Run& r : catalog.runs())
                if (r.nativeId == u"scale-run-a") return r;
            qFatal("no run A");
        };
        QCOMPARE(runA().metrics["train/loss"].step, 11.0);
        QCOMPARE(statusName(runA().status), QStringLiteral("running"));
        LiveProject live;
        QObject::connect(&live, &LiveProject::updated, &catalog,
                         [&](std::shared_ptr<ScanDelta> d) { catalog.apply(std::move(*d)); });
        live.watcher().setPollInterval(100);
        live.start(project, runs);
        for (int i = 12; i < 15; ++i) {
            writer.insert(
                0, appendSnapshot(quint64(i), 1735733100 + 30 * (i - 10), "train/loss", 0.01 * i));
            QTRY_COMPARE_WITH_TIMEOUT(runA().metrics["train/loss"].step, double(i), 10000);
        }
        QCOMPARE(runA().metrics["train/loss"].count, qint64(15));  // 0-9, the preview at 10, 11-14
        QCOMPARE(runA().metrics["train/loss"].last, 0.14);
        const Run current = runA();
        const HistoryResult h = project->sourceFor(current)->loadHistory(current, "train/loss");
        QCOMPARE(h.series.steps.back(), 14.0);
    }

    // A journal being appended to grows in the view; a line written in two pieces is read once
    // whole.
    void clientJournalGrowsWhileWatched() {
        QTemporaryDir tmp;
        const QString dir = tmp.path() + "/.neptune/async/run__" + kResnet + "__1__abcdefgh";
        writeAll(dir + "/data-1.log", readAll(clientFixture() + "/offline/run__" + kResnet +
                                              "__8394__usqmgivj/data-1.log"));
        writeAll(dir + "/last_put_version", "48");
        writeAll(dir + "/last_ack_version", "0");
        auto project = std::make_shared<LoadedProject>(loadProject(tmp.path(), {}));
        Catalog catalog;
        const std::vector<Run> runs = project->delta.runs;
        catalog.apply(std::move(project->delta));
        QCOMPARE(statusName(catalog.runs().front().status), QStringLiteral("running"));
        LiveProject live;
        QObject::connect(&live, &LiveProject::updated, &catalog,
                         [&](std::shared_ptr<ScanDelta> d) { catalog.apply(std::move(*d)); });
        live.watcher().setPollInterval(100);
        live.start(project, runs);
        QFile journal(dir + "/data-1.log");
        QVERIFY(journal.open(QIODevice::Append));
        const QByteArray line =
            R"({"obj": {"type": "LogFloats", "path": ["train", "loss"], "values": [{"value": 0.125, "step": 10, "ts": 1735733100.0}]}, "version": 49, "at": 1796140060.0})"
            "\n";
        journal.write(line.left(50));
        journal.flush();
        const int looks = live.looks();
        live.rescanNow();
        QTRY_VERIFY(live.looks() > looks);
        QCOMPARE(catalog.runs().front().metrics["train/loss"].count, qint64(10));
        journal.write(line.mid(50));
        journal.flush();
        QTRY_COMPARE_WITH_TIMEOUT(catalog.runs().front().metrics["train/loss"].count, qint64(11),
                                  10000);
        QCOMPARE(catalog.runs().front().metrics["train/loss"].last, 0.125);
        QCOMPARE(catalog.runs().front().problems, QStringList());
    }
};

QTEST_GUILESS_MAIN(TestNeptune)
#include "tst_neptune.moc"
