#pragma once

#include <QMutex>
#include <map>
#include <memory>

#include "Format.h"
#include "Source.h"
#include "TensorBoardRun.h"

namespace runlens {

// Reads a TensorBoard log directory. A run is every folder that directly holds an event file
// (a name containing "tfevents", not ending ".profile-empty"); its name is its path relative
// to the logdir ("." for the logdir itself), as TensorBoard names it, and the experiment is
// the logdir's folder name. Event files carry no index, so every point is read while
// scanning; with a cache folder each run's histories go into its series cache entry and only
// summaries stay (else they are kept, 24 bytes a point); later scans read only appended bytes,
// and a run opened again with its entry in the cache reads none of its unchanged files.
//
// hparams: a session (SessionStartInfo) gives its run params; the experiment's metric infos
// name its metrics, each the last value of `tag` in the run `<session>/<group>`
// (tensorboard/plugins/hparams/backend_context.py). Restarts: see TensorBoardRun.
// PyTorch's add_hparams (torch/utils/tensorboard/writer.py) writes the session into a new
// sub-folder of the run, named by time.time() unless given: with `joinHparamsRuns` that
// sub-run is joined into its parent (docs/READING.md).
class TensorBoardSource : public Source {
public:
    static constexpr auto kKind = "tensorboard";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    // Runs are searched for below `searchRoot` (default: the logdir) and named relative to
    // the logdir, so one run opened on its own is still named after its folder.
    explicit TensorBoardSource(QString logdir, QString searchRoot = {});
    ~TensorBoardSource() override;

    static bool isEventFileName(std::string_view name);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    QStringList followedFiles(const Run& run) const override;
    ScanDelta scan(const ScanOptions& options) override;
    bool scansIncrementally() const override { return true; }
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    QMap<QString, QStringList> skippedTags() const override;

private:
    Run makeRun(const QString& name, const TensorBoardRun& state) const;
    void addSessionMetrics(Run& run, const QString& name,
                           const std::vector<HParamsMetric>& metrics) const;
    std::map<QString, QString> hparamsChildren() const;
    static void joinInto(Run& parent, const Run& child);

    QString m_root;
    QString m_searchRoot;
    mutable QMutex m_mutex;  // guards m_runs between a scan and history loads
    std::map<QString, std::unique_ptr<TensorBoardRun>> m_runs;  // by run name, sorted
    std::map<QString, QString> m_joined;   // parent run name -> its add_hparams sub-run
    TensorBoardRun::Options m_runOptions;  // of the last scan, for history loads
};

}  // namespace runlens
