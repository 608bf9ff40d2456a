#pragma once

#include "Format.h"
#include "KeptHistories.h"
#include "OptunaStudy.h"
#include "Source.h"

namespace runlens {

// What both Optuna storages share once their studies are read: the runs they make and the
// intermediate-value histories kept from the last scan (in the series cache when there is
// one; each scan reads the storage whole, so it replaces them all).
class OptunaSource : public Source {
public:
    HistoryResult loadHistory(const Run& run, const QString& metric) override;

protected:
    // Keeps the trials' intermediate values for histories and returns the studies' runs.
    std::vector<Run> publish(std::vector<OptunaStudy> studies, const ScanOptions& options);

private:
    KeptHistories m_histories;  // "intermediate_value" by run native id
};

}  // namespace runlens
