#include "Run.h"

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

}  // namespace runlens
