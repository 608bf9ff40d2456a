// TensorBoard logdirs against TensorBoard 2.22's own answers (fixtures/tensorboard/expected),
// the public event files, damage, restarts and incremental reads.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <cmath>
#include <random>

#include "TestSupport.h"
#include "TfEventWriter.h"
#include "codec/Crc32c.h"
#include "sources/TensorBoardSource.h"
#include "sources/TfEvent.h"

using namespace runlens;
using namespace testsupport;

namespace {

QJsonObject expected(const QString& name) {
    QFile f(fixtures() + "/tensorboard/expected/" + name);
    if (!f.open(QIODevice::ReadOnly)) qFatal("missing %s", qPrintable(name));
    return QJsonDocument::fromJson(f.readAll()).object();
}

struct Logdir {
    std::unique_ptr<TensorBoardSource> source;
    QMap<QString, Run> runs;

    // Runs as TensorBoard lists them (add_hparams sub-runs on their own) unless `join`.
    explicit Logdir(const QString& path, bool purge = true, bool join = false)
        : source(std::make_unique<TensorBoardSource>(path)) {
        ScanOptions options;
        options.purgeRestarts = purge;
        options.joinHparamsRuns = join;
        for (Run& run : source->scan(options).runs)
            runs.insert(run.name, std::move(run));
    }
    MetricSeries history(const QString& run, const QString& tag) {
        const HistoryResult h = source->loadHistory(runs.value(run), tag);
        if (!h.found) qWarning("no history %s %s", qPrintable(run), qPrintable(tag));
        return h.series;
    }
};

// Every point TensorBoard reports for `run`/`tag` equals ours: step, wall time, value.
void compareSeries(const MetricSeries& ours, const QJsonArray& theirs, const QString& what) {
    QVERIFY2(ours.size() == size_t(theirs.size()),
             qPrintable(QStringLiteral("%1: %2 points, TensorBoard %3")
                            .arg(what)
                            .arg(ours.size())
                            .arg(theirs.size())));
    for (qsizetype i = 0; i < theirs.size(); ++i) {
        const QJsonArray p = theirs[i].toArray();
        QCOMPARE(ours.steps[size_t(i)], p[0].toInteger());
        QVERIFY2(std::abs(ours.wallTimesMs[size_t(i)] / 1000 - p[1].toDouble()) < 1e-6,
                 qPrintable(what));
        QCOMPARE(ours.values[size_t(i)], p[2].toDouble());
    }
}

void compareAllScalars(Logdir& logdir, const QJsonObject& scalars) {
    int compared = 0;
    for (auto run = scalars.begin(); run != scalars.end(); ++run) {
        const QJsonObject tags = run.value().toObject();
        for (auto tag = tags.begin(); tag != tags.end(); ++tag) {
            compareSeries(logdir.history(run.key(), tag.key()), tag.value().toArray(),
                          run.key() + u':' + tag.key());
            compared += int(tag.value().toArray().size());
        }
    }
    QVERIFY(compared > 0);
}

// Sessions, params and metric values as TensorBoard's hparams plugin lists them.
void compareSessions(Logdir& logdir, const QJsonObject& expectedJson) {
    const QJsonArray groups = expectedJson["session_groups"].toObject()["sessionGroups"].toArray();
    QVERIFY(!groups.isEmpty());
    int sessionRuns = 0;
    for (const Run& run : logdir.runs)
        sessionRuns += run.params.isEmpty() ? 0 : 1;
    QCOMPARE(sessionRuns, int(groups.size()));
    for (const QJsonValue& g : groups) {
        const QJsonObject group = g.toObject();
        const QString name = group["name"].toString();
        QVERIFY2(logdir.runs.contains(name), qPrintable(name));
        const Run& run = logdir.runs[name];
        const QJsonObject hparams = group["hparams"].toObject();
        QCOMPARE(run.params.size(), hparams.size());
        for (auto it = hparams.begin(); it != hparams.end(); ++it) {
            const ParamValue p = run.params.value(it.key());
            if (it.value().isString())
                QCOMPARE(p.text(), it.value().toString());
            else if (it.value().isBool())
                QCOMPARE(p.toBool(), it.value().toBool());
            else
                QCOMPARE(p.toDouble(), it.value().toDouble());
        }
        for (const QJsonValue& mv : group["metricValues"].toArray()) {
            const QJsonObject metric = mv.toObject();
            const QJsonObject metricName = metric["name"].toObject();
            const QString key =
                metricName["group"].toString().isEmpty()
                    ? metricName["tag"].toString()
                    : metricName["group"].toString() + u'/' + metricName["tag"].toString();
            QVERIFY2(run.metrics.contains(key), qPrintable(name + u' ' + key));
            const MetricSummary m = run.metrics[key];
            QCOMPARE(m.last, metric["value"].toDouble());
            QCOMPARE(m.step, metric["trainingStep"].toInteger());
            QVERIFY(std::abs(m.timestampMs / 1000 - metric["wallTimeSecs"].toDouble()) < 1e-6);
        }
    }
}

QStringList names(const Logdir& logdir) {
    QStringList n = logdir.runs.keys();
    n.sort();
    return n;
}

QStringList sortedStrings(const QJsonArray& array) {
    QStringList out;
    for (const QJsonValue& v : array)
        out << v.toString();
    out.sort();
    return out;
}

}  // namespace

