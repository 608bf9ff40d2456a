#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <deque>
#include <memory>

namespace runlens {

// Tells when a project may have changed, cheaply and without flooding the disk:
// - QFileSystemWatcher on folders (new runs, new metric and event files, renames), not on
//   every file (inotify allows a few thousand watches per user); on files only where appends
//   are expected (the metric files of running runs, event files, databases and journals),
//   capped;
// - paths that vanish (an atomic rename replaces a file) are added again when they return;
// - a slow poll (5 s by default) for network and FUSE file systems where inotify is silent.
// Notifications within `debounce` ms are merged into one changed().
class Watcher : public QObject {
    Q_OBJECT
public:
    explicit Watcher(QObject* parent = nullptr);

    // Replaces what is watched. Folders are watched down to `depth` levels below each.
    void setPaths(const QStringList& folders, const QStringList& files, int depth = 4);
    void setPollInterval(int ms);  // 0: no polling
    int pollInterval() const { return m_poll.interval(); }
    void setDebounce(int ms) { m_debounce.setInterval(ms); }
    int watchedCount() const;
    // True once every wanted folder is watched: a large tree is walked and watched a slice
    // at a time between events (a small one at once, within setPaths()).
    bool isSettled() const { return m_pending.empty(); }
    void stop();

    static constexpr int kMaxFolders = 4000;
    static constexpr int kMaxFiles = 2000;
    // Folders looked into per slice of the walk: at least kFoldersAtOnce (a small tree is
    // watched at once), more while kSliceMs of the GUI thread's time lasts, at most this.
    static constexpr int kFoldersPerSlice = 300;
    static constexpr int kFoldersAtOnce = 64;
    static constexpr qint64 kSliceMs = 8;

signals:
    void changed();

private:
    struct Pending {
        QString folder;
        int depth;  // levels below it still to watch
    };
    void makeWatcher();
    void onPathEvent(const QString& path);
    void rewatch();
    void watchFiles();
    void walkSlice();

    std::unique_ptr<QFileSystemWatcher> m_watcher;
    QTimer m_debounce;
    QTimer m_poll;
    QTimer m_retry;                 // adds back paths that vanished
    QTimer m_slice;                 // the walk's next slice, once pending events are handled
    std::deque<Pending> m_pending;  // folders still to look into, breadth first
    QSet<QString> m_walked;         // folders this walk found so far
    QSet<QString> m_watchedBefore;  // folders watched when this walk began
    QStringList m_roots;
    QStringList m_wantedFiles;
    int m_depth = 4;
};

}  // namespace runlens
