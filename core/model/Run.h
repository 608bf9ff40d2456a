#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

#include "MetricSummary.h"
#include "ParamValue.h"
#include "RunId.h"

namespace runlens {

enum class RunStatus { Running, Scheduled, Finished, Failed, Killed, Pruned, Unknown };

QString statusName(RunStatus status);  // "running", "finished", ... as in the CLI's JSON
std::optional<RunStatus> statusFromName(QStringView name);

struct Run;

// Equal in everything a view shows (NaN equals NaN), for telling which runs a rescan changed.
bool sameRun(const Run& a, const Run& b);

// MLflow's search_runs default order, used everywhere runs are listed: newest start time
// first (no start time last), then native id.
void sortRunsNewestFirst(std::vector<Run>& runs);

// What a tracker knows of a param beyond its values, for views: the search's scale and,
// for a categorical, its choices in the order the search gave them (Optuna's distributions;
// W&B sweep configs and Hydra's choice sweeps carry the same).
struct ParamHint {
    bool log = false;
    QStringList choices;  // each as its value's text ("adam", "true", "0.5", "null")
    friend bool operator==(const ParamHint&, const ParamHint&) = default;
};

struct Run {
    RunId id;
    QString nativeId;  // the tracker's own id: MLflow run_id, TensorBoard run path, ...
    QString name;
    QString experiment;    // display name
    QString experimentId;  // the tracker's experiment id, where it has one
    QString sourceKind;    // "mlflow-file", "mlflow-sql", ...
    QString location;      // the run's folder or the database file
    RunStatus status = RunStatus::Unknown;
    std::optional<qint64> startTimeMs;
    std::optional<qint64> endTimeMs;
    RunId parentId;
    bool deleted = false;  // listed only with --include-deleted

    // Sorted maps: output and diffs come out in a stable order. Nested keys are flat,
    // joined with '/' or '.' as the tracker wrote them.
    QMap<QString, ParamValue> params;
    QMap<QString, QString> tags;
    QMap<QString, MetricSummary> metrics;
    QMap<QString, ParamHint> paramHints;  // by param key, where the tracker gives one
    QStringList problems;
};

}  // namespace runlens