class TestTensorBoard : public QObject {
    Q_OBJECT
private slots:
    void crc32cTestVector() {
        const char data[] =
            "\x1a\x11"
            "CRC test, one two";
        QCOMPARE(maskedCrc32c(data, sizeof data - 1), 0x5794d08au);
        QCOMPARE(crc32cPortable("123456789", 9), 0xE3069283u);  // the standard CRC-32C check value
        std::mt19937 rng(1);
        std::string random(100003, '\0');
        for (char& c : random)
            c = char(rng());
        for (size_t len : {63, 4096, 100003})
            QCOMPARE(crc32c(random.data(), len), crc32cPortable(random.data(), len));
        for (size_t len = 0; len <= 40; ++len)  // every tail after the 8-byte steps
            for (size_t start : {0, 1, 3})
                QCOMPARE(crc32c(random.data() + start, len),
                         crc32cPortable(random.data() + start, len));
        qInfo("hardware CRC32C: %s", crc32cHasHardware() ? "yes" : "no");
    }

    // The fast path for add_scalar's shape reads what the general decoders read, and gives
    // way to them for anything else: every cut and every byte flip of such events is either
    // refused or read exactly as decodeEvent() + decodeSummaryValue() read it.
    void scalarFastPathMatchesGeneralDecoding() {
        using namespace tfwriter;
        auto general = [](std::string_view bytes, EventView& event, SummaryValueView& value) {
            int values = 0;
            if (!decodeEvent(bytes, event) || event.hasFileVersion || event.hasGraph ||
                event.sessionLogStatus != 0)
                return false;
            const bool ok = forEachSummaryValue(event.summary, [&](const SummaryValueView& v) {
                value = v;
                ++values;
            });
            return ok && values == 1 && value.simpleValue && value.metadata.empty() &&
                   value.tensor.empty() && !value.legacyKind;
        };
        auto same = [](const EventView& a, const SummaryValueView& av, const EventView& b,
                       const SummaryValueView& bv) {
            return memcmp(&a.wallTime, &b.wallTime, 8) == 0 && a.step == b.step &&
                   a.summary == b.summary && av.tag == bv.tag &&
                   memcmp(&*av.simpleValue, &*bv.simpleValue, 4) == 0;
        };
        std::vector<std::string> events;
        for (int64_t step : {int64_t(0), int64_t(1), int64_t(300), int64_t(-5), int64_t(1) << 40})
            for (const std::string& tag :
                 {std::string(), std::string("loss"), std::string(200, 't')})
                events.push_back(
                    scalarEvent(1764000000.123 + double(step), step, tag, float(step) * 0.1f - 3));
        int fast = 0;
        for (const std::string& bytes : events) {
            EventView a, b;
            SummaryValueView av, bv;
            QVERIFY(decodeScalarEvent(bytes, a, av));
            QVERIFY(general(bytes, b, bv));
            QVERIFY(same(a, av, b, bv));
            for (size_t cut = 0; cut < bytes.size(); ++cut) {
                EventView c;
                SummaryValueView cv;
                QVERIFY(!decodeScalarEvent(std::string_view(bytes).substr(0, cut), c, cv));
            }
            for (size_t i = 0; i < bytes.size(); ++i)
                for (int bit = 0; bit < 8; ++bit) {
                    std::string flipped = bytes;
                    flipped[i] = char(flipped[i] ^ (1 << bit));
                    EventView c, d;
                    SummaryValueView cv, dv;
                    if (!decodeScalarEvent(flipped, c, cv)) continue;
                    ++fast;
                    QVERIFY2(general(flipped, d, dv) && same(c, cv, d, dv),
                             qPrintable(QString("byte %1 bit %2").arg(i).arg(bit)));
                }
        }
        QVERIFY(fast > 1000);  // flips of the wall time, step, tag and value bytes
        // Other shapes go to the general decoders.
        std::string value;
        bytesField(value, 1, "loss");
        floatField(value, 2, 1.5f);
        std::string withMetadata = value;
        bytesField(withMetadata, 9, "");
        std::string twoValues;
        bytesField(twoValues, 1, value);
        bytesField(twoValues, 1, value);
        std::string reordered;
        key(reordered, 2, 0);
        varint(reordered, 3);
        doubleField(reordered, 1, 1.0);
        bytesField(reordered, 5, std::string("\x0a") + char(value.size()) + value);
        for (const std::string& other :
             {fileVersionEvent(1.0), summaryEvent(1.0, 3, withMetadata), reordered,
              summaryEvent(1.0, 3, value) + std::string("\x38\x01", 2)}) {
            EventView e;
            SummaryValueView v;
            QVERIFY(!decodeScalarEvent(other, e, v));
        }
        std::string two;
        doubleField(two, 1, 1.0);
        key(two, 2, 0);
        varint(two, 3);
        bytesField(two, 5, twoValues);
        EventView e;
        SummaryValueView v;
        QVERIFY(!decodeScalarEvent(two, e, v));
    }

