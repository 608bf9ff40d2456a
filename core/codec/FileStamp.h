#pragma once

#include <QStringList>
#include <cstdint>
#include <map>
#include <string>

namespace runlens {

// A file as last seen: a change of any of these means it was written to.
struct FileStamp {
    int64_t size = -1;  // -1: missing
    int64_t mtimeNs = 0;
    uint64_t inode = 0;

    static FileStamp of(const std::string& path);
    // Every file below `dir`, keyed by `prefix` + its relative path.
    static void ofTree(const std::string& dir, const std::string& prefix, int depth,
                       std::map<std::string, FileStamp>& out);
    double ageSeconds() const;
    friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

// Size and modification time of every file below `paths` (folders walked, up to 4 levels),
// folded into one number: a source that reads whole files is read again only when it moved.
quint64 filesSignature(const QStringList& paths);

// For sources that read whole files: whether any moved since the last look.
class FilesStamp {
public:
    void note(const QStringList& paths) { m_value = filesSignature(paths); }
    bool moved(const QStringList& paths) {
        const quint64 now = filesSignature(paths);
        const bool moved = now != m_value;
        m_value = now;
        return moved;
    }

private:
    quint64 m_value = 0;
};

}  // namespace runlens
