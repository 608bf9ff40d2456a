// Fuzz target: neptune-client's operation journal (JSON lines, bare NaN/Infinity, replayed as
// operations), then the run it makes (seeds: the journals neptune-client wrote, our own).

#include <cstdint>
#include <cstdlib>

#include "sources/NeptuneClientRun.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const bool tailIsComplete : {false, true}) {
        runlens::NeptuneClientRun::Journal journal;
        journal.containerId = QStringLiteral("fuzz");
        runlens::NeptuneAttributes attributes;
        const size_t consumed =
            runlens::NeptuneClientRun::replay(text, tailIsComplete, journal, attributes);
        if (consumed > size || (tailIsComplete && consumed != size)) abort();
        runlens::Run run;
        attributes.fillRun(run);
        for (const QString& key : run.metrics.keys())
            if (!attributes.floatSeries(key)) abort();
    }
    return 0;
}
