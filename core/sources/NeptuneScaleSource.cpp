#include "NeptuneScaleSource.h"

#include <QDir>
#include <QFileInfo>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <atomic>

#include "SkippedTags.h"
#include "codec/LocalFiles.h"

namespace runlens {

namespace {

constexpr auto kDatabaseName = "run_operations.sqlite3";
// Databases followed by PRAGMA data_version at once: each keeps a connection (and its files)
// open; the others are seen through their folder's and -wal's size and time.
constexpr size_t kMaxProbes = 64;

// `<project>_<run id>_<time ns>` (sync/util.py): the time a database was made, for the order
// of a resumed run's databases; 0 when the name has none.
qint64 creationOrder(const QString& path) {
    QFileInfo info(path);
    QString name = info.fileName() == QLatin1String(kDatabaseName) ? info.absoluteDir().dirName()
                                                                   : info.completeBaseName();
    bool ok = false;
    const qint64 ns = name.section(u'_', -1).toLongLong(&ok);
    return ok ? ns : 0;
}

qint64 walBytes(const QString& database) {
    return FileStamp::of(toLocalPath(database + QStringLiteral("-wal"))).size;
}

}  // namespace

NeptuneScaleSource::NeptuneScaleSource(QString root) : m_root(QFileInfo(root).absoluteFilePath()) {}
NeptuneScaleSource::~NeptuneScaleSource() = default;

bool NeptuneScaleSource::isRunFolder(const QString& dir) {
    return isRegularFile(toLocalPath(dir + u'/' + QLatin1String(kDatabaseName)), nullptr);
}

bool NeptuneScaleSource::hasTables(const SqliteTables& tables) {
    return tables.has({"run_operations", "metadata"});
}

QStringList NeptuneScaleSource::findDatabases() const {
    if (QFileInfo(m_root).isFile()) return {m_root};
    if (isRunFolder(m_root)) return {m_root + u'/' + QLatin1String(kDatabaseName)};
    QStringList out;
    std::vector<DirEntry> entries;
    listDirectory(toLocalPath(m_root), entries, nullptr);
    for (const DirEntry& e : entries) {
        if (e.isSpecial || !isValidUtf8Name(e.name)) continue;
        const QString path = m_root + u'/' + QString::fromStdString(e.name);
        if (e.isDir && isRunFolder(path))
            out << path + u'/' + QLatin1String(kDatabaseName);
        else if (!e.isDir && e.name.ends_with(".sqlite3") && hasTables(sqliteTables(path)))
            out << path;  // 0.11: the database beside the others, named like their folders
    }
    return out;
}

ScanDelta NeptuneScaleSource::scan(const ScanOptions& options) {
    ScanDelta delta;
    m_stamp.note({m_root});
    const QStringList databases = findDatabases();

    QMutexLocker lock(&m_mutex);
    // Each database's run, from its metadata table (read again when the file was replaced).
    std::map<QString, std::vector<std::pair<qint64, QString>>> byRun;
    std::map<QString, NeptuneScaleMetadata> metadataOf;
    for (const QString& path : databases) {
        KnownDatabase& known = m_known[path];
        const quint64 inode = FileStamp::of(toLocalPath(path)).inode;
        if (known.inode != inode || !known.error.isEmpty()) {
            known = {inode, {}, {}};
            NeptuneScaleRun::readMetadata(path, known.metadata, &known.error);
        }
        if (!known.error.isEmpty()) {
            delta.problems.append({path, QStringLiteral("%1 %2; no run was read from it")
                                             .arg(QFileInfo(path).fileName(), known.error)});
            continue;
        }
        const QString key = known.metadata.project + u'\n' + known.metadata.runId;
        byRun[key].emplace_back(creationOrder(path), path);
        metadataOf[key] = known.metadata;
    }
    for (auto it = m_known.begin(); it != m_known.end();)
        it = databases.contains(it->first) ? std::next(it) : m_known.erase(it);
    m_histories.setCache(options.cacheDir, kind(), m_root);
    m_histories.eraseGone(m_runs, byRun);

    struct Work {
        NeptuneScaleRun* run;
        QString key;
        QStringList databases;
    };
    std::vector<Work> work;
    for (auto& [key, paths] : byRun) {
        std::sort(paths.begin(), paths.end());
        auto& slot = m_runs[key];
        if (!slot) slot = std::make_unique<NeptuneScaleRun>(metadataOf[key]);
        Work w{slot.get(), key, {}};
        for (const auto& [order, path] : paths)
            w.databases << path;
        work.push_back(std::move(w));
    }
    std::atomic_int done = 0;
    // Read on a pool of the scan's own: the scan holds m_mutex, and history loads waiting for
    // it on the shared pool must not leave this work without a thread.
    static QThreadPool scanPool;
    QtConcurrent::blockingMap(&scanPool, work, [&](Work& w) {
        if (options.cancelled()) return;
        // never throws; what changed goes to the cache again, whole
        if (w.run->updateGuarded(w.databases)) w.run->stow(m_histories, w.key);
        const int n = ++done;
        if (options.progress && (n % 16 == 0 || n == int(work.size()))) options.progress(n);
    });
    if (options.cancelled()) {
        m_runs.clear();  // half-read: the next scan starts over
        m_histories.replace({});
        delta.cancelled = true;
        return delta;
    }

    // A run id is unique within a project; two projects here sharing one are told apart.
    QHash<QString, int> runIds;
    for (const auto& [key, run] : m_runs)
        ++runIds[run->metadata().runId];
    auto nativeIdOf = [&](const NeptuneScaleMetadata& m) {
        return runIds.value(m.runId) > 1 ? m.project + u'/' + m.runId : m.runId;
    };
    m_keyOfRun.clear();
    for (const auto& [key, state] : m_runs) {
        Run run = state->makeRun(kind(), m_root);
        run.nativeId = nativeIdOf(state->metadata());
        run.id = RunId::make(kind(), m_root, run.nativeId);
        m_keyOfRun.insert(run.nativeId, key);
        // A fork of a run that is here too is listed under it.
        const NeptuneScaleRunInfo& info = state->info();
        const QString parentProject =
            info.parentProject.isEmpty() ? state->metadata().project : info.parentProject;
        const auto parent = m_runs.find(parentProject + u'\n' + info.parentRunId);
        if (!info.parentRunId.isEmpty() && parent != m_runs.end())
            run.parentId = RunId::make(kind(), m_root, nativeIdOf(parent->second->metadata()));
        for (const QString& p : run.problems)
            delta.problems.append({run.location, p});
        delta.runs.push_back(std::move(run));
    }
    followLiveDatabases(databases);
    sortRunsNewestFirst(delta.runs);
    return delta;
}

// Databases with a -wal holding frames have a writer (or had one that died): their commits
// are seen at once by PRAGMA data_version on a connection kept open.
void NeptuneScaleSource::followLiveDatabases(const QStringList& databases) {
    std::map<QString, std::unique_ptr<SqliteChangeProbe>> probes;
    for (const QString& path : databases) {
        if (walBytes(path) <= 0 || probes.size() >= kMaxProbes) continue;
        auto it = m_probes.find(path);
        if (it == m_probes.end()) {
            auto probe = std::make_unique<SqliteChangeProbe>(path);
            probe->changed();  // what a later look compares to
            probes.emplace(path, std::move(probe));
        } else {
            probes.emplace(path, std::move(it->second));
        }
    }
    m_probes = std::move(probes);
}

bool NeptuneScaleSource::mayHaveChanged() {
    bool changed = m_stamp.moved({m_root});
    QMutexLocker lock(&m_mutex);
    for (auto& [path, probe] : m_probes)
        changed = probe->changed() || changed;  // every probe looks, to note its version
    return changed;
}

// New runs appear as folders of the log directory; a run's database and -wal are followed.
QStringList NeptuneScaleSource::watchPaths() const {
    return {QFileInfo(m_root).isDir() ? m_root : QFileInfo(m_root).absolutePath()};
}

QStringList NeptuneScaleSource::followedFiles(const Run& run) const {
    QMutexLocker lock(&m_mutex);
    const auto key = m_keyOfRun.constFind(run.nativeId);
    if (key == m_keyOfRun.constEnd()) return {};
    const auto it = m_runs.find(*key);
    if (it == m_runs.end() || it->second->newestDatabase().isEmpty()) return {};
    const QString db = it->second->newestDatabase();
    return {db, db + QStringLiteral("-wal")};
}

HistoryResult NeptuneScaleSource::loadHistory(const Run& run, const QString& metric) {
    HistoryResult result;
    QMutexLocker lock(&m_mutex);
    const auto key = m_keyOfRun.constFind(run.nativeId);
    if (key == m_keyOfRun.constEnd()) return result;
    return m_histories.find(*key, metric);
}

QMap<QString, QStringList> NeptuneScaleSource::skippedTags() const {
    QMutexLocker lock(&m_mutex);
    SkippedTags all;
    for (const auto& [key, run] : m_runs)
        all.add(run->attributes().skipped());
    return all.sorted();
}

Format NeptuneScaleSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral(
        "Neptune (neptune-scale) offline and unsynced runs: .neptune/<project>_<run>_<time>/"
        "run_operations.sqlite3")};
    // A run's folder or database is claimed for the log directory holding it, so one source
    // follows every run there, new ones too.
    f.claim = [](const Candidate& c) {
        if (c.isSpecial) return Claim{};
        const QString parent = c.isOpened ? QString() : QFileInfo(c.path).absolutePath();
        if (c.isDir) return isRunFolder(c.path) ? Claim::mine(50, parent) : Claim{};
        if (!c.hasSuffix({".sqlite3"})) return Claim{};
        return hasTables(c.sqliteTables()) ? Claim::mine(60, parent) : Claim{};
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<NeptuneScaleSource>(paths.first());
    };
    f.namedLikeData = [](const std::string& name) { return name.ends_with(".sqlite3"); };
    return f;
}

}  // namespace runlens
