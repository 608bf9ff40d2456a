#pragma once

#include <QStringList>
#include <QUrl>
#include <optional>

#include "codec/HttpClient.h"

namespace runlens {

// An MLflow tracking server as a user names it: `http://host:5000`, `https://host/mlflow` (a
// path prefix before /api), optionally `user@` (or `user:password@`, as MLflow's client takes
// it), and which experiments to read after `#`: an MLflow UI link (`#/experiments/1`,
// `#/experiments/1/runs/<id>`, `#/compare-experiments/s?experiments=["1","2"]`) or
// `#/experiments/1,2`. No experiments named: all of them (MlflowRestSource says the limit).
class MlflowServerAddress {
public:
    static std::optional<MlflowServerAddress> parse(const QString& text);

    // `scheme://host[:port][/prefix]`: no login, experiments or trailing slash. The runs'
    // source root, and what the recent list and the keyring know the server by.
    QString base() const { return m_base; }
    // `scheme://host:port`, for logins typed in this session (HttpLogins).
    QString origin() const;
    // The URL of an endpoint of MLflow's REST API: `base()/api/2.0/mlflow/<endpoint>`.
    QUrl api(const QString& endpoint) const;
    QStringList experimentIds() const { return m_experimentIds; }
    // What to open for these experiments of the same server (all of them when empty).
    QString withExperiments(const QStringList& ids) const;
    // The MLflow UI's page of a run, for a browser.
    QString runPage(const QString& experimentId, const QString& runId) const;
    QString user() const { return m_url.userName(); }

    // How to reach it, as MLflow's client would (mlflow/environment_variables.py): a login
    // typed in this session (HttpLogins) first, then the URL's own, then
    // MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (basic) or MLFLOW_TRACKING_TOKEN
    // (bearer); MLFLOW_TRACKING_INSECURE_TLS, MLFLOW_TRACKING_SERVER_CERT_PATH,
    // MLFLOW_HTTP_REQUEST_TIMEOUT and MLFLOW_HTTP_REQUEST_MAX_RETRIES.
    HttpSettings httpSettings() const;

private:
    QUrl m_url;
    QString m_base;
    QStringList m_experimentIds;
};

}  // namespace runlens
