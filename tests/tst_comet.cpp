// Comet offline archives, built here the way Comet's SDK writes them (both message dialects),
// read in place; a zip bomb costs a problem message, not memory.
#include <zip.h>

#include <QDir>
#include <QTest>

#include "TestSupport.h"
#include "sources/CometSource.h"

using namespace runlens;
using namespace testsupport;

namespace {
// Writes a zip of `entries` (name -> bytes) with deflate.
void writeZip(const QString& path, const QList<QPair<QByteArray, QByteArray>>& entries) {
    QDir().mkpath(QFileInfo(path).path());
    int error = 0;
    zip_t* zip = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!zip) qFatal("cannot create %s", qPrintable(path));
    std::vector<QByteArray> keep;
    for (const auto& [name, bytes] : entries) {
        keep.push_back(bytes);
        zip_source_t* source =
            zip_source_buffer(zip, keep.back().constData(), zip_uint64_t(keep.back().size()), 0);
        const zip_int64_t index = zip_file_add(zip, name.constData(), source, ZIP_FL_OVERWRITE);
        zip_set_file_compression(zip, zip_uint64_t(index), ZIP_CM_DEFLATE, 9);
    }
    if (zip_close(zip) != 0) qFatal("cannot write %s", qPrintable(path));
}

const QByteArray kExperiment =
    R"({"offline_id": "0123abcd0123abcd0123abcd0123abcd", "project_name": "mnist",
        "workspace": "team", "start_time": 1800000000000, "stop_time": 1800000600000,
        "tags": ["baseline", "cpu"]})";

// Today's dialect: metric_msg, parameter_msg, log_other; NaN as a string.
const QByteArray kMessages =
    "{\"type\": \"parameter_msg\", \"payload\": {\"param\": {\"paramName\": \"lr\", "
    "\"paramValue\": 0.01}}}\n"
    "{\"type\": \"parameter_msg\", \"payload\": {\"param\": {\"paramName\": \"optimizer\", "
    "\"paramValue\": \"adam\"}}}\n"
    "{\"type\": \"log_other\", \"payload\": {\"key\": \"Name\", \"value\": \"first-try\"}}\n"
    "{\"type\": \"metric_msg\", \"payload\": {\"local_timestamp\": 1800000001000, \"metric\": "
    "{\"metricName\": \"loss\", \"metricValue\": 1.5, \"step\": 0}}}\n"
    "{\"type\": \"metric_msg\", \"payload\": {\"local_timestamp\": 1800000002000, \"metric\": "
    "{\"metricName\": \"loss\", \"metricValue\": \"NaN\", \"step\": 1}}}\n"
    "{\"type\": \"metric_msg\", \"payload\": {\"local_timestamp\": 1800000003000, \"metric\": "
    "{\"metricName\": \"loss\", \"metricValue\": 0.5, \"step\": 2}}}\n";

// The older SDK: ws_msg wrapping a metric or a param, log_other with `val`.
const QByteArray kOldMessages =
    "{\"type\": \"ws_msg\", \"payload\": {\"param\": {\"paramName\": \"epochs\", \"paramValue\": "
    "3}}}\n"
    "{\"type\": \"ws_msg\", \"payload\": {\"log_other\": {\"key\": \"Name\", \"val\": "
    "\"old-sdk\"}}}\n"
    "{\"type\": \"ws_msg\", \"payload\": {\"local_timestamp\": 1700000001000, \"metric\": "
    "{\"metricName\": \"acc\", \"metricValue\": 0.5, \"step\": 1}}}\n"
    "{\"type\": \"ws_msg\", \"payload\": {\"local_timestamp\": 1700000002000, \"metric\": "
    "{\"metricName\": \"acc\", \"metricValue\": \"Infinity\", \"step\": 2}}}\n";
}  // namespace

