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
    if (metric != u"intermediate_value") return result;
    QMutexLocker lock(&m_mutex);
    if (const MetricSeries* series = m_intermediate.value(run.nativeId)) {
        result.found = true;
        result.series = *series;
    }
    return result;
}

}  // namespace runlens
