// neptune-exporter's Parquet output (fixtures/neptune/exporter): for each of the three writers'
// folders, every run, param, tag and metric equals what DuckDB and arrow-rs read back
// (expected.json), every float series' history too; an unfinished export (part 0 missing) and a
// damaged part are said, the rest loads; nothing in the folder changes.

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "ParquetDamage.h"
#include "TestSupport.h"
#include "codec/ParquetFile.h"
#include "model/NumberText.h"
#include "sources/NeptuneExportSource.h"

using namespace runlens;

namespace {

const QString kProject = QStringLiteral("acme-vision_cifar100-sweeps-1b93e02f9cc64918");

QString exporterDir() {
    return testsupport::fixtures() + QStringLiteral("/neptune/exporter");
}

QString projectDir(const QString& writer) {
    return exporterDir() + u'/' + writer + QStringLiteral("/data/") + kProject;
}

QJsonObject expected() {
    QFile f(exporterDir() + QStringLiteral("/expected.json"));
    if (!f.open(QIODevice::ReadOnly)) qFatal("expected.json missing");
    return QJsonDocument::fromJson(f.readAll()).object();
}

// A JSON number or "NaN" / "Infinity" / "-Infinity"; null (a NaN the exporter stored as
// null) is NaN too.
double number(const QJsonValue& v) {
    if (v.isString()) {
        const QString s = v.toString();
        if (s == u"NaN") return NAN;
        return s.startsWith(u'-') ? -INFINITY : INFINITY;
    }
    return v.isNull() ? NAN : v.toDouble();
}

bool sameNumber(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}

double step(const QJsonValue& v) {
    return v.toString().toDouble();
}

// The text a param row's value reads as.
QString paramText(const QJsonObject& p) {
    const QJsonValue v = p[QStringLiteral("value")];
    const QString type = p[QStringLiteral("type")].toString();
    if (type == u"datetime") return v.toObject()[QStringLiteral("iso")].toString();
    if (type == u"bool") return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (type == u"int") return QString::number(v.toInteger());
    if (type == u"float") return numberText(number(v));
    if (type == u"string_set") {  // a set, shown sorted as every Neptune reader shows sets
        QStringList items;
        for (const QJsonValue& item : v.toArray())
            items << item.toString();
        items.sort();
        return items.join(QStringLiteral(", "));
    }
    return v.toString();
}

Run runNamed(const std::vector<Run>& runs, const QString& nativeId) {
    for (const Run& r : runs)
        if (r.nativeId == nativeId) return r;
    qFatal("no run %s", qPrintable(nativeId));
}

}  // namespace

class TestNeptuneExport : public QObject {
    Q_OBJECT

private slots:
    void everyRunEqualsExpected_data();
    void everyRunEqualsExpected();
    void everyHistoryEqualsExpected_data() { everyRunEqualsExpected_data(); }
    void everyHistoryEqualsExpected();
    void listsWhatItDoesNotRead();
    void unfinishedExportIsSaid();
    void damagedPartCostsItsRows();
    void damagedRowGroupCostsItsRows();
    void readsNothingButReads();
    void detection();
    void partNames();
};

void TestNeptuneExport::everyRunEqualsExpected_data() {
    QTest::addColumn<QString>("writer");
    for (const char* w : {"duckdb", "parquet-wasm", "pyarrow-layout"})
        QTest::newRow(w) << QString::fromLatin1(w);
}

