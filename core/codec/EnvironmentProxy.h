#pragma once

#include <QNetworkProxyFactory>

namespace runlens {

// Proxies as command-line tools and Python's requests (MLflow's client) take them from the
// environment: `https_proxy` for https URLs, `http_proxy` for http, else `all_proxy` (either
// case; `socks5://` for a SOCKS proxy), and none for hosts in `no_proxy` (comma-separated:
// `*`, a host or domain suffix such as `.corp` or `corp`, optionally `:port`). No variable set:
// no proxy, whatever a desktop's settings say, so the app and the command line behave alike.
class EnvironmentProxy : public QNetworkProxyFactory {
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override;

    // The proxy for `url` from the given variables (lower-case names), for tests.
    static QNetworkProxy proxyFor(const QUrl& url, const QHash<QString, QString>& variables);
};

}  // namespace runlens
