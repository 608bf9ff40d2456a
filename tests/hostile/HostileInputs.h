#pragma once

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QTest>

#include "TestSupport.h"
#include "TfEventWriter.h"

// Generators of hostile and odd input (issue 15), each the small shape of what broke RunLens
// at full size: the same depth and structure, never the gigabytes. Each builds its input in
// a folder of the test's own, beside a good run of the same format, and `listRuns` runs
// runlens-cli over the folder in its own process, with a time limit, so a crash or a hang is
// a failed test rather than a lost test run.
namespace hostile {

inline void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
}

// Sets a file's modification time `seconds` back: a file no longer being written.
inline void age(const QString& path, int seconds = 3600) {
    struct timeval times[2];
    gettimeofday(&times[0], nullptr);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    utimes(QFile::encodeName(path).constData(), times);
}

inline void makeFifo(const QString& path) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (mkfifo(QFile::encodeName(path).constData(), 0644) != 0)
        qFatal("mkfifo %s failed", qPrintable(path));
}

inline void link(const QString& target, const QString& path) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (symlink(QFile::encodeName(target).constData(), QFile::encodeName(path).constData()) != 0)
        qFatal("symlink %s failed", qPrintable(path));
}

// A generic script run folder: metrics.csv (loss 0.5, 0.25 at steps 1, 2) and params.yaml.
inline void scriptRun(const QString& dir, const QByteArray& params = "lr: 0.1\n") {
    writeFile(dir + "/metrics.csv", "step,loss\n1,0.5\n2,0.25\n");
    writeFile(dir + "/params.yaml", params);
}

// An MLflow file store's run `name` (id = name padded to 32 hex-like characters) under
// experiment 0 of `mlruns`: loss 0.5 then 0.25 at steps 1 and 2, param lr, tag runName.
inline QString mlflowRun(const QString& mlruns, const QString& name) {
    writeFile(mlruns + "/0/meta.yaml",
              "artifact_location: file:///tmp/a\nexperiment_id: '0'\nlifecycle_stage: active\n"
              "name: Default\n");
    const QString id = (name + QString(32, u'0')).left(32);
    const QString dir = mlruns + "/0/" + id;
    writeFile(dir + "/meta.yaml",
              "artifact_uri: file:///tmp/a\nend_time: 1700000001000\nexperiment_id: '0'\n"
              "lifecycle_stage: active\nrun_id: " +
                  id.toUtf8() + "\nrun_name: " + name.toUtf8() + "\nrun_uuid: " + id.toUtf8() +
                  "\nstart_time: 1700000000000\nstatus: 3\nuser_id: me\n");
    writeFile(dir + "/metrics/loss", "1700000000000 0.5 1\n1700000000001 0.25 2\n");
    writeFile(dir + "/params/lr", "0.1");
    writeFile(dir + "/tags/mlflow.runName", name.toUtf8());
    return dir;
}

// YAML "billion laughs": `levels` anchors, each a mapping (or sequence) of `width` aliases to
// the one before. 9 levels of 9 is 720-810 bytes standing for 9^9 = 387 million leaves.
inline QByteArray yamlLaughs(int levels = 9, int width = 9, bool sequences = false) {
    QByteArray out = sequences ? "l0: &l0 [" : "l0: &l0 {";
    for (int i = 0; i < width; ++i)
        out += (i ? ", " : "") +
               (sequences ? QByteArray("lol") : 'k' + QByteArray::number(i) + ": lol");
    out += sequences ? "]\n" : "}\n";
    for (int level = 1; level <= levels; ++level) {
        const QByteArray name = 'l' + QByteArray::number(level);
        out += name + ": &" + name + (sequences ? " [" : " {");
        for (int i = 0; i < width; ++i) {
            const QByteArray alias = "*l" + QByteArray::number(level - 1);
            out +=
                (i ? ", " : "") + (sequences ? alias : 'k' + QByteArray::number(i) + ": " + alias);
        }
        out += sequences ? "]\n" : "}\n";
    }
    return out;
}

// One long scalar and many aliases of it: quadratic text from a small file.
inline QByteArray yamlScalarLaughs(int scalarBytes = 200000, int aliases = 400) {
    QByteArray out = "big: &big \"" + QByteArray(scalarBytes, 'x') + "\"\n";
    for (int i = 0; i < aliases; ++i)
        out += 'k' + QByteArray::number(i) + ": *big\n";
    return out;
}

