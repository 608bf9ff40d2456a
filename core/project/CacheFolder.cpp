#include "CacheFolder.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QStandardPaths>

namespace runlens {

QString CacheFolder::path() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
           QStringLiteral("/RunLens/RunLens/index");
}

qint64 CacheFolder::sizeOf(const QString& dir, int* files) {
    qint64 bytes = 0;
    int count = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        bytes += it.fileInfo().size();
        ++count;
    }
    if (files) *files = count;
    return bytes;
}

bool CacheFolder::clear(const QString& dir, QString* error) {
    const QFileInfo info(dir);
    if (!info.exists()) return true;
    if (!info.isDir()) {
        if (error) *error = QStringLiteral("%1 is not a folder").arg(dir);
        return false;
    }
    bool ok = true;
    const QFileInfoList entries =
        QDir(dir).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QFileInfo& entry : entries) {
        const bool removed = entry.isDir() && !entry.isSymLink()
                                 ? QDir(entry.filePath()).removeRecursively()
                                 : QFile::remove(entry.filePath());
        if (!removed && ok && error)
            *error = QStringLiteral("cannot remove %1").arg(entry.filePath());
        ok = ok && removed;
    }
    return ok;
}

}  // namespace runlens
