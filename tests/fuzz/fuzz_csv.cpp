// Fuzz target: a simple logger's metrics.csv (Lightning, Keras, SB3, generic).
// Seeds: tests/fuzz/seeds/csv.

#include <cstdint>
#include <cstdlib>
#include <map>

#include "sources/CsvSource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::map<QString, runlens::MetricSeries> series;
    QString error;
    const bool ok = runlens::parseMetricsCsv(
        text, {QStringLiteral("step"), QStringLiteral("epoch")}, series, &error);
    if (!ok && error.isEmpty()) abort();  // a failure always says why
    size_t rows = 0;
    for (char c : text)
        rows += c == '\n';
    for (const auto& [key, s] : series) {
        if (s.empty() || s.size() > rows) abort();  // no empty series, at most a point a row
        if (s.steps.size() != s.values.size() || s.values.size() != s.wallTimesMs.size()) abort();
    }
    return 0;
}
