#include "NeptuneClientSource.h"

#include <QDir>
#include <QFileInfo>
#include <QThreadPool>
#include <QUuid>
#include <QtConcurrent/QtConcurrentMap>
#include <atomic>

#include "SkippedTags.h"
#include "codec/LocalFiles.h"

namespace runlens {

namespace {

struct ContainerName {
    QString type;  // run, project, model or model_version
    QString uuid;
    bool executionFolders = false;  // the journals are in exec-* folders below it
};

// neptune/cli/utils.py, detect_offline_dir / detect_async_dir: a run folder's name split on
// "__" is `<uuid>` (oldest), `<type>__<uuid>` (before 1.9) or
// `<type>__<uuid>__<pid>__<rand8>` (1.9+); async folders before 1.9 hold exec-* folders.
std::optional<ContainerName> parseContainerName(const QString& name, bool async) {
    const QStringList parts = name.split(QStringLiteral("__"));
    ContainerName out;
    if (parts.size() == 1) {
        if (QUuid::fromString(name).isNull()) return std::nullopt;
        out = {QStringLiteral("run"), name, async};
    } else if (parts.size() == 2) {
        out = {parts[0], parts[1], async};
    } else if (parts.size() == 4 || (async && parts.size() == 5)) {
        out = {parts[0], parts[1], false};
    } else {
        return std::nullopt;
    }
    static const QStringList kTypes = {QStringLiteral("run"), QStringLiteral("project"),
                                       QStringLiteral("model"), QStringLiteral("model_version")};
    if (!kTypes.contains(out.type) || out.uuid.isEmpty()) return std::nullopt;
    return out;
}

std::vector<DirEntry> entriesOf(const QString& dir) {
    std::vector<DirEntry> entries;
    listDirectory(toLocalPath(dir), entries, nullptr);
    return entries;
}

bool hasJournal(const QString& dir) {
    for (const DirEntry& e : entriesOf(dir))
        if (!e.isDir && NeptuneClientRun::journalVersion(e.name)) return true;
    return false;
}

// The folders of a run folder that hold its journals: itself, or its exec-* folders.
QStringList executionDirs(const QString& dir, const ContainerName& name) {
    if (!name.executionFolders) return {dir};
    QStringList out;
    for (const DirEntry& e : entriesOf(dir))
        if (e.isDir && e.name.starts_with("exec-") && isValidUtf8Name(e.name))
            out << dir + u'/' + QString::fromStdString(e.name);
    return out;
}

bool isAsyncFolder(const QString& dir) {
    return QFileInfo(dir).fileName() == u"async";
}

bool isModeName(const QString& name) {
    return name == u"offline" || name == u"async";
}

using Containers = std::map<QString, std::vector<NeptuneClientRun::Execution>>;

// The run folders of one `offline` or `async` folder, by container uuid.
void addModeFolder(const QString& dir, Containers& out) {
    const bool async = isAsyncFolder(dir);
    for (const DirEntry& e : entriesOf(dir)) {
        if (!e.isDir || !isValidUtf8Name(e.name)) continue;
        const QString path = dir + u'/' + QString::fromStdString(e.name);
        const std::optional<ContainerName> name =
            parseContainerName(QString::fromStdString(e.name), async);
        if (!name || name->type != u"run") continue;
        for (const QString& execution : executionDirs(path, *name))
            out[name->uuid].push_back({execution, async});
    }
}

}  // namespace

NeptuneClientSource::NeptuneClientSource(QString root) : m_root(QDir(root).absolutePath()) {}
NeptuneClientSource::~NeptuneClientSource() = default;

bool NeptuneClientSource::isRunFolder(const QString& dir) {
    const QFileInfo info(dir);
    const std::optional<ContainerName> name =
        parseContainerName(info.fileName(), isAsyncFolder(info.absolutePath()));
    if (!name) return false;
    for (const QString& execution : executionDirs(dir, *name))
        if (hasJournal(execution)) return true;
    return false;
}

bool NeptuneClientSource::isModeFolder(const QString& dir) {
    if (!isModeName(QFileInfo(dir).fileName())) return false;
    for (const DirEntry& e : entriesOf(dir))
        if (e.isDir && isValidUtf8Name(e.name) &&
            isRunFolder(dir + u'/' + QString::fromStdString(e.name)))
            return true;
    return false;
}

ScanDelta NeptuneClientSource::scan(const ScanOptions& options) {
    ScanDelta delta;
    m_stamp.note({m_root});
    // What the root is: a data directory, one of its mode folders, or one run folder.
    Containers found;
    QString dataDir = m_root;
    if (isModeName(QFileInfo(m_root).fileName()) && isModeFolder(m_root)) {
        addModeFolder(m_root, found);
        dataDir = QFileInfo(m_root).absolutePath();
    } else if (isRunFolder(m_root)) {
        const QFileInfo info(m_root);
        const bool async = isAsyncFolder(info.absolutePath());
        const std::optional<ContainerName> name = parseContainerName(info.fileName(), async);
        for (const QString& execution : executionDirs(m_root, *name))
            found[name->uuid].push_back({execution, async});
        dataDir = QFileInfo(info.absolutePath()).absolutePath();
    } else {
        for (const char* mode : {"offline", "async"})
            addModeFolder(m_root + u'/' + QLatin1String(mode), found);
    }
    // The project folder the script ran in, where `.neptune` was made.
    const QString experiment = QFileInfo(dataDir).absoluteDir().dirName();

    QMutexLocker lock(&m_mutex);
    m_histories.setCache(options.cacheDir, kind(), m_root);
    m_histories.eraseGone(m_runs, found);
    struct Work {
        NeptuneClientRun* run;
        const QString* uuid;
        const std::vector<NeptuneClientRun::Execution>* executions;
    };
    std::vector<Work> work;
    for (const auto& [uuid, executions] : found) {
        auto& slot = m_runs[uuid];
        if (!slot) slot = std::make_unique<NeptuneClientRun>(uuid);
        work.push_back({slot.get(), &uuid, &executions});
    }
    std::atomic_int done = 0;
    // Journals are read on a pool of the scan's own: the scan holds m_mutex, and history loads
    // waiting for it on the shared pool must not leave this work without a thread.
    static QThreadPool scanPool;
    QtConcurrent::blockingMap(&scanPool, work, [&](Work& w) {
        if (options.cancelled()) return;
        // never throws; what changed goes to the cache again, whole
        if (w.run->updateGuarded(*w.executions)) w.run->stow(m_histories, *w.uuid);
        const int n = ++done;
        if (options.progress && (n % 16 == 0 || n == int(work.size()))) options.progress(n);
    });
    if (options.cancelled()) {
        m_runs.clear();  // half-read: the next scan starts over
        m_histories.replace({});
        delta.cancelled = true;
        return delta;
    }
    for (const auto& [uuid, run] : m_runs) {
        Run listed = run->makeRun(kind(), m_root, experiment);
        for (const QString& p : listed.problems)
            delta.problems.append({listed.location, p});
        delta.runs.push_back(std::move(listed));
    }
    sortRunsNewestFirst(delta.runs);
    return delta;
}

HistoryResult NeptuneClientSource::loadHistory(const Run& run, const QString& metric) {
    QMutexLocker lock(&m_mutex);  // a scan may be taking the run's points back
    if (!m_runs.count(run.nativeId)) return {};
    return m_histories.find(run.nativeId, metric);
}

QStringList NeptuneClientSource::watchPaths() const {
    QStringList out{m_root};
    for (const char* mode : {"offline", "async"})
        if (QFileInfo(m_root + u'/' + QLatin1String(mode)).isDir())
            out << m_root + u'/' + QLatin1String(mode);
    return out;
}

QStringList NeptuneClientSource::followedFiles(const Run& run) const {
    QMutexLocker lock(&m_mutex);
    const auto it = m_runs.find(run.nativeId);
    if (it == m_runs.end() || it->second->newestJournal().isEmpty()) return {};
    return {it->second->newestJournal()};
}

QMap<QString, QStringList> NeptuneClientSource::skippedTags() const {
    QMutexLocker lock(&m_mutex);
    SkippedTags all;
    for (const auto& [uuid, run] : m_runs)
        all.add(run->attributes().skipped());
    return all.sorted();
}

Format NeptuneClientSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral(
        "Neptune (neptune-client 0.x/1.x) offline and unsynced runs: .neptune/offline or "
        ".neptune/async run folders with data-<N>.log journals")};
    // An offline or async folder is claimed for the data directory holding it, so one source
    // reads both; a `.neptune` folder's neptune-scale databases beside them stay for theirs.
    f.claim = [](const Candidate& c) {
        if (!c.isDir || c.isSpecial) return Claim{};
        if (isModeName(QString::fromStdString(c.name)) && isModeFolder(c.path))
            return Claim::mine(50, c.isOpened ? QString() : QFileInfo(c.path).absolutePath());
        if (c.isOpened && isRunFolder(c.path)) return Claim::mine(50);
        return Claim{};
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<NeptuneClientSource>(paths.first());
    };
    f.namedLikeData = [](const std::string& name) {
        return NeptuneClientRun::journalVersion(name).has_value();
    };
    return f;
}

}  // namespace runlens
