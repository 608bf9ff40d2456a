#pragma once

#include <QStringList>
#include <map>
#include <memory>

#include "Format.h"
#include "KeptHistories.h"
#include "Source.h"

namespace runlens {

// Runs written by simple loggers as CSV or JSON lines (../shared/FORMATS.md, "Simple
// loggers"), one run per folder or file:
// - Lightning CSVLogger: `version_N/metrics.csv` (sparse rows: an empty cell is "not logged")
//   and `hparams.yaml`;
// - Keras CSVLogger: any .csv/.log whose header starts with `epoch` (`NA` is missing);
// - Stable-Baselines3: `progress.csv` (`time/total_timesteps` is the step);
// - the generic layout any script can write: a folder with `metrics.csv` or `metrics.jsonl`
//   (a `step` column or key, optional `timestamp` in seconds, one column or key per metric)
//   and `params.json`, `params.yaml` or `config.yaml`;
// - DVCLive: `dvclive/` with params.yaml, plots/metrics/**/<name>.tsv and metrics.json;
// - Sacred's FileStorageObserver: `<id>/` with run.json, config.json and metrics.json.
// YAML tags such as `!!python/object` are read as text, never constructed. Histories are
// kept from the scan for the charts.
class CsvSource : public Source {
public:
    static constexpr auto kKind = "csv";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    // `runs`: the run folders and files found under `root` (see looksLikeRun).
    CsvSource(QString root, QStringList runs);

    // What kind of run `path` is, or empty: "lightning", "sb3", "generic", "keras",
    // "dvclive", "sacred".
    static QString looksLikeRun(const QString& path);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    // Read whole each time: only when a file's size or time moved.
    bool mayHaveChanged() override { return m_stamp.moved(m_runs); }
    QStringList watchPaths() const override { return m_runs; }

    ~CsvSource() override;

private:
    struct FileState;
    // `note`: what was done with values that did not fit (steps past qint64), or empty.
    bool readCsv(const QString& file, const QStringList& stepColumns,
                 std::map<QString, MetricSeries>& out, QString* error, QString* note);

    QString m_root;
    std::map<QString, FileState> m_files;  // CSV files as last read, by path
    QStringList m_runs;
    KeptHistories m_histories;
    FilesStamp m_stamp;
};

// Parses CSV text with a header row into series: one per column except the step and time
// columns; empty cells and `NA` are "not logged", `nan`/`inf` are values. Fields may be
// quoted. `stepColumns` are tried in order; without one, the row number is the step.
// Returns false with `error` set when there is no header. `note`, if given, is set to what
// was done with steps that did not fit in 64 bits (their rows keep the step before).
// Linear in the header's columns and the rows.
bool parseMetricsCsv(std::string_view text, const QStringList& stepColumns,
                     std::map<QString, MetricSeries>& out, QString* error, char separator = ',',
                     QString* note = nullptr);

}  // namespace runlens
