#include "SeriesCacheWriter.h"

#include <QDir>
#include <QFileInfo>
#include <cstdio>

#include "ByteCursor.h"
#include "Crc32c.h"

namespace runlens {

SeriesCacheWriter::SeriesCacheWriter(const QString& path, const QString& identity)
    : m_path(path),
      m_file(std::make_unique<QTemporaryFile>(path + QStringLiteral(".XXXXXX.tmp"))),
      m_identity(identity) {
    m_failed = !QDir().mkpath(QFileInfo(path).absolutePath()) || !m_file->open();
    std::string start;
    putFixed(start, SeriesCacheFile::kMagic);
    putFixed(start, SeriesCacheFile::kVersion);
    write(start);
}

void SeriesCacheWriter::write(std::string_view bytes) {
    if (m_failed) return;
    if (m_file->write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size())) m_failed = true;
    m_written += bytes.size();
}

void SeriesCacheWriter::add(const QString& key, const MetricSeries& series) {
    MetricSummary summary;
    for (size_t i = 0; i < series.size(); ++i)
        summary.add(series.steps[i], series.values[i], series.wallTimesMs[i]);
    add(key, series, summary);
}

void SeriesCacheWriter::add(const QString& key, const MetricSeries& series,
                            const MetricSummary& summary) {
    if (m_failed) return;
    CachedSeriesInfo info;
    info.key = key;
    info.count = series.size();
    info.summary = summary;
    if (!series.empty()) {
        info.lastStep = series.steps.back();
        info.lastValue = series.values.back();
        info.lastWallTimeMs = series.wallTimesMs.back();
    }
    const std::string block = SeriesColumns::encode(series, &info.float32);
    info.offset = m_written;
    info.length = block.size();
    info.crc = crc32c(block.data(), block.size());
    write(block);
    m_series.push_back(std::move(info));
}

bool SeriesCacheWriter::commit() {
    if (m_failed) return false;  // the temporary file goes with m_file
    std::string dir;
    putBytes(dir, m_identity.toStdString());
    putVarint(dir, m_inputs.size());
    for (const CachedInput& input : m_inputs) {
        putBytes(dir, input.path);
        putFixed(dir, int64_t(input.stamp.size));
        putFixed(dir, int64_t(input.stamp.mtimeNs));
        putFixed(dir, uint64_t(input.stamp.inode));
        putVarint(dir, input.consumed);
        putFixed(dir, input.edgeCrc);
    }
    putBytes(dir, m_meta);
    putVarint(dir, m_series.size());
    for (const CachedSeriesInfo& s : m_series) {
        putBytes(dir, s.key.toStdString());
        putVarint(dir, s.count);
        dir.push_back(char(s.float32));
        putVarint(dir, s.offset);
        putVarint(dir, s.length);
        putFixed(dir, s.crc);
        for (double d : {s.summary.last, s.summary.step, s.summary.timestampMs, s.summary.min,
                         s.summary.max, s.lastStep, s.lastValue, s.lastWallTimeMs})
            putFixed(dir, d);
    }
    std::string trailer;
    putFixed(trailer, uint64_t(m_written));
    putFixed(trailer, uint64_t(dir.size()));
    putFixed(trailer, crc32c(dir.data(), dir.size()));
    putFixed(trailer, SeriesCacheFile::kTrailer);
    write(dir);
    write(trailer);
    if (m_failed || !m_file->flush()) return false;
    // rename(2) replaces the entry whole, for readers and other writers alike.
    if (::rename(QFile::encodeName(m_file->fileName()).constData(),
                 QFile::encodeName(m_path).constData()) != 0)
        return false;
    m_file->setAutoRemove(false);
    return true;
}

}  // namespace runlens
