#include "TensorBoardSource.h"

#include <set>

#include <sys/stat.h>

#include <QDir>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <charconv>
#include <cmath>
#include <set>

#include "codec/LocalFiles.h"
#include "model/NumberCast.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

constexpr int kMaxDepth = 10;

struct FoundRun {
    QString name;
    std::string dir;
    std::vector<std::string> files;
};

void findRuns(const std::string& dir, const QString& name, int depth, std::vector<FoundRun>& out) {
    std::vector<DirEntry> entries;
    if (!listDirectory(dir, entries, nullptr)) return;
    FoundRun run{name, dir, {}};
    for (const DirEntry& e : entries) {
        if (e.isDir) {
            // A name that is not UTF-8 cannot be kept in a run's path; the detector says so.
            if (!e.isSymlink && depth < kMaxDepth && e.name != ".git" && isValidUtf8Name(e.name))
                findRuns(dir + '/' + e.name,
                         name == u"." ? QString::fromStdString(e.name)
                                      : name + u'/' + QString::fromStdString(e.name),
                         depth + 1, out);
        } else if (TensorBoardSource::isEventFileName(e.name)) {
            run.files.push_back(e.name);  // listDirectory sorts by name: TensorBoard's read order
        }
    }
    if (!run.files.empty()) out.push_back(std::move(run));
}

// The folder of the run named `name` (relative to `root`, where findRuns() starts), reached
// as findRuns() would reach it: real folders only (no links), no .git, within kMaxDepth.
// Empty when findRuns() would never list such a run.
std::string runFolder(const std::string& root, const QString& name) {
    const QStringList parts = name.split(u'/');
    if (parts.size() > kMaxDepth) return {};
    std::string dir = root;
    for (const QString& part : parts) {
        if (part.isEmpty() || part == u"." || part == u".." || part == u".git") return {};
        dir += '/' + part.toStdString();
        struct stat st;
        if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return {};
    }
    return dir;
}

ParamValue paramFromVariant(const QVariant& v) {
    switch (v.typeId()) {
        case QMetaType::Bool:
            return ParamValue::fromBool(
                v.toBool(), v.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
        case QMetaType::Double:
            return ParamValue::fromDouble(v.toDouble(), numberText(v.toDouble()));
        case QMetaType::QString:
            return ParamValue::fromString(v.toString());
        default:
            return ParamValue::null(QStringLiteral("null"));
    }
}

// The run name `onlyRun` (a run id of this kind, or a native id) asks for; null: every run.
// "." is the logdir's own run, whose session metrics live in every other run: all are read.
QString onlyRunName(const QString& onlyRun) {
    if (onlyRun.isEmpty()) return {};
    QString name = onlyRun;
    const QString prefix = QString::fromLatin1(TensorBoardSource::kKind) + u':';
    if (onlyRun.startsWith(prefix)) {
        const qsizetype colon = onlyRun.indexOf(u':', prefix.size());
        if (colon > 0) name = onlyRun.mid(colon + 1);
    }
    return name == u"." ? QString() : name;
}

QString parentName(const QString& name) {
    const qsizetype slash = name.lastIndexOf(u'/');
    return slash < 0 ? (name == u"." ? QString() : QStringLiteral(".")) : name.left(slash);
}

}  // namespace

TensorBoardSource::TensorBoardSource(QString logdir, QString searchRoot)
    : m_root(QDir(logdir).absolutePath()),
      m_searchRoot(searchRoot.isEmpty() ? m_root : QDir(searchRoot).absolutePath()) {}
TensorBoardSource::~TensorBoardSource() = default;

bool TensorBoardSource::isEventFileName(std::string_view name) {
    constexpr std::string_view kProfileEmpty = ".profile-empty";
    if (name.find("tfevents") == std::string_view::npos) return false;
    return !(name.size() >= kProfileEmpty.size() &&
             name.substr(name.size() - kProfileEmpty.size()) == kProfileEmpty);
}

