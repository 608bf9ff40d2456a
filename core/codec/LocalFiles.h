#pragma once

#include <sys/types.h>
#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace runlens {

// Thin, fast, read-only access to local files for the readers: POSIX calls, no stat per
// directory entry where the file system reports the type, and errors as text.
//
// Every read of a user's file goes through here. A file is opened with O_NONBLOCK (a FIFO
// named like a data file must not block open()) and read only if fstat() says it is a
// regular file: a link to /dev/zero, /dev/urandom, a FIFO or a socket is refused with a
// sentence, never read until memory runs out.
struct DirEntry {
    std::string name;
    bool isDir = false;
    bool isSymlink = false;
    bool isSpecial = false;  // a FIFO, socket or device (or a link to one): never read
};

// No bound on a file's size (metric files, event files and databases can be large).
constexpr uint64_t kNoSizeLimit = UINT64_MAX;

// Lists `dir` (without "." and ".."), sorted by name. Returns false and sets `error` if the
// folder cannot be opened.
bool listDirectory(const std::string& dir, std::vector<DirEntry>& entries, QString* error);

// The entry `name` of `dir` as listDirectory() would give it, without listing the folder;
// false when there is none ("." and ".." are none, as in a listing).
bool entryAt(const std::string& dir, const std::string& name, DirEntry& entry);

// Reads the whole file into `out` (reusing its capacity). Returns false with `error` set to
// a sentence such as "cannot open: Permission denied" or "is not a regular file (a FIFO); it
// was not read". A file larger than `maxBytes` is not read either.
bool readWholeFile(const std::string& path, std::string& out, QString* error,
                   uint64_t maxBytes = kNoSizeLimit);

// Reads from `offset` to the end of the file: the appended part of a file read before.
bool readFileFrom(const std::string& path, uint64_t offset, std::string& out, QString* error,
                  uint64_t maxBytes = kNoSizeLimit);

// The first `count` bytes (fewer if the file is shorter): for detection by content.
bool readFileHead(const std::string& path, size_t count, std::string& out, QString* error);

// True if `path` (links followed) is a regular file; else false with `error` saying what it
// is instead. For libraries that open files themselves (SQLite), checked before they do.
bool isRegularFile(const std::string& path, QString* error);

// Opens `path` for reading without blocking and returns the descriptor, or -1 with `error`
// set, when it is not a regular file. For libraries that take a descriptor (libzip).
int openRegularFile(const std::string& path, QString* error);

// Reads `count` bytes at `offset` of a descriptor from openRegularFile() (pread: no shared
// position), for formats read in pieces (Parquet). False with `error` set when the file ends
// before them.
bool readAt(int fd, uint64_t offset, size_t count, std::string& out, QString* error);
// The same, but a file that ends first gives what it has (it may have been cut meanwhile):
// the bytes read (`out` holds them), or -1 with `error` set.
ssize_t readUpTo(int fd, uint64_t offset, size_t count, std::string& out, QString* error);

inline std::string toLocalPath(const QString& path) {
    return path.toStdString();
}
inline QString fromLocalPath(const std::string& path) {
    return QString::fromStdString(path);
}

// True if `name` is valid UTF-8: a name that is not cannot be kept in a QString path.
bool isValidUtf8Name(const std::string& name);

}  // namespace runlens
