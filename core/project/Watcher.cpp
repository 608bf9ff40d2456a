#include "Watcher.h"

#include <QDir>
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
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &Watcher::onPathEvent);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &Watcher::onPathEvent);
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
    return int(m_watcher.directories().size() + m_watcher.files().size());
}

void Watcher::stop() {
    m_poll.stop();
    m_debounce.stop();
    m_retry.stop();
    if (!m_watcher.directories().isEmpty()) m_watcher.removePaths(m_watcher.directories());
    if (!m_watcher.files().isEmpty()) m_watcher.removePaths(m_watcher.files());
    m_roots.clear();
    m_wantedFiles.clear();
}

void Watcher::addFolderTree(const QString& folder, int depth, QStringList& out) const {
    if (out.size() >= kMaxFolders) return;
    out << folder;
    if (depth <= 0) return;
    const QStringList children =
        QDir(folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden | QDir::NoSymLinks);
    for (const QString& child : children)
        if (!skipFolder(child)) addFolderTree(folder + u'/' + child, depth - 1, out);
}

// Watches what should be watched and exists; forgets what no longer should be.
void Watcher::rewatch() {
    QStringList folders;
    for (const QString& root : std::as_const(m_roots))
        if (QFileInfo(root).isDir()) addFolderTree(root, m_depth, folders);
    QStringList files;
    for (const QString& file : std::as_const(m_wantedFiles)) {
        if (files.size() >= kMaxFiles) break;
        if (QFileInfo(file).isFile()) files << file;
    }
    const QSet<QString> wanted(folders.begin(), folders.end());
    const QSet<QString> wantedFiles(files.begin(), files.end());
    QStringList drop;
    for (const QString& d : m_watcher.directories())
        if (!wanted.contains(d)) drop << d;
    for (const QString& f : m_watcher.files())
        if (!wantedFiles.contains(f)) drop << f;
    if (!drop.isEmpty()) m_watcher.removePaths(drop);
    QStringList add;
    const QStringList watchedDirs = m_watcher.directories(), watchedFiles = m_watcher.files();
    const QSet<QString> have = QSet<QString>(watchedDirs.begin(), watchedDirs.end()) +
                               QSet<QString>(watchedFiles.begin(), watchedFiles.end());
    for (const QString& p : folders + files)
        if (!have.contains(p)) add << p;
    if (!add.isEmpty()) m_watcher.addPaths(add);
}

void Watcher::onPathEvent(const QString& path) {
    // At most `debounce` after the first event: a steady stream of appends must not keep
    // postponing the update.
    if (!m_debounce.isActive()) m_debounce.start();
    // A folder with new entries may have new subfolders; a file replaced by a rename lost
    // its watch (the watch was on the old file): look again shortly.
    if (!m_retry.isActive() && (QFileInfo(path).isDir() || !m_watcher.files().contains(path)))
        m_retry.start();
}

}  // namespace runlens
