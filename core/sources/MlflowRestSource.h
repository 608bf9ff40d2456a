#pragma once

#include <QDeadlineTimer>
#include <QHash>
#include <QMutex>
#include <QSet>

#include "Format.h"
#include "MlflowRestReply.h"
#include "MlflowServerAddress.h"
#include "Source.h"
#include "codec/HttpClient.h"

namespace runlens {

// Reads an MLflow tracking server (`mlflow server`, any backend) over its REST API
// (mlflow/protos/service.proto; docs: mlflow.org/docs/latest/rest-api.html). The first scan lists
// experiments (experiments/search) and their runs (runs/search) in pages of 1,000, with each
// run's latest metric values; histories come from metrics/get-history with max_results always
// set (without it MLflow 3.11 never ends: mlflow/mlflow#23916), every page followed, never the
// down-sampled get-history-bulk-interval. Later scans are polls whose cost grows with the
// running runs only: runs started since the newest seen, the running runs, and the runs that
// were running at the last look; a full listing every 10 minutes sees runs deleted or edited
// after they ended. A server that cannot be reached keeps what was read (unreachable()).
class MlflowRestSource : public Source {
public:
    static constexpr auto kKind = "mlflow-rest";
    // Without experiments named in the URL, the ones updated last, up to this many, are read.
    static constexpr int kMaxExperiments = 100;
    static Format format();  // claims http:// and https:// addresses (FormatRegistry)

    explicit MlflowRestSource(const QString& url);
    ~MlflowRestSource() override;

    QString kind() const override { return QString::fromLatin1(kKind); }
    QString root() const override { return m_address.base(); }
    ScanDelta scan(const ScanOptions& options) override;
    HistoryResult loadHistory(const Run& run, const QString& metric) override;
    bool scansIncrementally() const override { return true; }
    QStringList watchPaths() const override { return {}; }
    Unreachable unreachable() const override;

    const MlflowServerAddress& address() const { return m_address; }
    // Requests sent so far, every retry counted (what a poll costs).
    int requestsSent() const { return m_http.requestsSent(); }
    // Tests: small pages to see paging, quick retries, a shorter wait between full listings.
    void setPageSizes(int runs, int historyPoints);
    void setFullListingInterval(int ms) {
        m_fullListingMs = ms;
        m_nextFullListing.setRemainingTime(ms);
    }
    void setHttpSettings(const HttpSettings& settings);

    // Every experiment on the server at `url` (the app's experiment picker), deleted ones
    // too (MlflowExperiment::deleted). `status` is the HTTP status of a failed request
    // (401: a login is needed).
    struct ServerExperiments {
        std::vector<MlflowExperiment> experiments;
        QString problem;  // one sentence, empty when every page was read
        int status = 0;
        bool unreachable = false;
        bool cancelled = false;
    };
    static ServerExperiments listExperiments(const QString& url,
                                             const std::atomic_bool* cancel = nullptr);

private:
    struct Answer;
    struct Look;
    static Answer ask(HttpClient& http, const MlflowServerAddress& address,
                      const HttpRequest& request, const QString& endpoint,
                      const std::atomic_bool* cancel);
    static ServerExperiments readExperiments(HttpClient& http, const MlflowServerAddress& address,
                                             const std::atomic_bool* cancel);
    void chooseExperiments(Look& look, const std::vector<MlflowExperiment>& listed,
                           const ScanOptions& options);
    void searchRuns(Look& look, const QString& filter, bool allStages, const ScanOptions& options);
    void listAll(Look& look, const ScanOptions& options);
    void poll(Look& look, const ScanOptions& options);
    ScanDelta deltaOf(const Look& look, const ScanOptions& options);
    void setOffline(const Look& look);

    const MlflowServerAddress m_address;
    HttpClient m_http;
    int m_runsPage = 1000;
    int m_historyPage = 25'000;  // what MLflow's own client asks for
    int m_fullListingMs = 10 * 60'000;

    QMutex m_scanMutex;  // one scan at a time; guards what follows
    MlflowRunContext m_context;
    QStringList m_experimentIds;    // read by runs/search
    QHash<QString, Run> m_known;    // by native id: what the last looks reported
    QSet<QString> m_unfinished;     // running or scheduled at the last look
    qint64 m_newestStart = -1;      // the latest start time seen
    bool m_listed = false;          // a full listing was read whole
    bool m_includeDeleted = false;  // what that listing was read with
    QDeadlineTimer m_nextFullListing;

    mutable QMutex m_offlineMutex;
    Unreachable m_offline;
};

}  // namespace runlens
