#pragma once

#include <QObject>
#include <functional>

namespace runlens {

// Passwords of servers in the system keyring (the Secret Service of GNOME or KDE's wallet,
// through QtKeychain), never in RunLens's settings. Without a keyring service the answer says
// so, and the caller keeps the password for the session only (HttpLogins). Answers arrive on
// the GUI thread, `context` permitting.
class PasswordStore {
public:
    // `done(password, problem)`: the password kept for `user` at `server` (a base URL), or
    // empty with why ("" when none was kept).
    static void read(const QString& server, const QString& user, QObject* context,
                     std::function<void(const QString& password, const QString& problem)> done);
    // `done(problem)`: empty when the keyring holds it now.
    static void write(const QString& server, const QString& user, const QString& password,
                      QObject* context, std::function<void(const QString& problem)> done);
    static void forget(const QString& server, const QString& user);
};

}  // namespace runlens
