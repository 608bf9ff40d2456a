#include "Run.h"

#include <cmath>

#include <algorithm>
#include <array>
#include <limits>

namespace runlens {

namespace {
constexpr std::array kStatusNames = {u"running", u"scheduled", u"finished", u"failed",
                                     u"killed",  u"pruned",    u"unknown"};
}

QString statusName(RunStatus status) {
    return QString::fromUtf16(kStatusNames[size_t(status)]);
}

std::optional<RunStatus> statusFromName(QStringView name) {
    for (size_t i = 0; i < kStatusNames.size(); ++i)
        if (name.compare(QStringView(kStatusNames[i]), Qt::CaseInsensitive) == 0)
            return RunStatus(i);
    return std::nullopt;
}

void sortRunsNewestFirst(std::vector<Run>& runs) {
    std::stable_sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
        const qint64 sa = a.startTimeMs.value_or(std::numeric_limits<qint64>::min());
        const qint64 sb = b.startTimeMs.value_or(std::numeric_limits<qint64>::min());
        if (sa != sb) return sa > sb;
        return a.nativeId < b.nativeId;
    });
}

namespace {
bool sameNumber(double a, double b) {
    return a == b || (std::isnan(a) && std::isnan(b));
}
bool sameSummary(const MetricSummary& a, const MetricSummary& b) {
    return sameNumber(a.last, b.last) && a.step == b.step && a.timestampMs == b.timestampMs &&
           sameNumber(a.min, b.min) && sameNumber(a.max, b.max) && a.count == b.count &&
           a.hasStats == b.hasStats && a.systemMetric == b.systemMetric;
}
}  // namespace

bool sameRun(const Run& a, const Run& b) {
    if (a.id != b.id || a.nativeId != b.nativeId || a.name != b.name ||
        a.experiment != b.experiment || a.experimentId != b.experimentId ||
        a.sourceKind != b.sourceKind || a.location != b.location || a.status != b.status ||
        a.startTimeMs != b.startTimeMs || a.endTimeMs != b.endTimeMs || a.parentId != b.parentId ||
        a.deleted != b.deleted || a.params != b.params || a.tags != b.tags ||
        a.paramHints != b.paramHints || a.problems != b.problems ||
        a.metrics.size() != b.metrics.size())
        return false;
    for (auto i = a.metrics.begin(), j = b.metrics.begin(); i != a.metrics.end(); ++i, ++j)
        if (i.key() != j.key() || !sameSummary(*i, *j)) return false;
    return true;
}

}  // namespace runlens
