#pragma once

#include <QString>
#include <optional>
#include <string_view>

#include "NeptuneAttributes.h"

namespace runlens {

// What neptune-scale's CREATE_RUN operation says of a run (neptune-api,
// neptune_pb/ingest/v1/common.proto: Run{run_id=1, fork_point=2{parent_project=1,
// parent_run_id=2, step=4}, creation_time=3, family=4, experiment_id=5}).
struct NeptuneScaleRunInfo {
    QString runId;
    QString family;
    QString experimentId;  // the experiment's name: the run's sys/name
    std::optional<double> creationMs;
    QString parentProject;
    QString parentRunId;
    std::optional<double> forkStep;
};

// One row of neptune-scale's run_operations table (sync/operations_repository.py): the BLOB
// is a bare protobuf message, UpdateRunSnapshot (operation_type 0) or Run (1), decoded with
// the project's wire reader. A message that breaks the wire format, or a known field of the
// wrong wire type, is not applied at all.
class NeptuneScaleOperation {
public:
    enum class Outcome { Applied, Malformed, UnknownType };

    // Applies the operation to `attributes` (a snapshot) or `info` (a Run). `enqueuedMs` (the
    // row's timestamp) stands in for a snapshot without its own timestamp.
    static Outcome apply(qint64 operationType, std::string_view blob, double enqueuedMs,
                         NeptuneScaleRunInfo& info, NeptuneAttributes& attributes);

    // Step{whole=1, micro=2} as whole + micro/1e6, the double nearest that decimal; a Step
    // present but empty is step 0. nullopt if `bytes` is not a Step.
    static std::optional<double> decodeStep(std::string_view bytes);
};

}  // namespace runlens
