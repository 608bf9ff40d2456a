#pragma once

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <memory>

#include "model/MetricSeries.h"
#include "model/Problem.h"
#include "model/Run.h"
#include "model/ScanDelta.h"

namespace runlens {

struct ScanOptions {
    bool includeDeleted = false;
    // MLflow SQL stores keep the latest value of each metric in a table of their own; min,
    // max and count need a pass over every metric row, done only when asked for.
    bool metricStats = false;
    // TensorBoard: drop points orphaned by a restart (see TensorBoardRun); off with --no-purge.
    bool purgeRestarts = true;
    // TensorBoard: PyTorch's add_hparams writes a trial's hparams into a sub-folder run
    // (`trial_4/1795811822.57`); join it into its parent so params and curves are one row.
    bool joinHparamsRuns = true;
    // Where sources may keep an index of what they read (the user's cache folder, never the
    // project), so reopening reads only what changed; empty: no index.
    QString cacheDir;
    // The most one compressed entry may inflate to (a Comet archive's messages.json; its
    // own sizes can lie): past it, the entry is refused with a problem.
    qint64 maxInflatedBytes = qint64(512) << 20;
    const std::atomic_bool* cancel = nullptr;
    std::function<void(int runsRead)> progress;  // called from worker threads

    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
};

struct HistoryResult {
    bool found = false;
    MetricSeries series;
    Problems problems;
    // Where loadHistoryFrom() can go on from (bytes of a file); 0 when it cannot.
    uint64_t resume = 0;
    // True when `series` holds only the points after the `resume` asked for.
    bool appended = false;
};

// A remote store (a tracking server, a database server) that the last looks could not reach.
struct Unreachable {
    QDateTime since;  // the first look that failed; invalid while it answers
    QString why;      // what the last failed look met, one sentence
};

// One reader of one on-disk store: an mlruns folder, an mlflow.db, a TensorBoard logdir, ...
// scan() and loadHistory() run on worker threads and never write to the user's files.
class Source {
public:
    virtual ~Source() = default;
    virtual QString kind() const = 0;  // "mlflow-file", "mlflow-sql", ...
    virtual QString root() const = 0;  // absolute path of the folder or file
    virtual ScanDelta scan(const ScanOptions& options) = 0;
    virtual HistoryResult loadHistory(const Run& run, const QString& metric) = 0;
    // The points added since a load that returned `resume`: `appended` says whether the
    // series is just those, or the whole history (the default, and whenever the file was
    // replaced or shrank).
    virtual HistoryResult loadHistoryFrom(const Run& run, const QString& metric, uint64_t resume) {
        (void)resume;
        return loadHistory(run, metric);
    }
    // True if a later scan() lists only the runs that changed and those removed (the file
    // store and TensorBoard, which keep offsets); false if it lists every run again (the
    // caller compares with what it had).
    virtual bool scansIncrementally() const { return false; }
    // A cheap test whether anything may have changed since the last scan, so a watcher need
    // not scan at all (SQLite: PRAGMA data_version). True when unsure.
    virtual bool mayHaveChanged() { return true; }
    // Files and folders worth a file-system watch: where new data shows up.
    virtual QStringList watchPaths() const { return {root()}; }
    // Files `run` appends to while it runs (an MLflow run's metric files, a TensorBoard
    // run's newest event file), watched on their own so a new point is seen at once.
    virtual QStringList followedFiles(const Run& run) const {
        (void)run;
        return {};
    }
    // Tags whose payloads are not read (images, histograms, ...), by kind, for `sources`.
    virtual QMap<QString, QStringList> skippedTags() const { return {}; }
    // Remote sources: whether the last look reached the store. Looks that cannot reach it
    // change nothing (what was read stays shown) and add no problem; a look that reaches it
    // again clears this. Safe to call from any thread.
    virtual Unreachable unreachable() const { return {}; }
};

using SourcePtr = std::unique_ptr<Source>;

}  // namespace runlens
