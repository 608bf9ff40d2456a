#pragma once

#include <vector>

#include "Problem.h"
#include "Run.h"

namespace runlens {

// What one scan of one source found. A first scan lists every run; later scans list the
// runs that are new or changed and the ids of those that disappeared.
struct ScanDelta {
    std::vector<Run> runs;
    QList<RunId> removed;
    Problems problems;  // every problem, including those also attached to a run
    bool cancelled = false;
    // The source could not be reached (a database server that went away): nothing is known
    // of its runs, so what was listed before stays listed.
    bool unreachable = false;
};

}  // namespace runlens
