#include "SeriesCacheFile.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>

#include <QCryptographicHash>
#include <QFile>

#include "ByteCursor.h"
#include "Crc32c.h"

namespace runlens {

namespace {

bool readAt(const QFile& file, uint64_t offset, uint64_t size, std::string& out) {
    out.resize(size_t(size));
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t n =
            pread(file.handle(), out.data() + done, out.size() - done, off_t(offset + done));
        if (n <= 0) return false;
        done += size_t(n);
    }
    return true;
}

}  // namespace

CachedInput CachedInput::of(const std::string& path, uint64_t consumed) {
    CachedInput input;
    input.path = path;
    input.stamp = FileStamp::of(path);
    input.consumed = consumed;
    // Only a regular file is opened: opening a FIFO named like a data file would wait for a
    // writer forever.
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return input;
    QFile file(QString::fromStdString(path));
    const uint64_t from = consumed > kEdgeBytes ? consumed - kEdgeBytes : 0;
    std::string head, tail;
    if (consumed > 0 && file.open(QIODevice::ReadOnly) &&
        readAt(file, 0, std::min(consumed, kEdgeBytes), head) &&
        readAt(file, from, consumed - from, tail)) {
        head += tail;
        input.edgeCrc = crc32c(head.data(), head.size());
    }
    return input;
}

CachedInput::State CachedInput::check() const {
    const FileStamp now = FileStamp::of(path);
    if (now.size < 0 || now.inode != stamp.inode || uint64_t(now.size) < consumed)
        return State::Stale;
    // The edges are checked even when the stamp is the same: a file rewritten within one tick
    // of the file system's clock keeps its mtime.
    if (of(path, consumed).edgeCrc != edgeCrc) return State::Stale;
    return now == stamp && uint64_t(now.size) == consumed ? State::Unchanged : State::Appended;
}

QString SeriesCacheFile::pathFor(const QString& cacheDir, const QString& kind,
                                 const QString& identity) {
    const QByteArray hash = QCryptographicHash::hash(identity.toUtf8(), QCryptographicHash::Sha1);
    return cacheDir + QStringLiteral("/series/") + kind + u'-' +
           QString::fromLatin1(hash.toHex().left(20)) + QStringLiteral(".rlsc");
}

SeriesCacheFile::~SeriesCacheFile() {
    if (m_data) munmap(const_cast<char*>(m_data), size_t(m_size));
}

bool SeriesCacheFile::bytesAt(uint64_t offset, uint64_t size, std::string& out) const {
    if (offset > m_size || size > m_size - offset) return false;
    // The mapping reads only what is asked (MADV_RANDOM, below): these pages in one request.
    if (size > 0) {
        const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
        const uint64_t from = offset / page * page;
        madvise(const_cast<char*>(m_data) + from, size_t(offset + size - from), MADV_WILLNEED);
    }
    // Only the file still at the path can have been cut: an unlinked or replaced one cannot.
    struct stat st;
    if (stat(QFile::encodeName(m_path).constData(), &st) == 0 && uint64_t(st.st_dev) == m_device &&
        uint64_t(st.st_ino) == m_inode && uint64_t(st.st_size) < m_size)
        return false;
    out.assign(m_data + offset, size_t(size));
    return true;
}

std::unique_ptr<SeriesCacheFile> SeriesCacheFile::open(const QString& path,
                                                       const QString& identity) {
    return openAs(path, &identity);
}

QString SeriesCacheFile::identityOf(const QString& path) {
    const auto entry = openAs(path, nullptr);
    return entry ? entry->m_identity : QString();
}

