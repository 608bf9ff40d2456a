#pragma once

#include <QString>
#include <optional>

namespace runlens {

// Logins a user typed in this session (the app's login prompt), by server origin
// (`https://host:port`). Kept in memory only: never written anywhere by this class.
class HttpLogins {
public:
    struct Login {
        QString user;
        QString password;
    };
    static void set(const QString& origin, const Login& login);
    static void forget(const QString& origin);
    static std::optional<Login> find(const QString& origin);
};

}  // namespace runlens
