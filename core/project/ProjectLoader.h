#pragma once

#include <QString>
#include <vector>

#include "Detector.h"
#include "model/ScanDelta.h"

namespace runlens {

// A project read once: its sources and every run they hold, with all problems met.
struct LoadedProject {
    std::vector<SourcePtr> sources;
    std::vector<int> runCounts;        // per source
    ScanDelta delta;                   // runs of every source, in source order
    std::shared_ptr<HydraJobs> hydra;  // Hydra job folders: params joined into runs

    Source* sourceFor(const Run& run) const;
};

// Detects and scans, synchronously, on the calling thread plus the global pool (each source
// spreads its own work). For the command line and for the GUI's loader thread.
// `options.progress` is told the runs read so far over all sources; `sourcesFound` the
// number of sources once detection is done.
LoadedProject loadProject(const QString& path, const ScanOptions& options,
                          const DetectOptions& detect = {},
                          const std::function<void(int)>& sourcesFound = {});

}  // namespace runlens
