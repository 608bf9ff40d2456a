#pragma once

#include <QByteArray>
#include <QString>
#include <vector>

#include "analysis/ChartCurve.h"

namespace runlens {

// What a chart draws, whole (not reduced), in long form `run,metric,step,wall_time,value`
// with full precision: `value` as logged, and with smoothing on a `smoothed` column beside it;
// wall_time in seconds since the epoch. `visible` (one per curve, empty: all) leaves out
// lines hidden in the legend. The charts' export and `runlens-cli chart --out x.csv` alike.
QByteArray curvesCsv(const QString& metric, const std::vector<ChartCurve>& curves,
                     const std::vector<bool>& visible = {});

}  // namespace runlens