void TestNeptuneExport::everyRunEqualsExpected() {
    QFETCH(QString, writer);
    NeptuneExportSource source(projectDir(writer));
    const ScanDelta delta = source.scan({});
    QVERIFY2(delta.problems.isEmpty(), qPrintable(delta.problems.value(0).message));
    const QJsonArray runs = expected()[QStringLiteral("runs")].toArray();
    QCOMPARE(delta.runs.size(), size_t(runs.size()));
    for (const QJsonValue& value : runs) {
        const QJsonObject want = value.toObject();
        const QString runId = want[QStringLiteral("run_id")].toString();
        const Run run = runNamed(delta.runs, runId);
        QCOMPARE(run.sourceKind, QStringLiteral("neptune-export"));
        QCOMPARE(run.id, RunId::make(u"neptune-export", projectDir(writer), runId));
        QCOMPARE(run.name, want[QStringLiteral("name")].toString());
        QCOMPARE(run.experiment, QStringLiteral("acme-vision/cifar100-sweeps"));
        QCOMPARE(
            run.startTimeMs.value_or(0),
            want[QStringLiteral("creation_time")].toObject()[QStringLiteral("ms")].toInteger());
        QVERIFY(run.endTimeMs.value_or(0) > *run.startTimeMs);
        // The sweep run failed (sys/failed); the others ended (sys/state "inactive").
        QCOMPARE(statusName(run.status), runId.startsWith(u"sweep") ? QStringLiteral("failed")
                                                                    : QStringLiteral("finished"));
        QCOMPARE(run.location.endsWith(u"_part_0.parquet"), true);
        // Params: every attribute but sys/*, typed; rows with every value null are attributes
        // the run lacks (the exporter's melt), not params.
        const QJsonObject params = want[QStringLiteral("params")].toObject();
        QStringList wantParams, wantTags;
        for (auto it = params.begin(); it != params.end(); ++it) {
            const QJsonObject p = it.value().toObject();
            if (p[QStringLiteral("value")].isNull()) continue;
            (it.key().startsWith(u"sys/") ? wantTags : wantParams) << it.key();
            if (it.key().startsWith(u"sys/")) {
                QCOMPARE(run.tags.value(it.key()), paramText(p));
                continue;
            }
            const ParamValue got = run.params.value(it.key());
            QCOMPARE(got.text(), paramText(p));
            const QString type = p[QStringLiteral("type")].toString();
            const ParamValue::Type wantType = type == u"int"     ? ParamValue::Type::Int
                                              : type == u"float" ? ParamValue::Type::Double
                                              : type == u"bool"  ? ParamValue::Type::Bool
                                                                 : ParamValue::Type::String;
            QCOMPARE(int(got.type()), int(wantType));
            if (type == u"int") QCOMPARE(got.toInt(), p[QStringLiteral("value")].toInteger());
            if (type == u"float") QCOMPARE(got.toDouble(), p[QStringLiteral("value")].toDouble());
        }
        // A string series' last value is a tag, as for Neptune's other forms.
        const QJsonObject texts = want[QStringLiteral("string_series")].toObject();
        for (auto it = texts.begin(); it != texts.end(); ++it) {
            wantTags << it.key();
            QCOMPARE(
                run.tags.value(it.key()),
                it.value()[QStringLiteral("last")].toObject()[QStringLiteral("value")].toString());
        }
        wantTags.sort();
        QCOMPARE(QStringList(run.params.keys()), wantParams);
        QCOMPARE(QStringList(run.tags.keys()), wantTags);
        QStringList sortedTags;
        for (const QJsonValue& t : want[QStringLiteral("tags_sorted")].toArray())
            sortedTags << t.toString();
        QCOMPARE(run.tags.value(QStringLiteral("sys/tags")), sortedTags.join(QStringLiteral(", ")));
        // Metrics: the float series, NaN stored as null counted as points.
        const QJsonObject series = want[QStringLiteral("float_series")].toObject();
        QCOMPARE(QStringList(run.metrics.keys()), series.keys());
        for (auto it = series.begin(); it != series.end(); ++it) {
            const QJsonObject s = it.value().toObject();
            const MetricSummary m = run.metrics.value(it.key());
            QCOMPARE(m.count, s[QStringLiteral("count")].toInteger());
            const QJsonObject last = s[QStringLiteral("last")].toObject();
            QCOMPARE(m.step, step(last[QStringLiteral("step")]));
            QVERIFY(sameNumber(m.last, number(last[QStringLiteral("value")])));
            QCOMPARE(m.timestampMs, double(last[QStringLiteral("timestamp_ms")].toInteger()));
            QVERIFY2(sameNumber(m.min, number(s[QStringLiteral("min")])), qPrintable(it.key()));
            QVERIFY2(sameNumber(m.max, number(s[QStringLiteral("max")])), qPrintable(it.key()));
            // Hardware monitoring is listed, not among the charts shown by default.
            QCOMPARE(m.systemMetric, it.key().startsWith(u"monitoring/"));
        }
    }
    // The ViT run was forked from the sweep run at step 600.
    const Run vit = runNamed(delta.runs, QStringLiteral("vit-b16-ft@2025-03-02T10.15"));
    QCOMPARE(vit.parentId, runNamed(delta.runs, QStringLiteral("sweep/lr=3e-4,bs=128")).id);
    QCOMPARE(vit.tags.value(QStringLiteral("sys/forking/step")), QStringLiteral("600"));
    QCOMPARE(vit.metrics.value(QStringLiteral("train/loss")).step, 3000.0);
}