// JSON nested `depth` levels: {"a":{"a":...}} or [[[...]]], closed or not.
inline QByteArray deepJson(int depth, bool objects, bool closed = true) {
    QByteArray out;
    out.reserve(depth * 5 + 2);
    for (int i = 0; i < depth; ++i)
        out += objects ? "{\"a\":" : "[";
    out += "1";
    if (closed)
        for (int i = 0; i < depth; ++i)
            out += objects ? "}" : "]";
    return out;
}

// A Comet offline archive holding the two entries the reader needs.
inline void cometArchive(const QString& path, const QByteArray& experiment,
                         const QByteArray& messages) {
    int error = 0;
    zip_t* zip = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!zip) qFatal("cannot create %s", qPrintable(path));
    for (const auto& [name, bytes] :
         {std::pair{"experiment.json", &experiment}, std::pair{"messages.json", &messages}}) {
        zip_source_t* source =
            zip_source_buffer(zip, bytes->constData(), zip_uint64_t(bytes->size()), 0);
        zip_file_add(zip, name, source, ZIP_FL_OVERWRITE);
    }
    if (zip_close(zip) != 0) qFatal("cannot write %s", qPrintable(path));
}

// A TensorBoard event file as PyTorch writes it: scalar "loss" 0.5 at step 1, then `last` at
// step 2; `tail` is appended after the records (damage, a record cut short, ...).
inline std::string tfEvents(float last, const std::string& tail = {},
                            const std::string& after = {}) {
    std::string file;
    tfwriter::appendRecord(file, tfwriter::fileVersionEvent(1700000000));
    tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000001, 1, "loss", 0.5f));
    file += tail;
    tfwriter::appendRecord(file, tfwriter::scalarEvent(1700000002, 2, "loss", last));
    return file + after;
}
inline void writeTfEvents(const QString& path, float last) {
    const std::string bytes = tfEvents(last);
    writeFile(path, QByteArray::fromStdString(bytes));
}

// What `runlens-cli runs PATH --format json` gave, or that it did not finish in time.
struct Listing {
    bool finished = false;  // exited by itself (no crash, no hang) within the limit
    int exitCode = -1;
    qint64 elapsedMs = 0;
    QJsonObject doc;
    QByteArray err;

    QJsonArray runs() const { return doc["runs"].toArray(); }
    QJsonArray problems() const { return doc["problems"].toArray(); }
    QJsonObject run(const QString& name) const {
        for (const QJsonValue& r : runs())
            if (r["name"].toString() == name) return r.toObject();
        return {};
    }
    double last(const QString& runName, const QString& metric) const {
        return run(runName)["metrics"][metric]["last"].toDouble(-1);
    }
    // Problems whose path or message names `needle`, as "path: message".
    QStringList problemsNaming(const QString& needle) const {
        QStringList out;
        for (const QJsonValue& p : problems()) {
            const QString text = p["path"].toString() + ": " + p["message"].toString();
            if (text.contains(needle)) out << text;
        }
        return out;
    }
    QString allProblems() const {
        return QString::fromUtf8(QJsonDocument(problems()).toJson(QJsonDocument::Compact));
    }
};

inline Listing runCliWithin(const QStringList& args, int timeoutMs = 60000,
                            const QStringList& prefix = {}, QString program = {}) {
    Listing out;
    QProcess p;
    QElapsedTimer clock;
    clock.start();
    if (program.isEmpty()) program = testsupport::cliPath();
    p.start(prefix.isEmpty() ? program : prefix.first(),
            prefix.isEmpty() ? args : prefix.mid(1) + QStringList{program} + args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return out;
    }
    out.elapsedMs = clock.elapsed();
    out.finished = p.exitStatus() == QProcess::NormalExit;
    out.exitCode = p.exitCode();
    out.err = p.readAllStandardError();
    out.doc = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    return out;
}

inline Listing listRuns(const QString& path, int timeoutMs = 60000) {
    return runCliWithin({"runs", path, "--format", "json"}, timeoutMs);
}

// W&B's LevelDB-log framing (wandb core's pkg/leveldb): the 7-byte file header, then records
// of one FULL piece (CRC-32 of type and payload, 16-bit length, type 1).
inline QByteArray wandbLog(const QList<QByteArray>& records) {
    QByteArray out(":W&B\xe1\xbe\x00", 7);
    for (const QByteArray& payload : records) {
        const char type = 1;
        uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(&type), 1);
        crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.constData()), uInt(payload.size()));
        const quint32 checksum = quint32(crc);
        out.append(reinterpret_cast<const char*>(&checksum), 4);
        out += char(payload.size() & 0xff);
        out += char((payload.size() >> 8) & 0xff);
        out += type;
        out += payload;
    }
    return out;
}

}  // namespace hostile
