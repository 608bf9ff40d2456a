#pragma once

#include <QHash>
#include <QMutex>

#include "Format.h"
#include "OptunaStudy.h"
#include "Source.h"

namespace runlens {

// What both Optuna storages share once their studies are read: the runs they make and the
// intermediate-value histories kept from the last scan.
class OptunaSource : public Source {
public:
    HistoryResult loadHistory(const Run& run, const QString& metric) override;

protected:
    // Keeps `studies` for histories and returns their runs.
    std::vector<Run> publish(std::vector<OptunaStudy> studies);

private:
    QMutex m_mutex;
    std::vector<OptunaStudy> m_studies;
    QHash<QString, const MetricSeries*> m_intermediate;  // by run native id, into m_studies
};

}  // namespace runlens
