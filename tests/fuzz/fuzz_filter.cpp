// Fuzz target: the filter language (lexer, parser, evaluator) on arbitrary text.

#include <cstdint>
#include <cstdlib>

#include "query/RunFilter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    runlens::FilterSyntaxError error;
    const runlens::RunFilter filter = runlens::RunFilter::parse(text, &error);
    if (!filter.isValid() &&
        (error.column < 1 || error.column > text.size() + 1 || error.message.isEmpty()))
        abort();
    static const runlens::Run run = [] {
        runlens::Run r;
        r.name = QStringLiteral("resnet-a");
        r.params.insert(QStringLiteral("lr"), runlens::ParamValue::parse(QStringLiteral("0.1")));
        r.tags.insert(QStringLiteral("mlflow.runName"), QStringLiteral("resnet-a"));
        r.metrics[QStringLiteral("acc")].add(1, 0.5, 10);
        return r;
    }();
    filter.matches(run);
    return 0;
}
