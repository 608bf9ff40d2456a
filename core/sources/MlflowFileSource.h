#pragma once

#include "Source.h"

namespace runlens {

// Reads an MLflow file store (an `mlruns/` folder), every layout from MLflow 1.x to 3.x.
// Layout and rules: ../shared/FORMATS.md and mlflow/store/tracking/file_store.py.
// Runs are read in parallel on the global thread pool; metric files are streamed into
// summaries and not kept.
class MlflowFileSource : public Source {
public:
    static constexpr auto kKind = "mlflow-file";

    explicit MlflowFileSource(QString root);

    // True if `dir` looks like an mlruns folder: an experiment folder with a meta.yaml that
    // names an artifact location, or a .trash folder.
    static bool looksLikeStore(const QString& dir);

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_root; }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;

private:
    QString m_root;
};

}  // namespace runlens
