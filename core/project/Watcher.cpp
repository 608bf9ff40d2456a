#include "Watcher.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>

namespace runlens {

namespace {
// Folders that hold no run data and can be huge.
bool skipFolder(const QString& name) {
    return name == u"artifacts" || name == u".git" || name == u"node_modules" ||
           name == u"__pycache__" || (name.startsWith(u'.') && name != u".trash");
}
}  // namespace

Watcher::Watcher(QObject* parent) : QObject(parent) {
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(100);
    m_poll.setInterval(5000);
    m_retry.setSingleShot(true);
    m_retry.setInterval(200);
    connect(&m_debounce, &QTimer::timeout, this, &Watcher::changed);
    connect(&m_poll, &QTimer::timeout, this, &Watcher::changed);
    connect(&m_retry, &QTimer::timeout, this, &Watcher::rewatch);
    m_slice.setSingleShot(true);
    m_slice.setInterval(0);
    connect(&m_slice, &QTimer::timeout, this, &Watcher::walkSlice);
    makeWatcher();
}

void Watcher::makeWatcher() {
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher.release()->deleteLater();  // it may be the one emitting now
    }
    m_watcher = std::make_unique<QFileSystemWatcher>();
    connect(m_watcher.get(), &QFileSystemWatcher::directoryChanged, this, &Watcher::onPathEvent);
    connect(m_watcher.get(), &QFileSystemWatcher::fileChanged, this, &Watcher::onPathEvent);
}

void Watcher::setPaths(const QStringList& folders, const QStringList& files, int depth) {
    m_roots = folders;
    m_wantedFiles = files;
    m_depth = depth;
    rewatch();
    if (m_poll.interval() > 0) m_poll.start();
}

void Watcher::setPollInterval(int ms) {
    m_poll.setInterval(ms);
    if (ms > 0 && !m_roots.isEmpty())
        m_poll.start();
    else
        m_poll.stop();
}

int Watcher::watchedCount() const {
    return int(m_watcher->directories().size() + m_watcher->files().size());
}

void Watcher::stop() {
    m_poll.stop();
    m_debounce.stop();
    m_retry.stop();
    m_slice.stop();
    m_pending.clear();
    m_walked.clear();
    m_watchedBefore.clear();
    // A new watcher rather than removePaths(), which searches its lists path by path: letting
    // go of a 2,000-run store's 4,000 folders took the window 80 ms.
    makeWatcher();
    m_roots.clear();
    m_wantedFiles.clear();
}

// Watches what should be watched and exists; forgets what no longer should be. The files
// at once; the folders by a walk, breadth first, a slice at a time.
void Watcher::rewatch() {
    watchFiles();
    m_pending.clear();
    m_walked.clear();
    const QStringList watched = m_watcher->directories();
    m_watchedBefore = QSet<QString>(watched.begin(), watched.end());
    for (const QString& root : std::as_const(m_roots))
        if (QFileInfo(root).isDir()) m_pending.push_back({root, m_depth});
    walkSlice();
}

void Watcher::watchFiles() {
    QStringList files;
    for (const QString& file : std::as_const(m_wantedFiles)) {
        if (files.size() >= kMaxFiles) break;
        if (QFileInfo(file).isFile()) files << file;
    }
    const QSet<QString> wanted(files.begin(), files.end());
    const QStringList watched = m_watcher->files();
    QStringList drop;
    for (const QString& f : watched)
        if (!wanted.contains(f)) drop << f;
    if (!drop.isEmpty()) m_watcher->removePaths(drop);
    const QSet<QString> have(watched.begin(), watched.end());
    QStringList add;
    for (const QString& f : std::as_const(files))
        if (!have.contains(f)) add << f;
    if (!add.isEmpty()) m_watcher->addPaths(add);
}

// An event-loop turn looks into kFoldersAtOnce folders, then more while kSliceMs lasts, up to
// kFoldersPerSlice (a slow disk or a busy machine makes the slices smaller, not longer).
void Watcher::walkSlice() {
    QElapsedTimer clock;
    clock.start();
    QStringList add;
    for (int n = 0; n < kFoldersPerSlice && !m_pending.empty() && m_walked.size() < kMaxFolders &&
                    (n < kFoldersAtOnce || clock.elapsed() < kSliceMs);
         ++n) {
        const Pending next = std::move(m_pending.front());
        m_pending.pop_front();
        m_walked.insert(next.folder);
        if (!m_watchedBefore.contains(next.folder)) add << next.folder;
        if (next.depth <= 0) continue;
        const QStringList children =
            QDir(next.folder)
                .entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::NoSymLinks);
        for (const QString& child : children)
            if (!skipFolder(child))
                m_pending.push_back({next.folder + u'/' + child, next.depth - 1});
    }
    if (!add.isEmpty()) m_watcher->addPaths(add);
    if (!m_pending.empty() && m_walked.size() < kMaxFolders) return m_slice.start();
    // The whole tree seen: folders watched before and not found now are let go.
    m_pending.clear();
    QStringList drop;
    for (const QString& d : std::as_const(m_watchedBefore))
        if (!m_walked.contains(d)) drop << d;
    if (!drop.isEmpty()) m_watcher->removePaths(drop);
    m_walked.clear();
    m_watchedBefore.clear();
}

void Watcher::onPathEvent(const QString& path) {
    // At most `debounce` after the first event: a steady stream of appends must not keep
    // postponing the update.
    if (!m_debounce.isActive()) m_debounce.start();
    // A folder with new entries may have new subfolders; a file replaced by a rename lost
    // its watch (the watch was on the old file): look again shortly.
    if (!m_retry.isActive() && (QFileInfo(path).isDir() || !m_watcher->files().contains(path)))
        m_retry.start();
}

}  // namespace runlens
