#pragma once

#include <optional>
#include <vector>

#include "model/Run.h"

namespace runlens {

// Rules both MLflow stores share (mlflow/entities/run_status.py, search_runs ordering).

// RunStatus in meta.yaml: 1 RUNNING 2 SCHEDULED 3 FINISHED 4 FAILED 5 KILLED. `text` is
// tried as a name when the code is not a number.
RunStatus mlflowStatusFromInt(std::optional<qint64> code, const QString& text = {});
// The SQL store's 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'.
RunStatus mlflowStatusFromText(const QString& text);

}  // namespace runlens
