#pragma once

#include <QDateTime>
#include <QFutureWatcher>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <memory>

#include "ProjectLoader.h"
#include "Watcher.h"

namespace runlens {

// Keeps a loaded project up to date while training writes to it. The Watcher says when to
// look; each look runs on a worker thread and asks every source for what changed: the file
// store and TensorBoard read only appended bytes themselves; SQLite sources are skipped unless
// PRAGMA data_version moved, a journal unless it grew, and their full listings are compared
// with what they listed before. What changed comes back as one ScanDelta for the Catalog.
// One look at a time; changes during a look cause one more look after it.
class LiveProject : public QObject {
    Q_OBJECT
public:
    explicit LiveProject(QObject* parent = nullptr);
    ~LiveProject() override;

    // Starts watching `project`; `runs` are the runs it listed when loaded.
    void start(std::shared_ptr<LoadedProject> project, const std::vector<Run>& runs,
               const ScanOptions& options = {});
    void stop();
    bool isActive() const { return m_project != nullptr; }
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    Watcher& watcher() { return m_watcher; }
    // Looks now (also while paused), as F5 would.
    void rescanNow();
    QDateTime lastLook() const { return m_lastLook; }
    // A remote source the last looks could not reach (the earliest since), or nothing.
    Unreachable unreachable() const;
    QDateTime lastChange() const { return m_lastChange; }
    int looks() const { return m_looks; }
    // No look running or due, and every wanted folder watched: every look asked for so far
    // has finished, and a change from now on is seen. A count of looks
    // cannot say this (a look already running when something was written counts too); tests
    // wait for it before asserting that nothing changed.
    bool isIdle() const { return !m_running && !m_again && m_watcher.isSettled(); }
    // Looks are at least this far apart (default 400 ms): a writer appending all the time
    // costs a few looks a second, and a point is on screen well within a second.
    void setMinimumGap(int ms) { m_gap.setInterval(ms); }

signals:
    // Something changed: new, changed and removed runs, new problems.
    void updated(std::shared_ptr<ScanDelta> delta);
    // After every look, changed or not.
    void looked();

private:
    struct State;
    void requestLook();
    void lookFinished();
    void updateWatches();

    Watcher m_watcher;
    std::shared_ptr<LoadedProject> m_project;
    std::shared_ptr<State> m_state;  // shared with the worker
    ScanOptions m_options;
    QFutureWatcher<std::shared_ptr<ScanDelta>> m_future;
    QTimer m_gap;  // running while the next look must wait
    bool m_running = false;
    bool m_again = false;
    bool m_asked = false;  // the user asked (F5): the look runs even while paused
    bool m_paused = false;
    QDateTime m_lastLook, m_lastChange;
    int m_looks = 0;
};

}  // namespace runlens
