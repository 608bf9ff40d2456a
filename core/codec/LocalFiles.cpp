#include "LocalFiles.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QStringDecoder>
#include <algorithm>
#include <cerrno>
#include <cstring>

namespace runlens {

namespace {
QString errnoText(const char* what) {
    return QString::fromLatin1(what) + QStringLiteral(": ") +
           QString::fromLocal8Bit(strerror(errno));
}

// What a path is when it is not a regular file, in the words of a sentence.
QString notRegularText(mode_t mode) {
    const char* what = S_ISDIR(mode)    ? nullptr
                       : S_ISFIFO(mode) ? "a FIFO"
                       : S_ISCHR(mode)  ? "a character device"
                       : S_ISBLK(mode)  ? "a block device"
                       : S_ISSOCK(mode) ? "a socket"
                                        : "not a file";
    if (!what) return QStringLiteral("is a folder, not a file");
    return QStringLiteral("is not a regular file (%1); it was not read").arg(QLatin1String(what));
}

// Opens without blocking (a FIFO's open() would wait for a writer forever) and without
// updating the access time where allowed; returns -1 with `error` set.
int openNonBlocking(const std::string& path, QString* error) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 && error) *error = errnoText("cannot open");
    return fd;
}

// lstat()'s mode as a readdir() type.
unsigned char direntType(mode_t mode) {
    return S_ISDIR(mode)   ? DT_DIR
           : S_ISLNK(mode) ? DT_LNK
           : S_ISREG(mode) ? DT_REG
                           : DT_FIFO;  // any special file
}

// The entry `name` of `dir`, of the type readdir() gave (DT_UNKNOWN: asked with lstat), with a
// link's target looked at: what the folder holds, as listDirectory() and entryAt() say it.
DirEntry classify(const std::string& dir, std::string name, unsigned char type) {
    DirEntry entry;
    entry.name = std::move(name);
    if (type == DT_UNKNOWN) {
        struct stat st;
        const std::string full = dir + '/' + entry.name;
        if (lstat(full.c_str(), &st) == 0) type = direntType(st.st_mode);
    }
    entry.isSymlink = type == DT_LNK;
    entry.isDir = type == DT_DIR;
    entry.isSpecial = type != DT_DIR && type != DT_REG && type != DT_LNK;
    if (entry.isSymlink) {
        struct stat st;
        const std::string full = dir + '/' + entry.name;
        const bool exists = stat(full.c_str(), &st) == 0;
        entry.isDir = exists && S_ISDIR(st.st_mode);
        entry.isSpecial = exists && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode);
    }
    return entry;
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
        entries.push_back(classify(dir, e->d_name, e->d_type));
    }
    closedir(d);
    std::sort(entries.begin(), entries.end(),
              [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
    return true;
}

bool entryAt(const std::string& dir, const std::string& name, DirEntry& entry) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
        return false;
    struct stat st;
    if (lstat((dir + '/' + name).c_str(), &st) != 0) return false;
    entry = classify(dir, name, direntType(st.st_mode));
    return true;
}

bool readWholeFile(const std::string& path, std::string& out, QString* error, uint64_t maxBytes) {
    return readFileFrom(path, 0, out, error, maxBytes);
}

int openRegularFile(const std::string& path, QString* error) {
    const int fd = openNonBlocking(path, error);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        if (error) *error = errnoText("cannot stat");
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        if (error) *error = notRegularText(st.st_mode);
        close(fd);
        return -1;
    }
    return fd;
}

bool isRegularFile(const std::string& path, QString* error) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
        if (error) *error = errnoText("cannot open");
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        if (error) *error = notRegularText(st.st_mode);
        return false;
    }
    return true;
}

namespace {
// One read(2) into `out` past its first `used` bytes, again when interrupted; -1 on an error
// (said in `error`), 0 at the end of the file.
ssize_t readMore(int fd, std::string& out, size_t used, QString* error) {
    for (;;) {
        const ssize_t n = read(fd, out.data() + used, out.size() - used);
        if (n >= 0) return n;
        if (errno == EINTR) continue;
        if (error) *error = errnoText("cannot read");
        return -1;
    }
}
}  // namespace

bool readFileFrom(const std::string& path, uint64_t offset, std::string& out, QString* error,
                  uint64_t maxBytes) {
    out.clear();
    const int fd = openRegularFile(path, error);
    if (fd < 0) return false;
    struct stat st;
    fstat(fd, &st);
    if (uint64_t(st.st_size) > maxBytes) {
        if (error)
            *error = QStringLiteral(
                         "is %1 bytes, more than such a file ever holds (%2); it was "
                         "not read")
                         .arg(qint64(st.st_size))
                         .arg(maxBytes);
        close(fd);
        return false;
    }
    if (offset > 0 && lseek(fd, off_t(offset), SEEK_SET) < 0) {
        if (error) *error = errnoText("cannot seek");
        close(fd);
        return false;
    }
    const uint64_t expected = uint64_t(st.st_size) > offset ? uint64_t(st.st_size) - offset : 0;
    size_t capacity = expected > 0 ? size_t(expected) + 1 : 4096;
    out.resize(capacity);
    size_t used = 0;
    for (;;) {
        if (used == out.size()) {
            // A regular file that keeps growing past its bound while read is not read further.
            if (uint64_t(used) > maxBytes) break;
            out.resize(out.size() * 2);
        }
        const ssize_t n = readMore(fd, out, used, error);
        if (n < 0) {
            close(fd);
            out.clear();
            return false;
        }
        if (n == 0) break;
        used += size_t(n);
    }
    close(fd);
    out.resize(std::min<uint64_t>(used, maxBytes));
    return true;
}

ssize_t readUpTo(int fd, uint64_t offset, size_t count, std::string& out, QString* error) {
    out.resize(count);
    size_t used = 0;
    while (used < count) {
        const ssize_t n = pread(fd, out.data() + used, count - used, off_t(offset + used));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            if (error) *error = errnoText("cannot read");
            return -1;
        }
        if (n == 0) break;
        used += size_t(n);
    }
    return ssize_t(used);
}

bool readAt(int fd, uint64_t offset, size_t count, std::string& out, QString* error) {
    const ssize_t n = readUpTo(fd, offset, count, out, error);
    if (n < 0) return false;
    if (size_t(n) < count) {
        if (error)
            *error = QStringLiteral("ends at byte %1, before the %2 bytes at %3 it needs")
                         .arg(offset + uint64_t(n))
                         .arg(count)
                         .arg(offset);
        return false;
    }
    return true;
}

bool readFileHead(const std::string& path, size_t count, std::string& out, QString* error) {
    out.clear();
    const int fd = openRegularFile(path, error);
    if (fd < 0) return false;
    out.resize(count);
    size_t used = 0;
    while (used < count) {
        const ssize_t n = readMore(fd, out, used, error);
        if (n < 0) {
            close(fd);
            out.clear();
            return false;
        }
        if (n == 0) break;
        used += size_t(n);
    }
    close(fd);
    out.resize(used);
    return true;
}

bool isValidUtf8Name(const std::string& name) {
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    // The decoding happens on conversion to QString; only its error flag is wanted.
    const QString decoded = decoder.decode(QByteArrayView(name.data(), qsizetype(name.size())));
    Q_UNUSED(decoded);
    return !decoder.hasError();
}

}  // namespace runlens
