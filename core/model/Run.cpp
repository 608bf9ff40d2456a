#include "Run.h"

#include <array>

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

}  // namespace runlens
