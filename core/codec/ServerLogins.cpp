#include "ServerLogins.h"

#include <QHash>
#include <QMutex>

namespace runlens {

namespace {
QMutex& mutex() {
    static QMutex m;
    return m;
}
QHash<QString, ServerLogins::Login>& logins() {
    static QHash<QString, ServerLogins::Login> l;
    return l;
}
}  // namespace

void ServerLogins::set(const QString& origin, const Login& login) {
    QMutexLocker lock(&mutex());
    logins().insert(origin, login);
}

void ServerLogins::forget(const QString& origin) {
    QMutexLocker lock(&mutex());
    logins().remove(origin);
}

std::optional<ServerLogins::Login> ServerLogins::find(const QString& origin) {
    QMutexLocker lock(&mutex());
    const auto it = logins().constFind(origin);
    if (it == logins().constEnd()) return std::nullopt;
    return *it;
}

}  // namespace runlens
