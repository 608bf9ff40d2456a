#include "MlflowRules.h"

namespace runlens {

RunStatus mlflowStatusFromInt(std::optional<qint64> code, const QString& text) {
    if (!code) return text.isEmpty() ? RunStatus::Unknown : mlflowStatusFromText(text);
    switch (*code) {
        case 1:
            return RunStatus::Running;
        case 2:
            return RunStatus::Scheduled;
        case 3:
            return RunStatus::Finished;
        case 4:
            return RunStatus::Failed;
        case 5:
            return RunStatus::Killed;
        default:
            return RunStatus::Unknown;
    }
}

RunStatus mlflowStatusFromText(const QString& text) {
    const auto status = statusFromName(text.trimmed());
    if (!status || *status == RunStatus::Pruned) return RunStatus::Unknown;
    return *status;
}

}  // namespace runlens