void TestNeptuneExport::everyHistoryEqualsExpected() {
    QFETCH(QString, writer);
    NeptuneExportSource source(projectDir(writer));
    const ScanDelta delta = source.scan({});
    const QJsonObject all = expected();
    int loaded = 0;
    for (const Run& run : delta.runs) {
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
            const HistoryResult h = source.loadHistory(run, it.key());
            QVERIFY(h.found);
            QVERIFY(h.problems.isEmpty());
            const MetricSeries& s = h.series;
            QCOMPARE(qint64(s.size()), it->count);
            QVERIFY(std::is_sorted(s.steps.begin(), s.steps.end()));
            // First and last points (lowest and highest step) of every series.
            QJsonObject want;
            for (const QJsonValue& r : all[QStringLiteral("runs")].toArray())
                if (r.toObject()[QStringLiteral("run_id")].toString() == run.nativeId)
                    want = r.toObject()[QStringLiteral("float_series")]
                               .toObject()[it.key()]
                               .toObject();
            for (const auto& [end, i] :
                 {std::pair{"first", size_t(0)}, std::pair{"last", s.size() - 1}}) {
                const QJsonObject p = want[QLatin1String(end)].toObject();
                QCOMPARE(s.steps[i], step(p[QStringLiteral("step")]));
                QVERIFY(sameNumber(s.values[i], number(p[QStringLiteral("value")])));
                QCOMPARE(s.wallTimesMs[i], double(p[QStringLiteral("timestamp_ms")].toInteger()));
            }
            const QString key = run.nativeId + QStringLiteral(" :: ") + it.key();
            const QJsonValue full = all[QStringLiteral("full_series")].toObject()[key];
            if (full.isArray()) {
                const QJsonArray points = full.toArray();
                QCOMPARE(qsizetype(s.size()), points.size());
                for (qsizetype i = 0; i < points.size(); ++i) {
                    const QJsonArray p = points[i].toArray();
                    QCOMPARE(s.steps[size_t(i)], step(p[0]));
                    QVERIFY2(sameNumber(s.values[size_t(i)], number(p[1])),
                             qPrintable(QStringLiteral("%1 point %2").arg(key).arg(i)));
                    QCOMPARE(s.wallTimesMs[size_t(i)], double(p[2].toInteger()));
                }
            }
            ++loaded;
        }
    }
    QCOMPARE(loaded, 33);  // 8 + 8 + 9 + 8 float series
    // Fractions kept: the forked run's epoch_progress steps are i/3, decimal(18,6).
    const Run vit = runNamed(delta.runs, QStringLiteral("vit-b16-ft@2025-03-02T10.15"));
    const HistoryResult h = source.loadHistory(vit, QStringLiteral("train/epoch_progress"));
    QCOMPARE(h.series.steps.front(), 600.333333);
    QCOMPARE(stepText(h.series.steps[1]), QStringLiteral("600.666667"));
    QVERIFY(!source.loadHistory(vit, QStringLiteral("no/such")).found);
}

