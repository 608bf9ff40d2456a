#pragma once

#include <QHash>
#include <QString>
#include <string_view>
#include <vector>

#include "model/MetricSeries.h"
#include "model/Run.h"

namespace runlens {

struct MlflowExperiment {
    QString id;
    QString name;
    bool deleted = false;
    qint64 lastUpdateMs = 0;
};

// What runs read from one server share: their source, and the experiments they belong to.
struct MlflowRunContext {
    QString kind;  // Source::kind()
    QString root;  // the server's base URL (MlflowServerAddress::base)
    QHash<QString, MlflowExperiment> experiments;  // by id
};

// MLflow's REST answers read into RunLens's model. The JSON is what the tracking server writes
// (mlflow/protos/service.proto through mlflow/utils/proto_json_utils.py): int64 fields as
// numbers (strings accepted too), non-finite doubles as the strings "NaN", "Infinity" and
// "-Infinity", empty lists left out, `{}` for nothing. Pure functions of the bytes: every
// field may be missing or of another type (a value is then missing, never a crash), and any
// nesting is parsed without recursion.
class MlflowRestReply {
public:
    struct Experiments {
        std::vector<MlflowExperiment> experiments;
        QString nextPageToken;
        QString problem;  // a sentence fragment: "is not valid JSON (...)"
    };
    // experiments/search.
    static Experiments experiments(std::string_view json);

    struct Runs {
        std::vector<Run> runs;
        QString nextPageToken;
        QString problem;
    };
    // runs/search: each run with the shared MLflow mapping (MlflowRules): status, times,
    // params, tags, the latest value of each metric (min, max and count unknown), name and
    // parent from tags, deleted when it or its experiment is.
    static Runs runs(std::string_view json, const MlflowRunContext& context);

    struct History {
        QString nextPageToken;
        QString problem;
        int points = 0;
    };
    // metrics/get-history: the page's points appended to `series`, in the server's order.
    static History history(std::string_view json, MetricSeries& series);

    // The `message` (else `error_code`) of an MLflow error answer
    // (`{"error_code": ..., "message": ...}`), or empty.
    static QString errorMessage(std::string_view json);
};

}  // namespace runlens
