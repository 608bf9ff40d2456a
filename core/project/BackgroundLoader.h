#pragma once

#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>

#include "ProjectLoader.h"

namespace runlens {

// Loads a project on a thread of its own and hands the result back by queued signal, so the
// GUI thread never waits on a disk. One load at a time; a new open() cancels the last.
class BackgroundLoader : public QObject {
    Q_OBJECT
public:
    explicit BackgroundLoader(QObject* parent = nullptr);
    ~BackgroundLoader() override;

    void open(const QString& path, const ScanOptions& options = {});
    void cancel();
    bool isLoading() const { return m_thread != nullptr; }
    // The sources of the last finished load (for histories), owned here.
    std::shared_ptr<const LoadedProject> project() const { return m_project; }
    // The same, for the live updates that scan its sources again.
    std::shared_ptr<LoadedProject> projectForUpdates() const { return m_project; }

signals:
    void progress(int sourcesFound, int runsRead);
    // The runs and problems of `path`; `cancelled` if the user stopped it.
    void loaded(const QString& path, std::shared_ptr<ScanDelta> delta, bool cancelled);

private:
    void finish(const QString& path, std::shared_ptr<LoadedProject> project);

    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<LoadedProject> m_project;
    int m_generation = 0;
};

}  // namespace runlens