ScanDelta TensorBoardSource::scan(const ScanOptions& options) {
    ScanDelta delta;
    std::vector<FoundRun> found;
    const QString searchName = QDir(m_root).relativeFilePath(m_searchRoot);
    const QString only = onlyRunName(options.onlyRun);
    if (!only.isNull() && (searchName.isEmpty() || searchName == u".")) {
        // One run asked for (`runlens-cli history`): its folder and those below it only, not
        // a listing of every run folder of the logdir.
        if (const std::string dir = runFolder(toLocalPath(m_searchRoot), only); !dir.empty())
            findRuns(dir, only, int(only.count(u'/')) + 1, found);
    } else {
        findRuns(toLocalPath(m_searchRoot), searchName.isEmpty() ? QStringLiteral(".") : searchName,
                 0, found);
    }
    if (!only.isNull())
        std::erase_if(found, [&](const FoundRun& f) {
            return f.name != only && !f.name.startsWith(only + u'/');
        });

    QMutexLocker lock(&m_mutex);
    // Runs that vanished.
    for (auto it = m_runs.begin(); it != m_runs.end();) {
        const bool present = std::any_of(found.begin(), found.end(),
                                         [&](const FoundRun& f) { return f.name == it->first; });
        if (present) {
            ++it;
            continue;
        }
        delta.removed.append(RunId::make(kind(), m_root, it->first));
        it = m_runs.erase(it);
    }
    struct Work {
        TensorBoardRun* run;
        const std::vector<std::string>* files;
        bool changed = false;
    };
    std::vector<Work> work;
    for (const FoundRun& f : found) {
        auto& slot = m_runs[f.name];
        if (!slot) slot = std::make_unique<TensorBoardRun>(f.dir);
        work.push_back({slot.get(), &f.files});
    }
    TensorBoardRun::Options runOptions;
    runOptions.purgeRestarts = options.purgeRestarts;
    runOptions.cacheDir = options.cacheDir;
    m_runOptions = runOptions;
    std::atomic_int done = 0;
    // Event files are read on a pool of the scan's own: the scan holds m_mutex, and history
    // loads waiting for it on the shared pool must not leave this work without a thread.
    static QThreadPool scanPool;
    auto read = [&](Work& w) {
        if (options.cancelled()) return;
        w.changed = w.run->updateGuarded(*w.files, runOptions);  // never throws
        const int n = ++done;
        if (options.progress && (n % 16 == 0 || n == int(work.size()))) options.progress(n);
    };
    // One run (`runlens-cli history`, a live append) is read on this thread: starting the
    // pool's threads would take longer than reading it from the series cache.
    if (work.size() == 1)
        read(work.front());
    else
        QtConcurrent::blockingMap(&scanPool, work, read);
    if (options.cancelled()) {
        delta.cancelled = true;
        return delta;
    }

    // The experiment's metric infos, wherever they were written (PyTorch writes one per
    // add_hparams sub-run, Keras one at the logdir root).
    std::vector<HParamsMetric> metrics;
    for (const auto& [name, run] : m_runs) {
        for (const HParamsMetric& m : run->hparams().metrics) {
            const bool known = std::any_of(
                metrics.begin(), metrics.end(),
                [&](const HParamsMetric& k) { return k.group == m.group && k.tag == m.tag; });
            if (!known) metrics.push_back(m);
        }
    }
    // Sessions draw on other runs (their group sub-runs), so a change anywhere re-reports
    // every session; plain runs are reported when they changed.
    const bool anyChanged =
        !delta.removed.isEmpty() ||
        std::any_of(work.begin(), work.end(), [](const Work& w) { return w.changed; });
    m_joined = options.joinHparamsRuns ? hparamsChildren() : std::map<QString, QString>{};
    std::set<QString> joinedChildren;
    for (const auto& [parent, child] : m_joined)
        joinedChildren.insert(child);
    auto report = [&](const QString& name) {
        const TensorBoardRun& state = *m_runs[name];
        Run run = makeRun(name, state);
        if (state.hparams().hasSessionStart) addSessionMetrics(run, name, metrics);
        return run;
    };
    for (size_t i = 0; i < found.size(); ++i) {
        const QString& name = found[i].name;
        const TensorBoardRun& state = *m_runs[name];
        for (const Problem& p : state.problems())
            delta.problems.append(p);
        if (joinedChildren.count(name)) continue;  // reported inside its parent
        const auto joined = m_joined.find(name);
        const bool isSession = state.hparams().hasSessionStart || joined != m_joined.end();
        if (!work[i].changed && !(isSession && anyChanged)) continue;
        Run run = report(name);
        if (joined != m_joined.end()) joinInto(run, report(joined->second));
        delta.runs.push_back(std::move(run));
    }
    sortRunsNewestFirst(delta.runs);
    return delta;
}

