#pragma once

#include <QHash>
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
    Problems skipped;                  // folders not searched on purpose, with why

    // True when no run could be read: nothing found, or only problems (a garbage mlflow.db).
    // An empty store read without a problem is not that.
    bool nothingRead() const;

    // The source that read `run` (or nullptr), and its index in `sources` (or -1), from an
    // index built once by indexSources() after the sources are set.
    Source* sourceFor(const Run& run) const;
    int sourceIndexOf(const Run& run) const;
    void indexSources();

    // The run whose id is `idOrNativeId`, else every run with that native id (the tracker's
    // own: more than one when two sources hold one), for `runlens-cli history --run`.
    std::vector<const Run*> runsNamed(const QString& idOrNativeId) const;

private:
    QHash<QString, int> m_sourceIndex;  // "kind:rootHash", the start of its runs' ids
};

// A source's scan with every exception it may throw (out of memory on a hostile file) turned
// into a problem naming the source: a scan never takes the listing or the process along.
ScanDelta scanGuarded(Source& source, const ScanOptions& options);
// The same for one history (loaded in a pool task, where an exception would end the process).
HistoryResult loadHistoryGuarded(Source& source, const Run& run, const QString& metric,
                                 uint64_t resume);
// The same for a batch: the runs not delivered when an exception stops it get the problem.
void loadHistoriesGuarded(Source& source, const std::vector<Run>& runs, const QString& metric,
                          const HistoryBatch& batch);

// Detects and scans, synchronously, on the calling thread plus the global pool (each source
// spreads its own work). For the command line and for the GUI's loader thread.
// `options.progress` is told the runs read so far over all sources; `sourcesFound` the
// number of sources once detection is done. With `options.onlyRun`, detection looks first only
// where a format places that run (DetectOptions::onlyRun), and the whole tree when no run
// found there answers to it.
LoadedProject loadProject(const QString& path, const ScanOptions& options,
                          const DetectOptions& detect = {},
                          const std::function<void(int)>& sourcesFound = {});

}  // namespace runlens
