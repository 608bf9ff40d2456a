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
    // A run's id or native id (ScanOptions::onlyRun, for one run's history): when a format
    // places that run below the opened folder (Format::placeOfRun), only the folders on the
    // way there are looked at, each as the whole walk would, and that one walked whole; else,
    // or when the way is not one the walk would take, the whole tree.
    QString onlyRun;
};

struct DetectResult {
    std::vector<SourcePtr> sources;
    Problems problems;
    // Folders not searched on purpose, with why: links leading off the project's file system
    // or to a folder holding it, /proc, /sys and /dev.
    Problems skipped;
    std::shared_ptr<HydraJobs> hydra;  // job folders found, if any
    // Only the place of DetectOptions::onlyRun was looked at: the sources found there, not
    // every source under the opened folder.
    bool onlyAtRun = false;
};

// Finds every store under `path` (or `path` itself): mlruns-style folders and MLflow SQLite
// files. Walks the tree once, depth-bounded; symlinks to folders are followed only once per
// real folder, so loops are harmless; skips .git, node_modules, virtualenvs and artifacts.
// A link leading outside the project is followed only while it stays on the opened folder's
// file system and does not lead to a folder holding the project (a link to `/`); /proc, /sys
// and /dev are never searched. Names that are not valid UTF-8 cannot be kept in a path: they
// are skipped and said. Files are only ever opened without blocking (a FIFO named like a
// database is refused, not waited on).
// A `path` with a scheme (`http://`, `https://`, `postgresql://`) is a URL: it is offered, as
// one candidate, to the formats that read that scheme (Format::schemes), and never looked for
// on disk.
DetectResult detectSources(const QString& path, const DetectOptions& options = {});

// The lower-case scheme of a URL (`https` of `https://host`), or empty for a path.
QString urlScheme(const QString& path);

// What detectSources() recognises, one line per format with the files that give it away, for
// telling a user why a folder showed no runs.
QStringList knownFormats();

}  // namespace runlens
