// What `chart` and `parallel` show, computed by core alone: runlens-cli writes it as CSV,
// runlens-draw draws it.

#pragma once

#include <vector>

#include "CliArguments.h"
#include "analysis/ChartCurve.h"
#include "model/Catalog.h"
#include "model/RunColumn.h"

namespace runlens {

struct ChartInput {
    std::vector<ChartCurve> curves;
    XKind xKind = XKind::Step;
};

struct ParallelInput {
    Catalog catalog;
    std::vector<ColumnRef> columns;
    QString colour;  // the key runs are coloured by; empty for none
};

// The curves for --metric over the runs --filter picks. Returns kOk, or an exit code after
// saying why on stderr.
int loadChart(const Arguments& args, ChartInput& out);

// The runs and the axes --axes and --color-by name. Returns kOk, or an exit code after saying
// why on stderr.
int loadParallel(const Arguments& args, ParallelInput& out);

}  // namespace runlens
