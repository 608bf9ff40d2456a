#pragma once

#include <QLibrary>
#include <QString>
#include <utility>

namespace runlens {

// A shared library opened at run time and its functions looked up by name, for libraries only
// some projects need (LibPq, LibZip): linked, they and what they bring load with every
// runlens-cli command. The library stays loaded until the process ends.
class LoadedLibrary {
public:
    // `name` and `version` as QLibrary takes them ("pq", 5 for libpq.so.5); `package` is the
    // Debian package that holds it, for the message when it is missing.
    LoadedLibrary(const QString& name, int version, const QString& package);

    template <class F>
    void resolve(const char* symbol, F& function) {
        function = reinterpret_cast<F>(m_library.resolve(symbol));
        if (!function && m_error.isEmpty())
            m_error =
                QStringLiteral("%1 has no %2").arg(m_library.fileName(), QLatin1String(symbol));
    }

    // Empty when the library loaded and every function asked for was found.
    const QString& error() const { return m_error; }

private:
    QLibrary m_library;
    QString m_error;
};

// `Functions` (a struct of function pointers) filled by `fill` from library `name`, loaded on
// the first call only; null with the reason in `error` when the library cannot be loaded or
// lacks a function.
template <class Functions>
const Functions* loadFunctions(const QString& name, int version, const QString& package,
                               void (*fill)(LoadedLibrary&, Functions&), QString* error) {
    static const std::pair<Functions, QString> loaded = [&] {
        std::pair<Functions, QString> out{};
        LoadedLibrary library(name, version, package);
        fill(library, out.first);
        out.second = library.error();
        return out;
    }();
    if (!loaded.second.isEmpty()) {
        if (error) *error = loaded.second;
        return nullptr;
    }
    return &loaded.first;
}

}  // namespace runlens
