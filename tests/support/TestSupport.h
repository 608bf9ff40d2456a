#pragma once

#include <sqlite3.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include "model/Run.h"
#include "project/ProjectLoader.h"

// Helpers shared by the test executables: where the real fixtures are, how to unpack them
// into a temporary folder, and a fingerprint of a tree for the read-only promise.
namespace testsupport {

inline QString fixtures() {
    return QStringLiteral(RUNLENS_FIXTURES);
}
// Third-party files (W&B public runs, TensorBoard public fixtures): tests only, never shipped,
// and absent from a plain clone of the repository.
inline QString thirdPartyFixtures() {
    return QStringLiteral(RUNLENS_THIRD_PARTY_FIXTURES);
}
// Skips the calling test (with the reason) when the third-party `part` is not at hand.
#define REQUIRE_THIRD_PARTY(part)                                                             \
    do {                                                                                      \
        if (!QDir(testsupport::thirdPartyFixtures() + QStringLiteral("/") + (part)).exists()) \
            QSKIP(qPrintable(QStringLiteral("third-party fixtures not found: %1/%2 "          \
                                            "(../shared/fixtures; they do not ship)")         \
                                 .arg(testsupport::thirdPartyFixtures(), part)));             \
    } while (false)
inline QString cliPath() {
    return QStringLiteral(RUNLENS_CLI);
}

// Settings (recent projects, view state) and the index cache go to a folder of the test's
// own, never the user's.
inline void useOwnSettings(const QString& dir) {
    qputenv("XDG_CONFIG_HOME", dir.toUtf8());
    qputenv("XDG_CACHE_HOME", dir.toUtf8());
    QCoreApplication::setOrganizationName(QStringLiteral("RunLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("RunLensTest"));
}

inline QStringList mlflowVersions() {
    return {QStringLiteral("v1_11"), QStringLiteral("v1_30"), QStringLiteral("v2_21"),
            QStringLiteral("v3_11")};
}

// Extracts fixtures/mlflow/<version>/mlruns.tar.gz into `dir`; returns the mlruns path.
inline QString extractMlruns(const QString& version, const QString& dir) {
    const QString tarball = fixtures() + QStringLiteral("/mlflow/%1/mlruns.tar.gz").arg(version);
    if (!QFile::exists(tarball))
        qFatal("fixture missing: %s (set RUNLENS_FIXTURES)", qPrintable(tarball));
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-xzf"), tarball, QStringLiteral("-C"), dir});
    if (!tar.waitForFinished(60000) || tar.exitCode() != 0)
        qFatal("tar failed on %s", qPrintable(tarball));
    return dir + QStringLiteral("/mlruns");
}

// The directory of the run called `name` in an extracted mlruns folder.
inline QString runDir(const QString& mlruns, const QString& name) {
    QDirIterator it(mlruns, {QStringLiteral("mlflow.runName")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        if (f.open(QIODevice::ReadOnly) && f.readAll() == name.toUtf8() &&
            path.endsWith(u"/tags/mlflow.runName"))
            return QFileInfo(path).dir().absolutePath().chopped(int(qstrlen("/tags")));
    }
    qFatal("no run %s", qPrintable(name));
}

// Copies a fixture file into `dir` (writable, so tests can prove we do not write to it).
inline QString copyFixture(const QString& relative, const QString& dir, const QString& name = {}) {
    const QString from = fixtures() + u'/' + relative;
    const QString to = dir + u'/' + (name.isEmpty() ? QFileInfo(from).fileName() : name);
    if (!QFile::copy(from, to)) qFatal("cannot copy fixture %s", qPrintable(from));
    QFile::setPermissions(
        to, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    return to;
}

// Copies a folder (or file) with everything in it, as `cp -r`.
inline QString copyTree(const QString& from, const QString& to) {
    QProcess cp;
    cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), from, to});
    if (!cp.waitForFinished() || cp.exitCode() != 0) qFatal("cp failed");
    return to;
}

// The demo project in the source tree (resources/demo): runs of every local tracker.
inline QString demoProject() {
    return QStringLiteral(RUNLENS_DEMO);
}

// Every file and folder below `root` with the SHA-256 of each file's bytes.
inline QMap<QString, QByteArray> fingerprint(const QString& root) {
    QMap<QString, QByteArray> out;
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        QByteArray digest = "dir";
        if (info.isSymLink()) {
            digest = "link:" + info.symLinkTarget().toUtf8();
        } else if (info.isFile()) {
            QFile f(path);
            digest = f.open(QIODevice::ReadOnly)
                         ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256)
                         : QByteArray("unreadable");
        }
        out.insert(path.mid(root.size()), digest);
    }
    return out;
}

// Runs of `path` by name (names are unique in the fixtures).
inline QMap<QString, runlens::Run> runsByName(const QString& path, bool includeDeleted = false,
                                              bool metricStats = true) {
    runlens::ScanOptions options;
    options.includeDeleted = includeDeleted;
    options.metricStats = metricStats;
    const runlens::LoadedProject project = runlens::loadProject(path, options);
    QMap<QString, runlens::Run> out;
    for (const runlens::Run& run : project.delta.runs)
        out.insert(run.name, run);
    return out;
}

// How long MLflow's SQL store waits for a lock: SQLAlchemy's pysqlite dialect opens with
// Python's sqlite3.connect, whose `timeout` defaults to 5.0 s. tst_sqlite_concurrency proves
// with a far shorter one that our reads never make a writer wait that long.
constexpr int kMlflowBusyTimeoutMs = 5000;

// Runs SQL against a database of the test's own (a writer standing in for MLflow, waiting
// for locks as long as MLflow does while RunLens reads).
inline void executeSql(const QString& path, const char* sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK)
        qFatal("cannot open %s", qPrintable(path));
    sqlite3_busy_timeout(db, kMlflowBusyTimeoutMs);
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK)
        qFatal("sql failed: %s", error);
    sqlite3_close(db);
}

struct CliResult {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline CliResult runCli(const QStringList& args, const QString& program = cliPath(),
                        const QStringList& prefix = {}) {
    QProcess p;
    p.start(prefix.isEmpty() ? program : prefix.first(),
            prefix.isEmpty() ? args : prefix.mid(1) + QStringList{program} + args);
    if (!p.waitForFinished(120000)) qFatal("runlens-cli did not finish");
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

}  // namespace testsupport
