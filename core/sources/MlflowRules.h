#pragma once

#include <optional>
#include <vector>

#include "model/Run.h"

namespace runlens {

// Rules every MLflow store shares (the file store, the SQL stores read directly, the tracking
// server's REST API): mlflow/entities/run_status.py, search_runs ordering, the SQL encoding of
// non-finite values and the tags that name and nest runs.

// RunStatus in meta.yaml: 1 RUNNING 2 SCHEDULED 3 FINISHED 4 FAILED 5 KILLED. `text` is
// tried as a name when the code is not a number.
RunStatus mlflowStatusFromInt(std::optional<qint64> code, const QString& text = {});
// The SQL store's and the REST API's 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'.
RunStatus mlflowStatusFromText(const QString& text);

// A metric value as logged: the SQL stores keep NaN as value 0 with is_nan true and clamp
// +-inf to +-DBL_MAX when writing (mlflow/store/tracking/dbmodels/models.py, SqlMetric); the
// REST API sends what the store holds. Both are mapped back.
double mlflowMetricValue(double stored, bool isNan);

// Completes a run once its tags are read: its name when the store gave none (tag
// mlflow.runName, else its id), and its parent (tag mlflow.parentRunId) as an id of the same
// source (`sourceRoot`, as RunId::make takes it).
void completeMlflowRun(Run& run, QStringView sourceRoot);

}  // namespace runlens