class TestComet : public QObject {
    Q_OBJECT

private slots:
    void archivesOfBothDialectsAreRead() {
        QTemporaryDir tmp;
        const QString runs = tmp.path() + "/.cometml-runs";
        writeZip(runs + "/0123abcd0123abcd0123abcd0123abcd.zip",
                 {{"experiment.json", kExperiment}, {"messages.json", kMessages}});
        writeZip(runs + "/fedcba98fedcba98fedcba98fedcba98-abcdef.zip",
                 {{"experiment.json", R"({"offline_id": "old1", "project_name": "legacy"})"},
                  {"messages.json", kOldMessages}});
        writeZip(tmp.path() + "/other.zip", {{"readme.txt", "not comet"}});  // not ours
        const auto before = fingerprint(tmp.path());
        const LoadedProject project = loadProject(tmp.path(), {});
        QCOMPARE(fingerprint(tmp.path()), before);  // read in place, nothing extracted
        QCOMPARE(project.sources.size(), size_t(1));
        QCOMPARE(project.delta.runs.size(), size_t(2));
        QMap<QString, const Run*> runsById;
        for (const Run& r : project.delta.runs)
            runsById.insert(r.nativeId, &r);
        const Run& a = *runsById["0123abcd0123abcd0123abcd0123abcd"];
        QCOMPARE(a.name, QStringLiteral("first-try"));
        QCOMPARE(a.experiment, QStringLiteral("mnist"));
        QCOMPARE(a.status, RunStatus::Finished);
        QCOMPARE(*a.startTimeMs, 1800000000000);
        QCOMPARE(*a.endTimeMs, 1800000600000);
        QCOMPARE(a.params["lr"].toDouble(), 0.01);
        QCOMPARE(a.params["optimizer"].text(), QStringLiteral("adam"));
        QCOMPARE(a.tags["comet.tags"], QStringLiteral("baseline, cpu"));
        QCOMPARE(a.metrics["loss"].count, 3);
        QCOMPARE(a.metrics["loss"].last, 0.5);
        const HistoryResult loss = project.sourceFor(a)->loadHistory(a, QStringLiteral("loss"));
        QVERIFY(std::isnan(loss.series.values[1]));
        QCOMPARE(loss.series.wallTimesMs[2], 1800000003000.0);
        const Run& old = *runsById["old1"];
        QCOMPARE(old.name, QStringLiteral("old-sdk"));
        QCOMPARE(old.params["epochs"].toInt(), 3);
        QCOMPARE(old.metrics["acc"].count, 2);
        QCOMPARE(old.metrics["acc"].max, INFINITY);
    }

    void zipBombCostsAProblemNotMemory() {
        QTemporaryDir tmp;
        // 8 MB of one byte: a few kB compressed. With a 1 MB bound it must be refused.
        writeZip(tmp.path() + "/.cometml-runs/bomb.zip",
                 {{"experiment.json", kExperiment}, {"messages.json", QByteArray(8 << 20, ' ')}});
        writeZip(tmp.path() + "/.cometml-runs/fine.zip",
                 {{"experiment.json", R"({"offline_id": "fine"})"}, {"messages.json", kMessages}});
        ScanOptions options;
        options.maxInflatedBytes = 1 << 20;
        const LoadedProject project = loadProject(tmp.path(), options);
        QCOMPARE(project.delta.runs.size(), size_t(2));
        QCOMPARE(project.delta.problems.size(), 1);
        QVERIFY(project.delta.problems.first().message.contains(u"inflates past 1 MB"));
        for (const Run& r : project.delta.runs)
            if (r.nativeId == u"fine") QCOMPARE(r.metrics["loss"].count, 3);
    }

    void damagedArchiveIsOneProblem() {
        QTemporaryDir tmp;
        writeZip(tmp.path() + "/.cometml-runs/good.zip",
                 {{"experiment.json", kExperiment}, {"messages.json", kMessages}});
        QFile f(tmp.path() + "/.cometml-runs/good.zip");
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        // Damage the compressed data of the first entry (after its local header).
        for (int i = 60; i < 90 && i < bytes.size(); ++i)
            bytes[i] = char(bytes[i] ^ 0x55);
        f.seek(0);
        f.write(bytes);
        f.close();
        CometSource source(tmp.path(), {tmp.path() + "/.cometml-runs/good.zip"});
        const ScanDelta delta = source.scan({});
        QCOMPARE(delta.runs.size(), size_t(1));
        QCOMPARE(delta.problems.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestComet)
#include "tst_comet.moc"
