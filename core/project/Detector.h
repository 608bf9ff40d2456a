#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "HydraJobs.h"
#include "model/Problem.h"
#include "sources/Source.h"

namespace runlens {

struct DetectOptions {
    int maxDepth = 8;  // folders below the opened one
};

struct DetectResult {
    std::vector<SourcePtr> sources;
    Problems problems;
    std::shared_ptr<HydraJobs> hydra;  // job folders found, if any
};

// Finds every store under `path` (or `path` itself): mlruns-style folders and MLflow SQLite
// files. Walks the tree once, depth-bounded; symlinks to folders are followed only once per
// real folder, so loops are harmless; skips .git, node_modules, virtualenvs and artifacts.
DetectResult detectSources(const QString& path, const DetectOptions& options = {});

// What detectSources() recognises, one line per format with the files that give it away, for
// telling a user why a folder showed no runs.
QStringList knownFormats();

}  // namespace runlens