void TestNeptuneExport::listsWhatItDoesNotRead() {
    NeptuneExportSource source(projectDir(QStringLiteral("pyarrow-layout")));
    source.scan({});
    const QMap<QString, QStringList> skipped = source.skippedTags();
    QVERIFY(!skipped.contains(QStringLiteral("string_series")));  // their last values are tags
    QVERIFY(skipped.value(QStringLiteral("histogram_series")).contains(u"train/hist/logits"));
    QVERIFY(skipped.value(QStringLiteral("file")).contains(u"artifacts/config.yaml"));
    QVERIFY(skipped.value(QStringLiteral("file_series")).contains(u"eval/predictions"));
}

void TestNeptuneExport::unfinishedExportIsSaid() {
    // The exporter renames part 0 last (parquet_writer.py): without it the run was cut short.
    QTemporaryDir tmp;
    const QString dir = tmp.path() + u'/' + kProject;
    testsupport::copyTree(projectDir(QStringLiteral("duckdb")), dir);
    const QString prefix = QStringLiteral("e7c1f0a2-6b3d-4f8e-9a51-2d7c4b8e1f36-afed164ec8c6e91b");
    QVERIFY(QFile::remove(dir + u'/' + prefix + QStringLiteral("_part_0.parquet")));
    NeptuneExportSource source(dir);
    const ScanDelta delta = source.scan({});
    QCOMPARE(delta.runs.size(), size_t(4));
    QCOMPARE(delta.problems.size(), 1);
    QVERIFY2(delta.problems[0].message.contains(QStringLiteral("did not finish")),
             qPrintable(delta.problems[0].message));
    QVERIFY(delta.problems[0].message.contains(prefix + QStringLiteral("_part_0.parquet")));
    // What part 1 holds is still there: its metrics, but not part 0's params and name.
    const Run run = runNamed(delta.runs, QStringLiteral("e7c1f0a2-6b3d-4f8e-9a51-2d7c4b8e1f36"));
    QCOMPARE(run.problems.size(), 1);
    QVERIFY(run.metrics.contains(QStringLiteral("train/accuracy")));
    QVERIFY(!run.metrics.contains(QStringLiteral("train/loss")));
    QVERIFY(run.params.isEmpty());
    QVERIFY(source.loadHistory(run, QStringLiteral("train/accuracy")).series.size() == 2500);
}

void TestNeptuneExport::damagedPartCostsItsRows() {
    QTemporaryDir tmp;
    const QString dir = tmp.path() + u'/' + kProject;
    testsupport::copyTree(projectDir(QStringLiteral("parquet-wasm")), dir);
    const QString damaged =
        dir + QStringLiteral("/vit-b16-ft_2025-03-02T10_15-a8f838e0a3fe427b_part_1.parquet");
    QFile f(damaged);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() / 2));  // footer gone
    f.close();
    NeptuneExportSource source(dir);
    const ScanDelta delta = source.scan({});
    QCOMPARE(delta.runs.size(), size_t(4));
    QCOMPARE(delta.problems.size(), 1);
    QCOMPARE(delta.problems[0].path, damaged);
    QVERIFY2(delta.problems[0].message.contains(QStringLiteral("does not end in PAR1")),
             qPrintable(delta.problems[0].message));
    const Run vit = runNamed(delta.runs, QStringLiteral("vit-b16-ft@2025-03-02T10.15"));
    QCOMPARE(vit.name, QStringLiteral("vit-b16-finetune"));  // part 0 read whole
    QVERIFY(vit.metrics.contains(QStringLiteral("train/loss")));
    QCOMPARE(vit.problems.size(), 1);
    for (const Run& run : delta.runs)
        if (run.id != vit.id) QVERIFY(run.problems.isEmpty());
}

