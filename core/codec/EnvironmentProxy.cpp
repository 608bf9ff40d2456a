#include "EnvironmentProxy.h"

#include <QHash>
#include <QUrl>

namespace runlens {

namespace {

// `value` of the lower-case variable, else of its upper-case twin.
QString variable(const char* name) {
    QString value = qEnvironmentVariable(name);
    if (value.isEmpty()) value = qEnvironmentVariable(QByteArray(name).toUpper().constData());
    return value;
}

bool bypassed(const QUrl& url, const QString& noProxy) {
    const QString host = url.host().toLower();
    for (QString entry : noProxy.split(u',', Qt::SkipEmptyParts)) {
        entry = entry.trimmed().toLower();
        if (entry == u"*") return true;
        int port = -1;
        // host:port, but not an IPv6 address's colons
        if (const qsizetype colon = entry.lastIndexOf(u':');
            colon > 0 && !entry.contains(u']') && entry.count(u':') == 1) {
            port = entry.mid(colon + 1).toInt();
            entry.truncate(colon);
        }
        if (port > 0 && port != url.port(url.scheme() == u"https" ? 443 : 80)) continue;
        if (entry.startsWith(u'.')) entry.remove(0, 1);
        if (entry.isEmpty()) continue;
        if (host == entry || host.endsWith(u'.' + entry)) return true;
    }
    return false;
}

}  // namespace

QNetworkProxy EnvironmentProxy::proxyFor(const QUrl& url,
                                         const QHash<QString, QString>& variables) {
    if (bypassed(url, variables.value(QStringLiteral("no_proxy")))) return QNetworkProxy::NoProxy;
    QString text = variables.value(url.scheme() == u"https" ? QStringLiteral("https_proxy")
                                                            : QStringLiteral("http_proxy"));
    if (text.isEmpty()) text = variables.value(QStringLiteral("all_proxy"));
    if (text.isEmpty()) return QNetworkProxy::NoProxy;
    if (!text.contains(QStringLiteral("://"))) text.prepend(QStringLiteral("http://"));
    const QUrl proxy(text);
    if (!proxy.isValid() || proxy.host().isEmpty()) return QNetworkProxy::NoProxy;
    const bool socks = proxy.scheme().startsWith(u"socks");
    return QNetworkProxy(socks ? QNetworkProxy::Socks5Proxy : QNetworkProxy::HttpProxy,
                         proxy.host(), quint16(proxy.port(socks ? 1080 : 80)), proxy.userName(),
                         proxy.password());
}

QList<QNetworkProxy> EnvironmentProxy::queryProxy(const QNetworkProxyQuery& query) {
    QHash<QString, QString> variables;
    for (const char* name : {"no_proxy", "https_proxy", "http_proxy", "all_proxy"})
        variables.insert(QString::fromLatin1(name), variable(name));
    return {proxyFor(query.url(), variables)};
}

}  // namespace runlens
