#pragma once

#include <QMutex>
#include <QString>
#include <map>

#include "Source.h"
#include "codec/FileStamp.h"

namespace runlens {

// The histories a source read while scanning (formats without an index, read whole: W&B
// logs, CSV files), kept for the charts and swapped in whole by each scan.
// The summary of each series (MLflow's latest rule, min, max, count) into `run.metrics`.
inline void summariseInto(Run& run, const std::map<QString, MetricSeries>& series) {
    for (const auto& [key, s] : series) {
        MetricSummary summary;
        for (size_t i = 0; i < s.size(); ++i)
            summary.add(s.steps[i], s.values[i], s.wallTimesMs[i]);
        run.metrics.insert(key, summary);
    }
}

class KeptHistories {
public:
    using ByRun = std::map<QString, std::map<QString, MetricSeries>>;  // native id -> key

    void replace(ByRun histories) {
        QMutexLocker lock(&m_mutex);
        m_histories = std::move(histories);
    }
    // Moves one run's histories out (a scan that appends to them puts them back by replace()).
    std::map<QString, MetricSeries> take(const QString& nativeId) {
        QMutexLocker lock(&m_mutex);
        const auto run = m_histories.find(nativeId);
        if (run == m_histories.end()) return {};
        std::map<QString, MetricSeries> out = std::move(run->second);
        m_histories.erase(run);
        return out;
    }
    HistoryResult find(const QString& nativeId, const QString& metric) const {
        HistoryResult result;
        QMutexLocker lock(&m_mutex);
        const auto run = m_histories.find(nativeId);
        if (run == m_histories.end()) return result;
        const auto series = run->second.find(metric);
        if (series == run->second.end()) return result;
        result.found = true;
        result.series = series->second;
        return result;
    }

private:
    mutable QMutex m_mutex;
    ByRun m_histories;
};

}  // namespace runlens
