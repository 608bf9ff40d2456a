#include "MlflowServerAddress.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrlQuery>

#include "codec/HttpLogins.h"

namespace runlens {

namespace {

bool isExperimentId(const QString& id) {
    static const QRegularExpression kId(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return kId.match(id).hasMatch();
}

// The experiments an MLflow UI link or RunLens's own `#/experiments/1,2` names.
QStringList experimentsOf(const QString& fragment) {
    QStringList ids;
    if (fragment.startsWith(u"/experiments/")) {
        ids = fragment.mid(int(qstrlen("/experiments/"))).section(u'/', 0, 0).split(u',');
    } else if (fragment.startsWith(u"/compare-experiments/")) {
        const QString query = fragment.section(u'?', 1);
        const QString list =
            QUrlQuery(query).queryItemValue(QStringLiteral("experiments"), QUrl::FullyDecoded);
        for (const QJsonValue& v : QJsonDocument::fromJson(list.toUtf8()).array())
            ids << v.toString();
    }
    ids.removeDuplicates();
    for (const QString& id : std::as_const(ids))
        if (!isExperimentId(id)) return {};
    return ids;
}

bool envFlag(const char* name) {
    const QString value = qEnvironmentVariable(name).trimmed().toLower();
    return value == u"true" || value == u"1";
}

}  // namespace

std::optional<MlflowServerAddress> MlflowServerAddress::parse(const QString& text) {
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != u"http" && scheme != u"https") || url.host().isEmpty())
        return std::nullopt;
    MlflowServerAddress address;
    address.m_url = url;
    QUrl base = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveFragment | QUrl::RemoveQuery |
                             QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
    address.m_base = base.toString(QUrl::FullyEncoded);
    while (address.m_base.endsWith(u'/'))
        address.m_base.chop(1);
    address.m_experimentIds = experimentsOf(url.fragment(QUrl::FullyDecoded));
    return address;
}

QString MlflowServerAddress::origin() const {
    const bool tls = m_url.scheme().compare(u"https", Qt::CaseInsensitive) == 0;
    return QStringLiteral("%1://%2:%3")
        .arg(m_url.scheme().toLower(), m_url.host().toLower())
        .arg(m_url.port(tls ? 443 : 80));
}

QUrl MlflowServerAddress::api(const QString& endpoint) const {
    return QUrl(m_base + QStringLiteral("/api/2.0/mlflow/") + endpoint);
}

QString MlflowServerAddress::withExperiments(const QStringList& ids) const {
    QUrl url(m_base);
    url.setUserName(m_url.userName());
    QString text = url.toString();
    if (!ids.isEmpty()) text += QStringLiteral("/#/experiments/") + ids.join(u',');
    return text;
}

QString MlflowServerAddress::runPage(const QString& experimentId, const QString& runId) const {
    return m_base + QStringLiteral("/#/experiments/") + experimentId + QStringLiteral("/runs/") +
           runId;
}

HttpSettings MlflowServerAddress::httpSettings() const {
    HttpSettings settings;
    if (const auto login = HttpLogins::find(origin())) {
        settings.user = login->user;
        settings.password = login->password;
    } else if (!m_url.userName().isEmpty()) {
        settings.user = m_url.userName(QUrl::FullyDecoded);
        settings.password = m_url.password(QUrl::FullyDecoded);
    } else if (!qEnvironmentVariableIsEmpty("MLFLOW_TRACKING_USERNAME")) {
        settings.user = qEnvironmentVariable("MLFLOW_TRACKING_USERNAME");
        settings.password = qEnvironmentVariable("MLFLOW_TRACKING_PASSWORD");
    }
    settings.bearerToken = qEnvironmentVariable("MLFLOW_TRACKING_TOKEN");
    settings.insecureTls = envFlag("MLFLOW_TRACKING_INSECURE_TLS");
    settings.caCertificates = qEnvironmentVariable("MLFLOW_TRACKING_SERVER_CERT_PATH");
    bool ok = false;
    const int timeout = qEnvironmentVariableIntValue("MLFLOW_HTTP_REQUEST_TIMEOUT", &ok);
    if (ok && timeout > 0) settings.timeoutMs = timeout * 1000;
    const int retries = qEnvironmentVariableIntValue("MLFLOW_HTTP_REQUEST_MAX_RETRIES", &ok);
    if (ok && retries >= 0) settings.retries = retries;
    return settings;
}

}  // namespace runlens
