#pragma once

#include "Format.h"
#include "KeptHistories.h"
#include "OptunaStudy.h"
#include "Source.h"

namespace runlens {

// What both Optuna storages share once their studies are read: the runs they make and the
// intermediate-value histories kept from the last scan, in the series cache when there is
// one. Each scan reads the storage whole and replaces them all: one cache entry for every
// trial (a study has thousands of trials of a hundred values each; an entry of its own each
// would cost a file and its sync a trial), its series named by the trials' native ids.
class OptunaSource : public Source {
public:
    HistoryResult loadHistory(const Run& run, const QString& metric) override;

protected:
    // Keeps the trials' intermediate values for histories and returns the studies' runs.
    std::vector<Run> publish(std::vector<OptunaStudy> studies, const ScanOptions& options);

private:
    KeptHistories m_histories;  // one run, kTrials: intermediate values by trial native id
};

}  // namespace runlens