std::unique_ptr<SeriesCacheFile> SeriesCacheFile::openAs(const QString& path,
                                                         const QString* identity) {
    auto entry = std::unique_ptr<SeriesCacheFile>(new SeriesCacheFile);
    entry->m_path = path;
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st;
    void* data = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && uint64_t(st.st_size) >= 8 + kTrailerBytes) {
        data = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
        entry->m_size = uint64_t(st.st_size);
        entry->m_device = uint64_t(st.st_dev);
        entry->m_inode = uint64_t(st.st_ino);
    }
    ::close(fd);
    if (data == MAP_FAILED) return nullptr;
    // No read-around on a fault: with the disk's 8 MB read-ahead, a reopen that wants an
    // entry's first bytes and its directory read 12 MB of each from disk (2.2 s for 200 runs
    // after the page cache was dropped). bytesAt() asks for exactly the pages it copies.
    madvise(data, size_t(st.st_size), MADV_RANDOM);
    entry->m_data = static_cast<const char*>(data);
    const uint64_t size = entry->m_size;
    std::string bytes;
    if (!entry->bytesAt(0, 8, bytes)) return nullptr;
    ByteCursor start(bytes);
    if (start.fixed<uint32_t>() != kMagic || start.fixed<uint32_t>() != kVersion) return nullptr;
    if (!entry->bytesAt(size - kTrailerBytes, kTrailerBytes, bytes)) return nullptr;
    ByteCursor trailer(bytes);
    const uint64_t dirOffset = trailer.fixed<uint64_t>();
    const uint64_t dirLength = trailer.fixed<uint64_t>();
    const uint32_t dirCrc = trailer.fixed<uint32_t>();
    if (trailer.fixed<uint32_t>() != kTrailer || dirOffset < 8 || dirOffset > size ||
        dirLength != size - kTrailerBytes - dirOffset)
        return nullptr;
    if (!entry->bytesAt(dirOffset, dirLength, bytes) ||
        crc32c(bytes.data(), bytes.size()) != dirCrc)
        return nullptr;

    ByteCursor in(bytes);
    entry->m_identity = QString::fromUtf8(in.bytes());
    if ((identity && entry->m_identity != *identity) || !in.ok()) return nullptr;
    const uint64_t inputs = in.varint();
    if (inputs > in.remaining()) return nullptr;
    for (uint64_t i = 0; i < inputs && in.ok(); ++i) {
        CachedInput input;
        input.path = std::string(in.bytes());
        input.stamp.size = in.fixed<int64_t>();
        input.stamp.mtimeNs = in.fixed<int64_t>();
        input.stamp.inode = in.fixed<uint64_t>();
        input.consumed = in.varint();
        input.edgeCrc = in.fixed<uint32_t>();
        entry->m_inputs.push_back(std::move(input));
    }
    entry->m_meta = std::string(in.bytes());
    const uint64_t series = in.varint();
    if (series > in.remaining()) return nullptr;
    for (uint64_t i = 0; i < series && in.ok(); ++i) {
        CachedSeriesInfo s;
        const std::string_view key = in.bytes();
        s.key = QString::fromUtf8(key.data(), qsizetype(key.size()));
        s.count = in.varint();
        s.float32 = in.byte() != 0;
        s.offset = in.varint();
        s.length = in.varint();
        s.crc = in.fixed<uint32_t>();
        MetricSummary& m = s.summary;
        m.last = in.fixed<double>();
        m.step = in.fixed<double>();
        m.timestampMs = in.fixed<double>();
        m.min = in.fixed<double>();
        m.max = in.fixed<double>();
        m.count = qint64(s.count);
        s.lastStep = in.fixed<double>();
        s.lastValue = in.fixed<double>();
        s.lastWallTimeMs = in.fixed<double>();
        if (s.offset < 8 || s.offset > dirOffset || s.length > dirOffset - s.offset ||
            s.count > s.length || s.count > uint64_t(std::numeric_limits<qint64>::max()))
            return nullptr;
        entry->m_series.push_back(std::move(s));
    }
    if (!in.ok() || !in.atEnd()) return nullptr;
    entry->m_byKey.reserve(qsizetype(entry->m_series.size()));
    for (size_t i = entry->m_series.size(); i-- > 0;)
        entry->m_byKey.insert(entry->m_series[i].key, int(i));
    return entry;
}

int SeriesCacheFile::indexOf(const QString& key) const {
    return m_byKey.value(key, -1);
}

bool SeriesCacheFile::readBlock(int index, std::string& out) const {
    if (index < 0 || size_t(index) >= m_series.size()) return false;
    const CachedSeriesInfo& s = m_series[size_t(index)];
    return bytesAt(s.offset, s.length, out) && crc32c(out.data(), out.size()) == s.crc;
}

bool SeriesCacheFile::read(int index, MetricSeries& out) const {
    std::string block;
    if (!readBlock(index, block) || !SeriesColumns::decode(block, out)) return false;
    return out.size() == m_series[size_t(index)].count;
}

bool SeriesCacheFile::readPyramid(int index, std::vector<SeriesPyramidLevel>& out) const {
    std::string block;
    return readBlock(index, block) && SeriesColumns::decodePyramid(block, out);
}

}  // namespace runlens
