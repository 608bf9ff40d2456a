#pragma once

#include <QByteArray>
#include <QString>
#include <string>
#include <vector>

namespace runlens {

// Thin, fast, read-only access to local files for the readers: POSIX calls, no stat per
// directory entry where the file system reports the type, and errors as text.
struct DirEntry {
    std::string name;
    bool isDir = false;
    bool isSymlink = false;
};

// Lists `dir` (without "." and ".."), sorted by name. Returns false and sets `error` if the
// folder cannot be opened.
bool listDirectory(const std::string& dir, std::vector<DirEntry>& entries, QString* error);

// Reads the whole file into `out` (reusing its capacity). Returns false with `error` set to
// a sentence such as "cannot open: Permission denied".
bool readWholeFile(const std::string& path, std::string& out, QString* error);

// Reads from `offset` to the end of the file: the appended part of a file read before.
bool readFileFrom(const std::string& path, uint64_t offset, std::string& out, QString* error);

inline std::string toLocalPath(const QString& path) {
    return path.toStdString();
}
inline QString fromLocalPath(const std::string& path) {
    return QString::fromStdString(path);
}

}  // namespace runlens
