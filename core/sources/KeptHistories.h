#pragma once

#include <QMutex>
#include <QString>
#include <map>
#include <memory>
#include <optional>

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
// logs, CSV files, Comet archives, Optuna storages, Neptune journals), swapped in whole by
// each scan or run by run. With a cache folder each run's histories go into a series cache
// entry of their own (SeriesCacheFile) and leave memory; without one, or when the entry cannot
// be written, they stay here. Each entry is kept open (mapped, no file descriptor) from its
// commit on, so clearing the cache, here or from another process, loses no chart.
class SeriesCacheFile;

class KeptHistories {
public:
    using Histories = std::map<QString, MetricSeries>;  // by metric key
    using ByRun = std::map<QString, Histories>;         // by run (a native id or the source's key)

    // The cache folder (empty: none) and what names this source's entries.
    void setCache(const QString& cacheDir, const QString& kind, const QString& root);
    // Every run's histories, those of runs not in `histories` dropped.
    void replace(ByRun histories);
    // One run's histories, in place of what was kept for it (none: dropped). Safe to call for
    // different runs from several threads at once.
    void put(const QString& run, Histories histories);
    void drop(const QString& run);
    // Erases from `runs` (a map keyed as the runs here are) those whose key `found` does not
    // hold, dropping their histories.
    template <typename Runs, typename Found>
    void eraseGone(Runs& runs, const Found& found) {
        for (auto it = runs.begin(); it != runs.end();) {
            if (found.count(it->first)) {
                ++it;
                continue;
            }
            drop(it->first);
            it = runs.erase(it);
        }
    }
    // Moves one run's histories out (a scan that appends to them puts them back): empty when
    // none are kept, nullopt when its cache entry cannot be read. A cache entry stays (and
    // find() reads it) until they are put back.
    std::optional<Histories> take(const QString& run);
    HistoryResult find(const QString& run, const QString& metric) const;

private:
    QString identity(const QString& run) const;
    QString entryPath(const QString& run) const;
    // Writes `histories` into the run's entry and opens it; null when it is not in place.
    std::shared_ptr<const SeriesCacheFile> store(const QString& run,
                                                 const Histories& histories) const;

    mutable QMutex m_mutex;
    ByRun m_histories;
    std::map<QString, std::shared_ptr<const SeriesCacheFile>> m_cached;  // entries, by run
    QString m_cacheDir, m_kind, m_root;
};

}  // namespace runlens