Run TensorBoardSource::makeRun(const QString& name, const TensorBoardRun& state) const {
    Run run;
    run.sourceKind = kind();
    run.nativeId = name;
    run.name = name;
    run.id = RunId::make(run.sourceKind, m_root, name);
    run.experiment = QFileInfo(m_root).fileName();
    run.location = QString::fromStdString(state.dir());
    if (state.firstWallTime() > 0)
        run.startTimeMs = toInt64(std::round(state.firstWallTime() * 1000));
    if (state.lastWallTime() > 0) run.endTimeMs = toInt64(std::round(state.lastWallTime() * 1000));
    const QString parent = parentName(name);
    if (!parent.isEmpty() && m_runs.count(parent))
        run.parentId = RunId::make(run.sourceKind, m_root, parent);
    for (const TensorBoardRun::Scalar& s : state.scalars())
        if (s.summary.count > 0) run.metrics.insert(s.tag, s.summary);
    const HParamsData& hp = state.hparams();
    if (hp.hasSessionStart) {
        for (auto it = hp.hparams.begin(); it != hp.hparams.end(); ++it)
            run.params.insert(it.key(), paramFromVariant(it.value()));
        if (hp.startTimeSecs > 0) run.startTimeMs = toInt64(std::round(hp.startTimeSecs * 1000));
        if (!hp.groupName.isEmpty()) run.tags.insert(QStringLiteral("hparams.group"), hp.groupName);
    }
    if (hp.hasSessionEnd) {
        // SessionEndInfo.status: 1 SUCCESS, 2 FAILURE, 3 RUNNING
        run.status = hp.endStatus == 1   ? RunStatus::Finished
                     : hp.endStatus == 2 ? RunStatus::Failed
                     : hp.endStatus == 3 ? RunStatus::Running
                                         : RunStatus::Unknown;
        if (hp.endTimeSecs > 0) run.endTimeMs = toInt64(std::round(hp.endTimeSecs * 1000));
    }
    for (const Problem& p : state.problems())
        run.problems << p.message;
    return run;
}

// Parent runs and the one add_hparams sub-run each holds: a direct sub-folder run with a
// session start, whose parent has none of its own and holds no other session.
std::map<QString, QString> TensorBoardSource::hparamsChildren() const {
    std::map<QString, QString> children;
    std::set<QString> ambiguous;
    for (const auto& [name, run] : m_runs) {
        if (!run->hparams().hasSessionStart) continue;
        const QString parent = parentName(name);
        const auto it = m_runs.find(parent);
        if (parent.isEmpty() || it == m_runs.end() || it->second->hparams().hasSessionStart)
            continue;
        if (!children.emplace(parent, name).second) ambiguous.insert(parent);
    }
    for (const QString& parent : ambiguous)
        children.erase(parent);
    return children;
}

// The sub-run's params, status, times and the metrics the parent lacks go into the parent;
// tag tensorboard.hparams_run names where they came from.
void TensorBoardSource::joinInto(Run& parent, const Run& child) {
    for (auto it = child.params.begin(); it != child.params.end(); ++it)
        if (!parent.params.contains(it.key())) parent.params.insert(it.key(), it.value());
    for (auto it = child.tags.begin(); it != child.tags.end(); ++it)
        if (!parent.tags.contains(it.key())) parent.tags.insert(it.key(), it.value());
    for (auto it = child.metrics.begin(); it != child.metrics.end(); ++it)
        if (!parent.metrics.contains(it.key())) parent.metrics.insert(it.key(), it.value());
    if (parent.status == RunStatus::Unknown) parent.status = child.status;
    if (child.endTimeMs && (!parent.endTimeMs || *child.endTimeMs > *parent.endTimeMs))
        parent.endTimeMs = child.endTimeMs;
    parent.problems += child.problems;
    parent.tags.insert(QStringLiteral("tensorboard.hparams_run"), child.nativeId);
}