    // Rank-0 tensors in every dtype and field TensorFlow and PyTorch write.
    void scalarTensorEncodings() {
        using namespace tfwriter;
        auto tensor = [](int dtype, auto&& body) {
            std::string t;
            key(t, 1, 0);
            varint(t, uint64_t(dtype));
            bytesField(t, 2, "");  // TensorShapeProto with no dims: rank 0
            body(t);
            return t;
        };
        auto packed = [](std::string& t, uint32_t field, const std::string& payload) {
            bytesField(t, field, payload);
        };
        auto raw = [](auto v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); };
        // float_val (5), double_val (6), packed
        QCOMPARE(scalarFromTensor(tensor(1, [&](std::string& t) { packed(t, 5, raw(0.25f)); })),
                 0.25);
        QCOMPARE(scalarFromTensor(tensor(2, [&](std::string& t) { packed(t, 6, raw(0.1)); })), 0.1);
        // half_val (13) holds DT_HALF (19) and DT_BFLOAT16 (14) bits as varints
        QCOMPARE(scalarFromTensor(tensor(19,
                                         [&](std::string& t) {
                                             std::string v;
                                             varint(v, 0x3C00);
                                             packed(t, 13, v);
                                         })),
                 1.0);
        QCOMPARE(scalarFromTensor(tensor(19,
                                         [&](std::string& t) {
                                             std::string v;
                                             varint(v, 0xC100);
                                             packed(t, 13, v);
                                         })),
                 -2.5);
        QCOMPARE(scalarFromTensor(tensor(14,
                                         [&](std::string& t) {
                                             std::string v;
                                             varint(v, 0x3FC0);
                                             packed(t, 13, v);
                                         })),
                 1.5);
        // int_val (7) for DT_INT32 (3), negative as a sign-extended varint; int64_val (10)
        QCOMPARE(scalarFromTensor(tensor(3,
                                         [&](std::string& t) {
                                             std::string v;
                                             varint(v, uint64_t(int64_t(-7)));
                                             packed(t, 7, v);
                                         })),
                 -7.0);
        QCOMPARE(scalarFromTensor(tensor(9,
                                         [&](std::string& t) {
                                             std::string v;
                                             varint(v, 1ull << 40);
                                             packed(t, 10, v);
                                         })),
                 double(1ull << 40));
        // unpacked float_val, as old writers did
        QCOMPARE(scalarFromTensor(tensor(1, [&](std::string& t) { floatField(t, 5, 3.5f); })), 3.5);
        // tensor_content (4): TF2/Keras float, and double, half, int64 raw bytes
        QCOMPARE(scalarFromTensor(tensor(1, [&](std::string& t) { bytesField(t, 4, raw(0.75f)); })),
                 0.75);
        QCOMPARE(
            scalarFromTensor(tensor(2, [&](std::string& t) { bytesField(t, 4, raw(1e-300)); })),
            1e-300);
        QCOMPARE(scalarFromTensor(
                     tensor(19, [&](std::string& t) { bytesField(t, 4, raw(uint16_t(0x3800))); })),
                 0.5);
        QCOMPARE(scalarFromTensor(
                     tensor(9, [&](std::string& t) { bytesField(t, 4, raw(int64_t(-42))); })),
                 -42.0);
        // Not scalars: two values, a [3] shape, a string
        QVERIFY(!scalarFromTensor(
            tensor(1, [&](std::string& t) { packed(t, 5, raw(1.0f) + raw(2.0f)); })));
        std::string vector3;
        key(vector3, 1, 0), varint(vector3, 1);
        std::string dim, shape;
        key(dim, 1, 0), varint(dim, 3);
        bytesField(shape, 2, dim);
        bytesField(vector3, 2, shape);
        bytesField(vector3, 4, raw(1.0f) + raw(2.0f) + raw(3.0f));
        QVERIFY(!scalarFromTensor(vector3));
        QVERIFY(!scalarFromTensor(tensor(7, [&](std::string& t) { bytesField(t, 8, "text"); })));
    }

    void pytorchHParamsEqualTensorBoard() {
        const QJsonObject want = expected("peer_pt_hparams.json");
        Logdir logdir(fixtures() + "/tensorboard/pt_hparams");
        QCOMPARE(names(logdir), sortedStrings(want["runs"].toArray()));
        compareAllScalars(logdir, want["scalars"].toObject());
        compareSessions(logdir, want);
        // The add_hparams sub-run nests under its run; its params are typed.
        const Run& session = logdir.runs["trial_1/hp"];
        QCOMPARE(session.parentId, logdir.runs["trial_1"].id);
        QCOMPARE(session.params["opt"].type(), ParamValue::Type::String);
        QCOMPARE(session.params["lr"].type(), ParamValue::Type::Double);
        QCOMPARE(session.params["lr"].text(), QStringLiteral("0.01"));
        QCOMPARE(logdir.runs["trial_1"].experiment, QStringLiteral("pt_hparams"));
    }

    void addHparamsSubRunsJoinTheirTrials() {
        // TensorBoard lists trial_0 (curves) and trial_0/1795811822.5007818 (hparams) apart;
        // joined, the trial is one row with both.
        Logdir apart(fixtures() + "/tensorboard/pt_hparams");
        Logdir joined(fixtures() + "/tensorboard/pt_hparams", true, true);
        QCOMPARE(names(joined),
                 QStringList({"trial_0", "trial_1", "trial_2", "trial_3", "trial_4", "trial_5"}));
        for (const QString& trial : names(joined)) {
            const Run& row = joined.runs[trial];
            QString sub;
            for (const QString& name : names(apart))
                if (name.startsWith(trial + u'/')) sub = name;
            QVERIFY2(!sub.isEmpty(), qPrintable(trial));
            QCOMPARE(row.tags.value("tensorboard.hparams_run"), sub);
            const Run& session = apart.runs[sub];
            QCOMPARE(row.params.keys(), session.params.keys());
            for (auto it = session.params.begin(); it != session.params.end(); ++it)
                QCOMPARE(row.params[it.key()].text(), it.value().text());
            QCOMPARE(row.status, session.status);
            // The trial's own curves and the session's metrics, each with its history.
            for (const QString& key : apart.runs[trial].metrics.keys())
                QCOMPARE(joined.history(trial, key).values, apart.history(trial, key).values);
            for (const QString& key : session.metrics.keys()) {
                QVERIFY2(row.metrics.contains(key), qPrintable(key));
                if (!apart.runs[trial].metrics.contains(key))
                    QCOMPARE(joined.history(trial, key).values, apart.history(sub, key).values);
            }
        }
    }

    void kerasHParamsEqualTensorBoard() {
        const QJsonObject want = expected("peer_tb_hparams_v2.json");
        Logdir logdir(fixtures() + "/tensorboard/tb_hparams_v2");
        QCOMPARE(names(logdir), sortedStrings(want["runs"].toArray()));
        compareAllScalars(logdir, want["scalars"].toObject());
        compareSessions(logdir, want);
        // A session metric's history is its group sub-run's.
        const MetricSeries acc = logdir.history("run-0", "validation/epoch_accuracy");
        QCOMPARE(acc.size(), size_t(10));
        QCOMPARE(acc.values, logdir.history("run-0/validation", "epoch_accuracy").values);
    }

    void damagedFilesKeepWhatTensorBoardKeeps() {
        const QJsonObject want = expected("peer_damaged.json");
        Logdir logdir(fixtures() + "/tensorboard/damaged");
        const QJsonObject scalars = want["scalars"].toObject();
        for (const QString& run : {QStringLiteral("bad_crc"), QStringLiteral("truncated")}) {
            const MetricSeries ours = logdir.history(run, "x");
            const QJsonArray theirs = scalars[run].toObject()["x"].toArray();
            QVERIFY(ours.size() >= size_t(theirs.size()));
            // TensorBoard's points, in order, are a part of ours.
            size_t j = 0;
            for (const QJsonValue& p : theirs) {
                while (j < ours.size() && ours.steps[j] != p.toArray()[0].toInteger())
                    ++j;
                QVERIFY(j < ours.size());
                QCOMPARE(ours.values[j], p.toArray()[2].toDouble());
            }
        }
        // bad_crc: only record 10 is lost (TensorBoard stops there and keeps 9).
        QCOMPARE(logdir.history("bad_crc", "x").size(), size_t(19));
        QCOMPARE(logdir.runs["bad_crc"].problems.size(), 1);
        QVERIFY(logdir.runs["bad_crc"].problems[0].contains(u"data CRC mismatch"));
        // truncated: the cut last record is in a file no longer written (the fixture is old),
        // so it is damage, said once (issue 15); in a file being written it would wait
        // (tst_hostile_records, tfeventsLengthPastTheEnd).
        QCOMPARE(logdir.history("truncated", "x").size(), size_t(19));
        QCOMPARE(logdir.runs["truncated"].problems.size(), 1);
        QVERIFY(logdir.runs["truncated"].problems[0].contains(
            u"past the end of a file no longer written"));
        // bad_proto: TensorBoard's loader raises; we skip the garbage record only.
        QCOMPARE(logdir.history("bad_proto", "x").size(), size_t(10));
        QCOMPARE(logdir.runs["bad_proto"].problems.size(), 1);
        QVERIFY(logdir.runs["bad_proto"].problems[0].contains(u"offset 233"));
    }

    void restartsArePurged() {
        const QJsonObject want = expected("peer_pt_restart.json");
        const QJsonObject legacy = want["legacy_event_accumulator"].toObject();
        Logdir purged(fixtures() + "/tensorboard/pt_restart");
        // With purge_step (a SessionLog START at 50): exactly TensorBoard's legacy loader.
        compareSeries(purged.history("restart_purge_step", "loss"),
                      legacy["restart_purge_step"].toObject()["loss"].toArray(), "purge_step");
        // Without it, the newer file going back to step 50 purges the same way; TensorBoard
        // keeps both attempts here (200 points), which draws a zigzag.
        const MetricSeries nopurge = purged.history("restart_nopurge", "loss");
        QCOMPARE(nopurge.size(), size_t(150));
        for (size_t i = 0; i < nopurge.size(); ++i)
            QCOMPARE(nopurge.steps[i], qint64(i));
        const QJsonArray raw = legacy["restart_nopurge"].toObject()["loss"].toArray();
        QCOMPARE(nopurge.values[49], raw[49].toArray()[2].toDouble());
        QCOMPARE(nopurge.values[50],
                 raw[100].toArray()[2].toDouble());  // the second attempt's step 50
        QCOMPARE(purged.runs["restart_nopurge"].metrics["loss"].count, 150);

        // --no-purge keeps the raw sequence: TensorBoard's data server's answer.
        Logdir raw2(fixtures() + "/tensorboard/pt_restart", false);
        compareAllScalars(raw2, want["scalars"].toObject());
    }

    // Public files: TF2/Keras tensor_content, PyTorch with duplicate steps, TF1 graph + scalars,
    // zero wall time. Counts from SOURCES.md; values spot-checked with an independent decoder.
    void publicFixtures() {
        REQUIRE_THIRD_PARTY(QStringLiteral("tensorboard/public_fixtures"));
        Logdir logdir(thirdPartyFixtures() + "/tensorboard/public_fixtures");
        for (const QString& split : {QStringLiteral("train"), QStringLiteral("test")}) {
            const Run& run = logdir.runs["katib_tf2_keras_logs/" + split];
            QCOMPARE(run.metrics.keys(), (QStringList{"accuracy", "loss"}));
            QCOMPARE(run.metrics["loss"].count, 10);
            QCOMPARE(run.metrics["loss"].step, 9);
        }
        QCOMPARE(logdir.runs["katib_tf2_keras_logs/train"].metrics["accuracy"].last,
                 double(0.9896299839019775f));
        QCOMPARE(logdir.runs["katib_tf2_keras_logs/test"].metrics["loss"].last,
                 double(0.05592838302254677f));

        for (int i = 1; i <= 3; ++i) {
            const MetricSeries strict = logdir.history(
                QStringLiteral("tensorboard_reducer/strict/run_%1").arg(i), "strict/foo");
            QCOMPARE(strict.size(), size_t(100));
            for (size_t k = 0; k < strict.size(); ++k)
                QCOMPARE(strict.steps[k], qint64(5 * k));
            // Duplicate steps within one file are all kept, in order (no restart there).
            const Run& dup =
                logdir.runs[QStringLiteral("tensorboard_reducer/duplicate_steps/run_%1").arg(i)];
            QCOMPARE(dup.metrics["dup_steps/foo"].count + dup.metrics["dup_steps/bar"].count, 420);
        }
        const Run& tf1 = logdir.runs["guild_tf1_graph_and_scalars"];
        qint64 tf1Points = 0;
        for (const MetricSummary& m : tf1.metrics)
            tf1Points += m.count;
        QCOMPARE(tf1Points, 80);  // the 226 KB of graph records are skipped
        QVERIFY(tf1.problems.isEmpty());
        const Run& noWallTime = logdir.runs["guild_no_walltime"];
        QCOMPARE(noWallTime.metrics["loss"].count, 1);
        QCOMPARE(noWallTime.metrics["loss"].timestampMs, 0.0);
        QVERIFY(!noWallTime.startTimeMs.has_value());
        for (const Run& run : logdir.runs)
            QVERIFY2(run.problems.isEmpty(), qPrintable(run.name));
    }

    void newStyleTensors() {
        Logdir logdir(fixtures() + "/tensorboard/pt_scalars_newstyle");
        QCOMPARE(logdir.runs["float32_tensor"].metrics["loss"].count, 100);
        QCOMPARE(logdir.runs["float64_tensor"].metrics["loss"].count, 100);
        // float64 keeps double precision (DT_DOUBLE double_val).
        const double last64 = logdir.runs["float64_tensor"].metrics["loss"].last;
        QVERIFY(double(float(last64)) != last64);
    }

    void logdirRootsAndNaming() {
        // Opened at a parent folder: the logdir is the folder holding the runs.
        QTemporaryDir tmp;
        QDir().mkpath(tmp.path() + "/project/runs");
        QProcess::execute("cp", {"-r", fixtures() + "/tensorboard/pt_scalars/lr_0.1",
                                 tmp.path() + "/project/runs/"});
        QProcess::execute("cp", {"-r", fixtures() + "/tensorboard/pt_scalars/lr_0.01",
                                 tmp.path() + "/project/runs/"});
        const LoadedProject project = loadProject(tmp.path() + "/project", {});
        QCOMPARE(project.sources.size(), size_t(1));
        QCOMPARE(project.sources[0]->root(), tmp.path() + "/project/runs");
        QStringList runNames;
        for (const Run& r : project.delta.runs)
            runNames << r.name;
        runNames.sort();
        QCOMPARE(runNames, (QStringList{"lr_0.01", "lr_0.01/compare_a", "lr_0.01/compare_b",
                                        "lr_0.1", "lr_0.1/compare_a", "lr_0.1/compare_b"}));
        QCOMPARE(project.delta.runs[0].experiment, QStringLiteral("runs"));
        // A run opened on its own keeps its name.
        const LoadedProject single = loadProject(tmp.path() + "/project/runs/lr_0.1/compare_a", {});
        QCOMPARE(single.delta.runs.size(), size_t(1));
        QCOMPARE(single.delta.runs[0].name, QStringLiteral("compare_a"));
    }

    void skippedPayloadsAreListedNotRead() {
        QTemporaryDir tmp;
        std::string file;
        tfwriter::appendRecord(file, tfwriter::fileVersionEvent(1700000000));
        tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000000.5, 0, "loss", 0.5f));
        tfwriter::appendRecord(file, tfwriter::imageEvent(1700000001, 0, "samples/input"));
        tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000001.5, 1, "loss", 0.25f));
        QDir().mkpath(tmp.path() + "/logs/run");
        QFile f(tmp.path() + "/logs/run/events.out.tfevents.1700000000.host.1.0");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(file.data(), qint64(file.size()));
        f.close();
        const CliResult cli = runCli({"sources", tmp.path() + "/logs"});
        QCOMPARE(cli.exitCode, 0);
        QVERIFY2(cli.out.contains("not read (images): samples/input"), cli.out.constData());
        Logdir logdir(tmp.path() + "/logs");
        QCOMPARE(logdir.runs["run"].metrics.keys(), QStringList{"loss"});
        QCOMPARE(logdir.runs["run"].metrics["loss"].count, 2);
    }

    // A file being written: records cut anywhere; a later scan reads only appended bytes.
    void incrementalReadsOnlyAppendedBytes() {
        QTemporaryDir tmp;
        std::string file;
        tfwriter::appendRecord(file, tfwriter::fileVersionEvent(1700000000));
        for (int step = 0; step < 300; ++step)
            tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000000 + step, step,
                                                               step % 2 ? "a" : "b", float(step)));
        const QString path = tmp.path() + "/events.out.tfevents.1.host";
        std::mt19937 rng(3);
        size_t written = 0;
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        TensorBoardSource source(tmp.path());
        for (int round = 0; written < file.size(); ++round) {
            const size_t cut = std::min(file.size(), written + 1 + rng() % 900);
            // Overwrite what was already read with zeros: a reader that went back to the
            // start would report damage, one that resumes at its offset never sees it.
            if (round > 0) {
                QFile scrub(path);
                QVERIFY(scrub.open(QIODevice::ReadWrite));
                scrub.write(QByteArray(qsizetype(written) - 64, '\0'));
            }
            out.write(file.data() + written, qint64(cut - written));
            written = cut;
            const ScanDelta delta = source.scan({});
            QVERIFY2(delta.problems.isEmpty(), qPrintable(delta.problems.value(0).message));
        }
        ScanOptions options;
        const Run run = [&] {
            Run r;
            r.nativeId = QStringLiteral(".");
            return r;
        }();
        const HistoryResult a = source.loadHistory(run, "a");
        const HistoryResult b = source.loadHistory(run, "b");
        QCOMPARE(a.series.size() + b.series.size(), size_t(300));  // nothing lost, nothing doubled
        for (size_t i = 0; i < a.series.size(); ++i)
            QCOMPARE(a.series.steps[i], qint64(2 * i + 1));
    }

    void readOnly() {
        QTemporaryDir tmp;
        QProcess::execute("cp", {"-r", fixtures() + "/tensorboard", tmp.path() + "/tb"});
        const QString publicFiles = thirdPartyFixtures() + "/tensorboard/public_fixtures";
        const bool withPublic = QDir(publicFiles).exists();
        if (withPublic) QProcess::execute("cp", {"-r", publicFiles, tmp.path() + "/public"});
        QProcess::execute("chmod", {"-R", "u+w", tmp.path()});
        const auto before = fingerprint(tmp.path());
        const LoadedProject project = loadProject(tmp.path(), {});
        QVERIFY(project.delta.runs.size() > (withPublic ? 50u : 20u));
        QCOMPARE(fingerprint(tmp.path()), before);
    }
};

QTEST_GUILESS_MAIN(TestTensorBoard)
#include "tst_tensorboard.moc"
