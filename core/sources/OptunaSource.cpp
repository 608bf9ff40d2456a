#include "OptunaSource.h"

namespace runlens {

std::vector<Run> OptunaSource::publish(std::vector<OptunaStudy> studies) {
    stampIntermediateTimes(studies);
    std::vector<Run> runs = optunaRuns(kind(), root(), studies);
    QMutexLocker lock(&m_mutex);
    m_studies = std::move(studies);
    m_intermediate = intermediateIndex(m_studies);
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
    QMutexLocker lock(&m_mutex);
    if (const MetricSeries* series = m_intermediate.value(run.nativeId)) {
        result.found = true;
        result.series = *series;
    }
    return result;
}

}  // namespace runlens
