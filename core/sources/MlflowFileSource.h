#pragma once

#include <QElapsedTimer>
#include <map>
#include <string>

#include "Format.h"
#include "codec/FileStamp.h"
#include "MlflowMetricLines.h"
#include "Source.h"

namespace runlens {

// What was read of one metric file: where to go on from, and the summary so far.
struct MlflowMetricState {
    bool read = false;
    FileStamp stamp;
    uint64_t offset = 0;       // bytes of the lines taken
    int lines = 0;             // lines taken, for problem line numbers
    bool tailTaken = false;    // the last line had no newline but was taken (file settled)
    bool tailPending = false;  // the last line had no newline and was held back
    MetricSummary summary;
    int badLines = 0;
    MetricLinesOutcome firstBad;
    QString problem;
};

// What was read of one run folder, kept between scans.
struct MlflowRunState {
    bool seen = false;
    FileStamp meta;
    Run run;  // from meta.yaml
    QStringList metaProblems;
    std::map<std::string, FileStamp> keyFiles;  // params/... and tags/...
    QMap<QString, ParamValue> params;
    QMap<QString, QString> tags;
    QStringList keyProblems;
    std::map<std::string, MlflowMetricState> metrics;  // by key
    bool reported = false;                             // listed in a delta, as reportedId
    RunId reportedId;
};

// Reads an MLflow file store (an `mlruns/` folder), every layout from MLflow 1.x to 3.x.
// Layout and rules: ../shared/FORMATS.md and mlflow/store/tracking/file_store.py.
// Runs are read in parallel on the global thread pool; metric files are streamed into
// summaries and not kept. Later scans read only what changed: new and removed run folders,
// changed meta.yaml, params and tags, and the lines appended to metric files.
class MlflowFileSource : public Source {
public:
    static constexpr auto kKind = "mlflow-file";
    static Format format();  // how the Detector finds its stores (FormatRegistry)

    explicit MlflowFileSource(QString root);
    ~MlflowFileSource() override;

    // True if `dir` looks like an mlruns folder: an experiment folder with a meta.yaml that
    // names an artifact location, or a .trash folder.
    static bool looksLikeStore(const QString& dir);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    QStringList followedFiles(const Run& run) const override;
    ScanDelta scan(const ScanOptions& options) override;
    bool scansIncrementally() const override { return true; }
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    HistoryResult loadHistoryFrom(const Run& run, const QString& metric, uint64_t resume) override;

    // The index file for this store in `cacheDir`.
    QString indexPath(const QString& cacheDir) const;

private:
    bool loadIndex(const QString& cacheDir);
    void saveIndex(const QString& cacheDir) const;

    QString m_root;
    std::map<std::string, MlflowRunState> m_state;  // by run folder
    QString m_cacheDir;  // where the index is saved again when the source goes
    QElapsedTimer m_lastSave;
};

}  // namespace runlens
