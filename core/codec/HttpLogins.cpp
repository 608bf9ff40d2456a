#include "HttpLogins.h"

#include <QHash>
#include <QMutex>

namespace runlens {

namespace {
QMutex& mutex() {
    static QMutex m;
    return m;
}
QHash<QString, HttpLogins::Login>& logins() {
    static QHash<QString, HttpLogins::Login> l;
    return l;
}
}  // namespace

void HttpLogins::set(const QString& origin, const Login& login) {
    QMutexLocker lock(&mutex());
    logins().insert(origin, login);
}

void HttpLogins::forget(const QString& origin) {
    QMutexLocker lock(&mutex());
    logins().remove(origin);
}

std::optional<HttpLogins::Login> HttpLogins::find(const QString& origin) {
    QMutexLocker lock(&mutex());
    const auto it = logins().constFind(origin);
    if (it == logins().constEnd()) return std::nullopt;
    return *it;
}

}  // namespace runlens
