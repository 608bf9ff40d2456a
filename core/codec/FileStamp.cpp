#include "FileStamp.h"

#include <sys/stat.h>

#include <QDateTime>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <ctime>

#include "LocalFiles.h"

namespace runlens {

FileStamp FileStamp::of(const std::string& path) {
    FileStamp stamp;
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return stamp;
    stamp.size = int64_t(st.st_size);
    stamp.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    stamp.inode = uint64_t(st.st_ino);
    return stamp;
}

void FileStamp::ofTree(const std::string& dir, const std::string& prefix, int depth,
                       std::map<std::string, FileStamp>& out) {
    std::vector<DirEntry> entries;
    if (!listDirectory(dir, entries, nullptr)) return;
    for (const DirEntry& e : entries) {
        if (e.isDir) {
            if (!e.isSymlink && depth < 16)
                ofTree(dir + '/' + e.name, prefix + e.name + '/', depth + 1, out);
        } else {
            out.emplace(prefix + e.name, of(dir + '/' + e.name));
        }
    }
}

double FileStamp::ageSeconds() const {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return double(int64_t(now.tv_sec) * 1000000000 + now.tv_nsec - mtimeNs) / 1e9;
}

quint64 filesSignature(const QStringList& paths) {
    quint64 signature = 1469598103934665603ull;
    auto mix = [&signature](quint64 v) {
        signature ^= v;
        signature *= 1099511628211ull;
    };
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (info.isFile()) {
            mix(quint64(info.size()));
            mix(quint64(info.lastModified().toMSecsSinceEpoch()));
            continue;
        }
        QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext() && files++ < 100000) {
            it.next();
            mix(quint64(qHash(it.filePath())));
            mix(quint64(it.fileInfo().size()));
            mix(quint64(it.fileInfo().lastModified().toMSecsSinceEpoch()));
        }
    }
    return signature;
}

}  // namespace runlens
