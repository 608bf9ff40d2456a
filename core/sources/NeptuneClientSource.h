#pragma once

#include <QMutex>
#include <map>
#include <memory>

#include "Format.h"
#include "KeptHistories.h"
#include "NeptuneClientRun.h"
#include "Source.h"
#include "codec/FileStamp.h"

namespace runlens {

// Runs neptune-client 0.x/1.x left on disk: offline runs and async runs never synced, in a
// data directory (`.neptune/` or $NEPTUNE_DATA_DIRECTORY; ../shared/FORMATS.md). Every layout
// of run folders (neptune/cli/utils.py, detect_offline_dir / detect_async_dir): 1.9+
// `{offline|async}/<type>__<uuid>__<pid>__<rand8>/`, before 1.9 `offline/<type>__<uuid>/` and
// `async/<type>__<uuid>/exec-*/`, the oldest `offline/<uuid>/` and `async/<uuid>/exec-*/`.
// Folders of one container (the uuid) are one run, their journals replayed in order; only
// `run` containers are runs (project and model metadata are not).
//
// The root is the data directory, or one of its `offline` / `async` folders, or one run
// folder, as opened. Every point is read while scanning (the journal has no index) and kept
// for the charts in the series cache (KeptHistories); later scans read only what was
// appended, and a run that changed takes its points back to extend them.
class NeptuneClientSource : public Source {
public:
    static constexpr auto kKind = "neptune-client";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit NeptuneClientSource(QString root);
    ~NeptuneClientSource() override;

    // True if `dir` is an `offline` or `async` folder holding a run folder of neptune-client.
    static bool isModeFolder(const QString& dir);
    // True if `dir` is a neptune-client run folder: named as one, holding a journal
    // (data-<N>.log) or execution folders (exec-*) with one.
    static bool isRunFolder(const QString& dir);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    bool mayHaveChanged() override { return m_stamp.moved({m_root}); }
    // The root and its offline and async folders, where new runs appear; each run's newest
    // journal is followed.
    QStringList watchPaths() const override;
    QStringList followedFiles(const Run& run) const override;
    QMap<QString, QStringList> skippedTags() const override;

private:
    QString m_root;
    mutable QMutex m_mutex;  // guards m_runs between a scan and history loads
    std::map<QString, std::unique_ptr<NeptuneClientRun>> m_runs;  // by container uuid
    KeptHistories m_histories;                                    // float series, by uuid
    FilesStamp m_stamp;
};

}  // namespace runlens
