#pragma once

#include <QMutex>
#include <QString>
#include <map>
#include <set>

#include "Source.h"
#include "codec/FileStamp.h"

namespace runlens {

// The summary of each series (MLflow's latest rule, min, max, count) into `run.metrics`.
inline void summariseInto(Run& run, const std::map<QString, MetricSeries>& series) {
    for (const auto& [key, s] : series) {
        MetricSummary summary;
        for (size_t i = 0; i < s.size(); ++i)
            summary.add(s.steps[i], s.values[i], s.wallTimesMs[i]);
        run.metrics.insert(key, summary);
    }
}

// The histories a source read while scanning (formats without an index, read whole: W&B
// logs, CSV files, Comet archives), swapped in whole by each scan. With a cache folder each
// run's histories go into a series cache entry of their own (SeriesCacheFile) and leave
// memory; without one, or when the entry cannot be written, they stay here.
class KeptHistories {
public:
    using ByRun = std::map<QString, std::map<QString, MetricSeries>>;  // native id -> key

    // The cache folder (empty: none) and what names this source's entries.
    void setCache(const QString& cacheDir, const QString& kind, const QString& root);
    void replace(ByRun histories);
    // Moves one run's histories out (a scan that appends to them puts them back by replace()).
    std::map<QString, MetricSeries> take(const QString& nativeId);
    HistoryResult find(const QString& nativeId, const QString& metric) const;

private:
    QString identity(const QString& nativeId) const;
    QString entryPath(const QString& nativeId) const;

    mutable QMutex m_mutex;
    ByRun m_histories;
    std::set<QString> m_cached;  // runs whose histories are in their cache entry
    QString m_cacheDir, m_kind, m_root;
};

}  // namespace runlens