void TestNeptuneExport::damagedRowGroupCostsItsRows() {
    // Row group 1 of the pyarrow layout's baseline run is its first metrics batch
    // (manifest.json): its attribute_path dictionary is made to say 1 entry, so its indices
    // point past it.
    QTemporaryDir tmp;
    const QString dir = tmp.path() + u'/' + kProject;
    testsupport::copyTree(projectDir(QStringLiteral("pyarrow-layout")), dir);
    const QString path =
        dir + QStringLiteral("/resnet50-baseline-01-d2dcc273a2e436ee_part_0.parquet");
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    std::string bytes = f.readAll().toStdString();
    f.close();
    ParquetFile file;
    QVERIFY(file.openBytes(bytes, nullptr));
    const auto& chunk = file.chunk(1, file.findColumn({"attribute_path"}));
    parquetdamage::overwrite(
        bytes, parquetdamage::findPageField(bytes, size_t(chunk.dictionaryPageOffset), 7, 1), 1);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes.data(), qint64(bytes.size()));
    f.close();

    NeptuneExportSource source(dir);
    const ScanDelta delta = source.scan({});
    QCOMPARE(delta.runs.size(), size_t(4));
    QCOMPARE(delta.problems.size(), 1);
    QCOMPARE(delta.problems[0].path, path);
    QVERIFY2(delta.problems[0].message.contains(
                 QStringLiteral("row group 1, column attribute_path: a dictionary index")),
             qPrintable(delta.problems[0].message));
    QVERIFY(delta.problems[0].message.endsWith(
        QStringLiteral("the rows of that row group were skipped")));
    const Run run = runNamed(delta.runs, QStringLiteral("resnet50-baseline-01"));
    QCOMPARE(run.name, QStringLiteral("resnet50-baseline"));       // row group 0: the parameters
    QVERIFY(!run.metrics.contains(QStringLiteral("train/loss")));  // that batch's series
    QCOMPARE(run.metrics.value(QStringLiteral("train/accuracy")).count, 2000);  // the next one
    QCOMPARE(source.loadHistory(run, QStringLiteral("train/accuracy")).series.size(), size_t(2000));
}

void TestNeptuneExport::readsNothingButReads() {
    for (const char* writer : {"duckdb", "parquet-wasm", "pyarrow-layout"}) {
        const QString dir = exporterDir() + u'/' + QLatin1String(writer);
        const auto before = testsupport::fingerprint(dir);
        NeptuneExportSource source(projectDir(QLatin1String(writer)));
        const ScanDelta delta = source.scan({});
        for (const Run& run : delta.runs)
            for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it)
                source.loadHistory(run, it.key());
        source.scan({});
        QCOMPARE(testsupport::fingerprint(dir), before);
    }
}

void TestNeptuneExport::detection() {
    for (const char* writer : {"duckdb", "parquet-wasm", "pyarrow-layout"})
        QVERIFY(NeptuneExportSource::looksLikeExport(projectDir(QLatin1String(writer))));
    QVERIFY(!NeptuneExportSource::looksLikeExport(exporterDir()));
    QVERIFY(!NeptuneExportSource::looksLikeExport(exporterDir() + QStringLiteral("/duckdb/files/") +
                                                  kProject));
    // Named like a part but not Parquet, or Parquet without the exporter's columns.
    QTemporaryDir tmp;
    QFile fake(tmp.path() + QStringLiteral("/run-0123456789abcdef_part_0.parquet"));
    QVERIFY(fake.open(QIODevice::WriteOnly));
    fake.write("not parquet");
    fake.close();
    QVERIFY(!NeptuneExportSource::looksLikeExport(tmp.path()));
}

void TestNeptuneExport::partNames() {
    std::string prefix;
    int part = -1;
    QVERIFY(NeptuneExportSource::parsePartName(
        "sweep_lr_3e-4_bs_128-7387e4baa83e2e2e_part_12.parquet", prefix, part));
    QCOMPARE(prefix, std::string("sweep_lr_3e-4_bs_128-7387e4baa83e2e2e"));
    QCOMPARE(part, 12);
    for (const char* name :
         {"sweep-7387e4baa83e2e2e_part_0.parquet.tmp", "sweep-7387e4baa83e2e2e_part_.parquet",
          "sweep-7387E4BAA83E2E2E_part_0.parquet", "sweep_part_0.parquet",
          "sweep-7387e4baa83e2e2e_part_x.parquet", "part-00000-abc.snappy.parquet"})
        QVERIFY2(!NeptuneExportSource::parsePartName(name, prefix, part), name);
}

QTEST_GUILESS_MAIN(TestNeptuneExport)
#include "tst_neptune_export.moc"
