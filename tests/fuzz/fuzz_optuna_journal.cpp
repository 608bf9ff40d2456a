// Fuzz target: Optuna's journal (JSON lines replayed as operations).

#include <cstdint>
#include <cstdlib>

#include "sources/OptunaJournalSource.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<runlens::OptunaStudy> studies;
    QStringList problems;
    const size_t consumed = runlens::OptunaJournalSource::replay(text, studies, problems);
    if (consumed > size) abort();
    const std::vector<runlens::Run> runs = runlens::optunaRuns("optuna-journal", "/fuzz", studies);
    size_t trials = 0;
    for (const auto& s : studies)
        trials += s.trials.size();
    if (runs.size() != trials) abort();
    return 0;
}
