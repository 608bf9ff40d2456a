#include "LocalFiles.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace runlens {

namespace {
QString errnoText(const char* what) {
    return QString::fromLatin1(what) + QStringLiteral(": ") +
           QString::fromLocal8Bit(strerror(errno));
}
}  // namespace

bool listDirectory(const std::string& dir, std::vector<DirEntry>& entries, QString* error) {
    entries.clear();
    DIR* d = opendir(dir.c_str());
    if (!d) {
        if (error) *error = errnoText("cannot list folder");
        return false;
    }
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.' &&
            (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0)))
            continue;
        DirEntry entry;
        entry.name = e->d_name;
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            const std::string full = dir + '/' + entry.name;
            if (lstat(full.c_str(), &st) == 0)
                type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
        }
        entry.isSymlink = type == DT_LNK;
        entry.isDir = type == DT_DIR;
        if (entry.isSymlink) {
            struct stat st;
            const std::string full = dir + '/' + entry.name;
            entry.isDir = stat(full.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        }
        entries.push_back(std::move(entry));
    }
    closedir(d);
    std::sort(entries.begin(), entries.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return true;
}

bool readWholeFile(const std::string& path, std::string& out, QString* error) {
    return readFileFrom(path, 0, out, error);
}

bool readFileFrom(const std::string& path, uint64_t offset, std::string& out, QString* error) {
    out.clear();
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOATIME);
    const int fdFallback = fd >= 0 ? fd : open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fdFallback < 0) {
        if (error) *error = errnoText("cannot open");
        return false;
    }
    struct stat st;
    if (fstat(fdFallback, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fdFallback);
        if (error) *error = QStringLiteral("is a folder, not a file");
        return false;
    }
    if (offset > 0 && lseek(fdFallback, off_t(offset), SEEK_SET) < 0) {
        if (error) *error = errnoText("cannot seek");
        close(fdFallback);
        return false;
    }
    const uint64_t expected = uint64_t(st.st_size) > offset ? uint64_t(st.st_size) - offset : 0;
    size_t capacity = expected > 0 ? size_t(expected) + 1 : 4096;
    out.resize(capacity);
    size_t used = 0;
    for (;;) {
        if (used == out.size()) out.resize(out.size() * 2);
        const ssize_t n = read(fdFallback, out.data() + used, out.size() - used);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (error) *error = errnoText("cannot read");
            close(fdFallback);
            out.clear();
            return false;
        }
        if (n == 0) break;
        used += size_t(n);
    }
    close(fdFallback);
    out.resize(used);
    return true;
}

}  // namespace runlens
