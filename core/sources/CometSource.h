#pragma once

#include <QStringList>

#include "Format.h"
#include "KeptHistories.h"
#include "Source.h"

namespace runlens {

// Comet offline archives (../shared/FORMATS.md): `.cometml-runs/*.zip`, or any zip holding
// experiment.json and messages.json, read in place with libzip (nothing is extracted to disk).
// experiment.json gives the project, workspace, start and stop times and tags; messages.json
// (JSON lines) the metrics, params and "others" (the "Name" other is the run's name), in both
// the current message types and the older ws_msg / log_other{key, val} ones. Decompression is
// bounded: an entry that inflates past ScanOptions::maxInflatedBytes costs a problem, not memory.
class CometSource : public Source {
public:
    static constexpr auto kKind = "comet";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    CometSource(QString root, QStringList archives);
    // True if `path` is a zip whose entries include experiment.json and messages.json.
    static bool isArchive(const QString& path);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    bool mayHaveChanged() override { return m_stamp.moved(m_archives); }
    QStringList watchPaths() const override { return {m_root}; }

private:
    QString m_root;
    QStringList m_archives;
    KeptHistories m_histories;
    FilesStamp m_stamp;
};

}  // namespace runlens
