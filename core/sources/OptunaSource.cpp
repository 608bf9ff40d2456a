#include "OptunaSource.h"

namespace runlens {

namespace {

const QString kTrials = QStringLiteral("trials");

}  // namespace

std::vector<Run> OptunaSource::publish(std::vector<OptunaStudy> studies,
                                       const ScanOptions& options) {
    stampIntermediateTimes(studies);
    std::vector<Run> runs = optunaRuns(kind(), root(), studies);
    m_histories.setCache(options.cacheDir, kind(), root());
    m_histories.put(kTrials, takeIntermediate(studies));
    return runs;
}

HistoryResult OptunaSource::loadHistory(const Run& run, const QString& metric) {
    HistoryResult result;
    if (metric == u"value" || metric.startsWith(u"values_")) {
        // The objective is one point, whole in the run's summary.
        if (const auto it = run.metrics.find(metric); it != run.metrics.end() && it->count == 1) {
            result.found = true;
            result.series.steps = {it->step};
            result.series.values = {it->last};
            result.series.wallTimesMs = {it->timestampMs};
        }
        return result;
    }
    if (metric != u"intermediate_value") return result;
    return m_histories.find(kTrials, run.nativeId);
}

}  // namespace runlens
