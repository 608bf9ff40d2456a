#pragma once

#include <QMutex>
#include <QStringList>
#include <map>
#include <memory>
#include <string_view>

#include "Format.h"
#include "KeptHistories.h"
#include "NeptuneExportRun.h"
#include "Source.h"

namespace runlens {

// A project folder of neptune-exporter's Parquet output (../shared/FORMATS.md,
// "neptune-exporter"; SCHEMA.md beside the fixtures): `<sanitized run id>-<16
// hex>_part_<n>.parquet` files, one run per prefix, its parts read as one in part order. The
// exporter renames part 0 last when a run is complete (storage/parquet_writer.py), so parts without
// part 0 are an export that did not finish: the run is listed with what is there and a problem
// saying so.
//
// The listing reads only the columns each row group needs and keeps, per float series, the row
// groups holding it, so a history reads four columns of those row groups only. Runs whose files
// kept their size and time are not read again.
class NeptuneExportSource : public Source {
public:
    static constexpr auto kKind = "neptune-export";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit NeptuneExportSource(QString root);
    ~NeptuneExportSource() override;

    // True if `dir` directly holds a run file of the exporter: named like one, with the
    // exporter's columns (attribute_path, attribute_type) in its footer.
    static bool looksLikeExport(const QString& dir);
    // For `name` = `<prefix>_part_<n>.parquet` with a prefix ending in the exporter's
    // `-<16 hex>` digest: the prefix and n; else false.
    static bool parsePartName(std::string_view name, std::string& prefix, int& part);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    bool mayHaveChanged() override { return m_stamp.moved({m_root}); }
    QMap<QString, QStringList> skippedTags() const override;

private:
    struct RunEntry;

    QString m_root;
    mutable QMutex m_mutex;  // guards m_runs between a scan and history loads
    std::map<QString, std::shared_ptr<const RunEntry>> m_runs;  // by file prefix
    FilesStamp m_stamp;
};

}  // namespace runlens
