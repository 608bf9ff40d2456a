// Fuzz target: MLflow metric files (`<timestamp> <value> <step> [dataset digest]` lines).

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/MetricSummary.h"
#include "sources/MlflowMetricLines.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (bool tailIsComplete : {false, true}) {
        runlens::MetricSummary summary;
        const auto outcome = runlens::parseMetricLines(
            text, tailIsComplete,
            [&](qint64 step, double value, double ts) { summary.add(step, value, ts); });
        if (outcome.consumed > size) abort();
        if (summary.count != outcome.points) abort();
        if (outcome.badLines < 0) abort();
        if (!std::isnan(summary.min) && summary.min > summary.max) abort();
    }
    return 0;
}