void TensorBoardSource::addSessionMetrics(Run& run, const QString& name,
                                          const std::vector<HParamsMetric>& metrics) const {
    for (const HParamsMetric& metric : metrics) {
        const QString runName =
            metric.group.isEmpty() ? name : QDir::cleanPath(name + u'/' + metric.group);
        const auto it = m_runs.find(runName);
        if (it == m_runs.end()) continue;
        const TensorBoardRun::Scalar* scalar = it->second->scalar(metric.tag);
        if (!scalar || scalar->summary.count == 0) continue;
        const QString key = metric.group.isEmpty() ? metric.tag : metric.group + u'/' + metric.tag;
        // The session value is the last point, as TensorBoard's hparams dashboard shows it;
        // the session run's own tag already has the rest of its summary.
        MetricSummary& summary = run.metrics[key];
        if (!metric.group.isEmpty()) summary = scalar->summary;
        summary.last = scalar->lastValue;
        summary.step = scalar->lastStep;
        summary.timestampMs = scalar->lastWallTimeMs;
    }
}

HistoryResult TensorBoardSource::loadHistory(const Run& run, const QString& metric) {
    HistoryResult result;
    QMutexLocker lock(&m_mutex);
    auto lookup = [&](const QString& runName, const QString& tag) -> const TensorBoardRun* {
        const auto it = m_runs.find(runName);
        return it == m_runs.end() || !it->second->scalar(tag) ? nullptr : it->second.get();
    };
    QString tag = metric;
    const TensorBoardRun* scalar = lookup(run.nativeId, metric);
    if (const auto joined = m_joined.find(run.nativeId); !scalar && joined != m_joined.end()) {
        // A metric the joined add_hparams sub-run logged.
        Run child = run;
        child.nativeId = joined->second;
        lock.unlock();
        return loadHistory(child, metric);
    }
    if (!scalar) {
        // A session metric "<group>/<tag>" lives in the run "<session>/<group>".
        const qsizetype slash = metric.indexOf(u'/');
        if (slash > 0) {
            tag = metric.mid(slash + 1);
            scalar = lookup(QDir::cleanPath(run.nativeId + u'/' + metric.left(slash)), tag);
        }
    }
    if (!scalar) return result;
    result.found = scalar->history(tag, m_runOptions, result.series);
    return result;
}

QMap<QString, QStringList> TensorBoardSource::skippedTags() const {
    QMutexLocker lock(&m_mutex);
    QMap<QString, QStringList> all;
    for (const auto& [name, run] : m_runs)
        for (auto it = run->skippedTags().begin(); it != run->skippedTags().end(); ++it)
            for (const QString& tag : it.value())
                if (!all[it.key()].contains(tag)) all[it.key()] << tag;
    for (QStringList& tags : all)
        tags.sort();
    return all;
}

// The newest event file: a writer appends to one file until it restarts.
QStringList TensorBoardSource::followedFiles(const Run& run) const {
    const QStringList events =
        QDir(run.location).entryList({QStringLiteral("*tfevents*")}, QDir::Files, QDir::Name);
    return events.isEmpty() ? QStringList() : QStringList{run.location + u'/' + events.last()};
}

namespace {

// TensorBoard's logdir for the event folders found under `opened`: their deepest common
// folder, or its parent when that folder is itself a run (so a lone run is named after its
// folder, not "."), except that a run at the opened folder with runs below it stays "." as
// in `tensorboard --logdir`.
SourcePtr logdirSource(const QString& opened, const QStringList& eventDirs) {
    QString common = eventDirs.first();
    for (const QString& dir : eventDirs)
        while (!(dir == common || dir.startsWith(common + u'/')))
            common = QFileInfo(common).absolutePath();
    QString logdir = common;
    const bool commonIsRun = eventDirs.contains(common);
    if (commonIsRun && (common != opened || eventDirs.size() == 1))
        logdir = QFileInfo(common).absolutePath();
    return std::make_unique<TensorBoardSource>(logdir,
                                               opened.startsWith(logdir + u'/') ? opened : logdir);
}

}  // namespace

Format TensorBoardSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral("TensorBoard logdirs: events.out.tfevents.* files")};
    f.grouping = Format::Grouping::Gathered;
    // Decided by name alone, so an event file that is a FIFO reaches the reader, which says so.
    f.claim = [](const Candidate& c) {
        if (c.isDir || !isEventFileName(c.name)) return Claim{};
        return Claim::mine(50, c.path.left(c.path.lastIndexOf(u'/')));
    };
    f.create = logdirSource;
    f.placeOfRun = onlyRunName;
    f.namedLikeData = [](const std::string& name) { return isEventFileName(name); };
    return f;
}

}  // namespace runlens
