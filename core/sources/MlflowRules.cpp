#include "MlflowRules.h"

#include <cmath>
#include <limits>

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

double mlflowMetricValue(double stored, bool isNan) {
    constexpr double kMax = std::numeric_limits<double>::max();
    if (isNan) return std::numeric_limits<double>::quiet_NaN();
    if (stored >= kMax) return std::numeric_limits<double>::infinity();
    if (stored <= -kMax) return -std::numeric_limits<double>::infinity();
    return stored;
}

void completeMlflowRun(Run& run, QStringView sourceRoot) {
    if (run.name.isEmpty()) run.name = run.tags.value(QStringLiteral("mlflow.runName"));
    if (run.name.isEmpty()) run.name = run.nativeId;
    const QString parent = run.tags.value(QStringLiteral("mlflow.parentRunId"));
    if (!parent.isEmpty()) run.parentId = RunId::make(run.sourceKind, sourceRoot, parent);
}

}  // namespace runlens
