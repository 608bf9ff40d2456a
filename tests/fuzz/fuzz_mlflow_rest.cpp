// Fuzz target: the answers of an MLflow tracking server (runs/search, experiments/search,
// metrics/get-history, error bodies) as MlflowRestSource reads them. Seeds: the exact bytes
// of the exchanges recorded with MLflow 3.11 (tests/data/mlflow_server/mlflow_rest), whose
// get-history-bulk answer holds bare NaN tokens, and tests/fuzz/seeds/mlflow_rest.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sources/MlflowRestReply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    runlens::MlflowRunContext context;
    context.kind = QStringLiteral("mlflow-rest");
    context.root = QStringLiteral("http://127.0.0.1:5000");
    context.experiments.insert(QStringLiteral("1"),
                               {QStringLiteral("1"), QStringLiteral("e"), false, 0});

    // Every run has an id, and its RunId names it; a run takes at least `{"info":{"run_id":""}}`.
    const runlens::MlflowRestReply::Runs runs = runlens::MlflowRestReply::runs(json, context);
    for (const runlens::Run& run : runs.runs)
        if (run.nativeId.isEmpty() || !run.id.text().endsWith(run.nativeId)) abort();
    if (runs.runs.size() > size / 20 + 1) abort();
    if (!runs.problem.isEmpty() && !runs.runs.empty()) abort();

    const auto experiments = runlens::MlflowRestReply::experiments(json);
    for (const runlens::MlflowExperiment& e : experiments.experiments)
        if (e.id.isEmpty()) abort();

    // Points are counted as appended, at most one per `{}` in the input.
    runlens::MetricSeries series;
    const runlens::MlflowRestReply::History history =
        runlens::MlflowRestReply::history(json, series);
    if (size_t(history.points) != series.size() || series.size() > size / 2 + 1) abort();
    if (series.steps.size() != series.values.size() ||
        series.values.size() != series.wallTimesMs.size())
        abort();

    runlens::MlflowRestReply::errorMessage(json);
    return 0;
}
