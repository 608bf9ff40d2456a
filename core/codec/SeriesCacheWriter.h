#pragma once

#include <QTemporaryFile>
#include <memory>

#include "SeriesCacheFile.h"

namespace runlens {

// Writes one series cache entry (the layout: SeriesCacheFile) block by block, so a run of
// millions of points is never held encoded whole: into a temporary file beside the entry,
// renamed over it once whole. Not synced to disk (QSaveFile syncs, 10-20 ms an entry, a
// tenth of a first open's time): after a crash an entry may be cut short or hold zeros, which
// its checksums see (SeriesCacheFile::open, read), so it is a miss and written again.
class SeriesCacheWriter {
public:
    SeriesCacheWriter(const QString& path, const QString& identity);
    void setInputs(std::vector<CachedInput> inputs) { m_inputs = std::move(inputs); }
    void setMeta(std::string meta) { m_meta = std::move(meta); }
    void add(const QString& key, const MetricSeries& series);
    // As add(), with the series' summary known (MetricSummary::add() over its points in order).
    void add(const QString& key, const MetricSeries& series, const MetricSummary& summary);
    // True when the whole entry is in place.
    bool commit();

private:
    void write(std::string_view bytes);

    QString m_path;
    std::unique_ptr<QTemporaryFile> m_file;
    QString m_identity;
    std::vector<CachedInput> m_inputs;
    std::string m_meta;
    std::vector<CachedSeriesInfo> m_series;
    uint64_t m_written = 0;
    bool m_failed = false;
};

}  // namespace runlens
