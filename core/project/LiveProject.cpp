#include "LiveProject.h"

#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QtConcurrent/QtConcurrentRun>

#include "ThreadPriority.h"

namespace runlens {

// What the worker keeps between looks: the runs of sources that list everything each time,
// and the files worth a watch per run.
struct LiveProject::State {
    std::vector<QHash<RunId, Run>> known;  // per source, for those not incremental
    QHash<RunId, QStringList> runFiles;
    QMutex mutex;  // runFiles, read by the GUI thread after a look
};

LiveProject::LiveProject(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &Watcher::changed, this, [this] {
        if (!m_paused) requestLook();
    });
    connect(&m_future, &QFutureWatcher<std::shared_ptr<ScanDelta>>::finished, this,
            &LiveProject::lookFinished);
    m_gap.setSingleShot(true);
    m_gap.setInterval(400);
    connect(&m_gap, &QTimer::timeout, this, [this] {
        if (m_again && (!m_paused || m_asked)) requestLook();
    });
}

LiveProject::~LiveProject() {
    stop();
}

void LiveProject::start(std::shared_ptr<LoadedProject> project, const std::vector<Run>& runs,
                        const ScanOptions& options) {
    stop();
    m_project = std::move(project);
    m_options = options;
    m_options.cancel = nullptr;
    m_options.progress = {};
    m_state = std::make_shared<State>();
    m_state->known.resize(m_project->sources.size());
    for (const Run& run : runs) {
        const int i = m_project->sourceIndexOf(run);
        if (i < 0) continue;
        const Source& source = *m_project->sources[size_t(i)];
        if (!source.scansIncrementally()) m_state->known[size_t(i)].insert(run.id, run);
        const QStringList files = source.followedFiles(run);
        if (!files.isEmpty()) m_state->runFiles.insert(run.id, files);
    }
    updateWatches();
}

void LiveProject::stop() {
    m_watcher.stop();
    m_project.reset();
    m_state.reset();
    m_again = false;
    m_asked = false;
    // A look still running finishes on its own; its result is dropped (no project).
}

void LiveProject::setPaused(bool paused) {
    m_paused = paused;
    if (paused)
        m_again = false;  // the resume looks anyway
    else
        requestLook();  // catch up on what happened meanwhile
}

void LiveProject::rescanNow() {
    m_asked = true;
    requestLook();
}

void LiveProject::requestLook() {
    if (!m_project) return;
    if (m_running || m_gap.isActive()) {
        m_again = true;
        return;
    }
    m_running = true;
    m_again = false;
    m_asked = false;
    std::shared_ptr<LoadedProject> project = m_project;
    std::shared_ptr<State> state = m_state;
    const ScanOptions options = m_options;
    m_future.setFuture(QtConcurrent::run(&backgroundPool(), [project, state, options] {
        lowerThreadPriority();
        auto delta = std::make_shared<ScanDelta>();
        for (size_t i = 0; i < project->sources.size(); ++i) {
            Source& source = *project->sources[i];
            if (!source.mayHaveChanged()) continue;
            ScanDelta found = scanGuarded(source, options);
            delta->problems += found.problems;
            if (found.unreachable) continue;
            if (source.scansIncrementally()) {
                delta->removed += found.removed;
                for (Run& run : found.runs)
                    delta->runs.push_back(std::move(run));
                continue;
            }
            // A full listing: keep what differs from the last one.
            QHash<RunId, Run>& known = state->known[i];
            QSet<RunId> present;
            for (Run& run : found.runs) {
                present.insert(run.id);
                auto it = known.find(run.id);
                if (it != known.end() && sameRun(*it, run)) continue;
                known.insert(run.id, run);
                delta->runs.push_back(std::move(run));
            }
            for (auto it = known.begin(); it != known.end();) {
                if (present.contains(it.key())) {
                    ++it;
                    continue;
                }
                delta->removed.append(it.key());
                it = known.erase(it);
            }
        }
        // Runs inside Hydra job folders get their job's params, on every look as at load.
        if (project->hydra) project->hydra->join(delta->runs);
        QMutexLocker lock(&state->mutex);
        for (const RunId& id : std::as_const(delta->removed))
            state->runFiles.remove(id);
        for (const Run& run : delta->runs) {
            const int i = project->sourceIndexOf(run);
            const QStringList files =
                i < 0 ? QStringList() : project->sources[size_t(i)]->followedFiles(run);
            if (files.isEmpty())
                state->runFiles.remove(run.id);
            else
                state->runFiles.insert(run.id, files);
        }
        return delta;
    }));
}

void LiveProject::lookFinished() {
    m_running = false;
    const std::shared_ptr<ScanDelta> delta = m_future.result();
    if (!m_project) return;  // stopped meanwhile
    ++m_looks;
    m_lastLook = QDateTime::currentDateTime();
    const bool changed =
        !delta->runs.empty() || !delta->removed.isEmpty() || !delta->problems.isEmpty();
    if (changed) {
        m_lastChange = m_lastLook;
        updateWatches();
        emit updated(delta);
    }
    emit looked();
    m_gap.start();  // a look asked for meanwhile runs when the gap is over
}

Unreachable LiveProject::unreachable() const {
    Unreachable first;
    if (!m_project) return first;
    for (const SourcePtr& source : m_project->sources) {
        const Unreachable u = source->unreachable();
        if (u.since.isValid() && (!first.since.isValid() || u.since < first.since)) first = u;
    }
    return first;
}

void LiveProject::updateWatches() {
    QStringList folders, files;
    for (const SourcePtr& source : m_project->sources) {
        for (const QString& path : source->watchPaths()) {
            if (QFileInfo(path).isDir())
                folders << path;
            else
                files << path;
        }
    }
    {
        QMutexLocker lock(&m_state->mutex);
        for (const QStringList& runFiles : std::as_const(m_state->runFiles))
            files += runFiles;
    }
    folders.removeDuplicates();
    m_watcher.setPaths(folders, files);
}

}  // namespace runlens
