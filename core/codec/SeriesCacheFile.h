#pragma once

#include <QHash>
#include <QString>
#include <memory>
#include <string>
#include <vector>

#include "FileStamp.h"
#include "SeriesColumns.h"
#include "model/MetricSummary.h"

namespace runlens {

// One file a cache entry was read from, as it was then.
struct CachedInput {
    enum class State { Unchanged, Appended, Stale };
    static constexpr uint64_t kEdgeBytes = 4096;

    std::string path;
    FileStamp stamp;
    uint64_t consumed = 0;  // bytes read so far (formats read up to a last complete record)
    uint32_t edgeCrc = 0;   // crc32c of the first and the last kEdgeBytes before `consumed`

    static CachedInput of(const std::string& path, uint64_t consumed);
    // Unchanged: same size, mtime and inode, all of it read. Appended: the same file, grown or
    // touched. Either way its first and last bytes before `consumed` are as they were.
    // Anything else (rewritten, shrunk, replaced, gone): Stale.
    State check() const;
};

// What the directory of a cache entry says of one series, so listing needs no points.
struct CachedSeriesInfo {
    QString key;
    uint64_t count = 0;
    bool float32 = false;
    MetricSummary summary;  // MLflow's latest rule, min, max, count over every point
    double lastStep = 0, lastValue = 0, lastWallTimeMs = 0;  // the last point recorded
    uint64_t offset = 0, length = 0;
    uint32_t crc = 0;
};

// A series cache entry: every series one source read from some files (a TensorBoard run, a
// W&B run file, ...), encoded by SeriesColumns, with the inputs' stamps and the source's own
// state (`meta`, opaque here). Layout: "RLSC" + version, the series blocks, a directory
// (identity, inputs, meta, per series key/summary/place/crc32c), and a trailer giving the
// directory's place and crc32c. Written beside and renamed over (SeriesCacheWriter), so readers and
// other processes see a whole old entry or a whole new one, never half; a write that fails
// (full disk, no permission) leaves the old entry or none. Reading checks the size, the
// trailer, the directory's checksum and each block's checksum: damage is a clean miss.
//
// An open entry is memory-mapped, its file closed (thousands of open entries hold no file
// descriptors): it stays readable, bit for bit, when the cache is cleared (the file unlinked)
// or a newer entry is renamed over it.
class SeriesCacheFile {
public:
    ~SeriesCacheFile();

    static constexpr uint32_t kMagic = 0x43534c52;    // "RLSC", the file's first bytes
    static constexpr uint32_t kTrailer = 0x45534c52;  // "RLSE", its last
    static constexpr uint32_t kVersion = 1;
    static constexpr uint64_t kTrailerBytes = 24;  // directory offset, length, crc32c, "RLSE"

    // The entry for `identity` (the source's kind, its path, any option that changes what it
    // reads) in `cacheDir`: <cacheDir>/series/<kind>-<hash of identity>.rlsc.
    static QString pathFor(const QString& cacheDir, const QString& kind, const QString& identity);
    // Null when missing, damaged, of another version or of another identity.
    static std::unique_ptr<SeriesCacheFile> open(const QString& path, const QString& identity);
    // The identity a whole entry names (for tools that list the cache); empty when damaged.
    static QString identityOf(const QString& path);

    const QString& path() const { return m_path; }
    const std::vector<CachedInput>& inputs() const { return m_inputs; }
    const std::string& meta() const { return m_meta; }
    const std::vector<CachedSeriesInfo>& series() const { return m_series; }
    int indexOf(const QString& key) const;
    // False when the block is damaged (its checksum or its encoding).
    bool read(int index, MetricSeries& out) const;
    bool readPyramid(int index, std::vector<SeriesPyramidLevel>& out) const;

private:
    SeriesCacheFile() = default;
    SeriesCacheFile(const SeriesCacheFile&) = delete;
    SeriesCacheFile& operator=(const SeriesCacheFile&) = delete;
    // open() with the identity checked when given.
    static std::unique_ptr<SeriesCacheFile> openAs(const QString& path, const QString* identity);
    bool readBlock(int index, std::string& out) const;
    // Copies bytes of the mapping; false past its end or when the file was cut short in place
    // (touching a mapped page past a file's end would kill the process with SIGBUS).
    bool bytesAt(uint64_t offset, uint64_t size, std::string& out) const;

    QString m_path, m_identity;
    const char* m_data = nullptr;  // the whole file, mapped read-only
    uint64_t m_size = 0;
    uint64_t m_device = 0, m_inode = 0;
    std::vector<CachedInput> m_inputs;
    std::string m_meta;
    std::vector<CachedSeriesInfo> m_series;
    QHash<QString, int> m_byKey;  // the first series of each key (Optuna's entry holds 10,000s)
};

}  // namespace runlens
