#pragma once

#include "Format.h"
#include "KeptHistories.h"
#include "Source.h"

namespace runlens {

// Reads a W&B `wandb/` folder: every `run-<date>-<id>/` and `offline-run-<date>-<id>/` with
// its `run-<id>.wandb` log (../shared/FORMATS.md). The log is the truth, so offline runs (which
// have nothing else) read like synced ones: config from the run record and later config
// records, every history row (`_step` the step, `_timestamp` the wall time; nested keys
// joined with '.'; NaN and infinities kept), summary values not in the history, name, tags,
// group, start time, and the status from the exit record (none: running, or crashed). Folders
// of one resumed run (the same id) make one run, their histories in folder order. Histories
// are kept from the scan for the charts (24 bytes a point).
class WandbSource : public Source {
public:
    static constexpr auto kKind = "wandb";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit WandbSource(QString root);

    // True if `dir` is a W&B run folder: named run-* or offline-run-*, holding a *.wandb file.
    static bool isRunFolder(const QString& dir);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    // Read whole each time: only when a file's size or time moved.
    bool mayHaveChanged() override { return m_stamp.moved({m_root}); }

private:
    QString m_root;
    KeptHistories m_histories;
    FilesStamp m_stamp;
};

}  // namespace runlens
