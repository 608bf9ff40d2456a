#pragma once

#include <QLibrary>
#include <QString>

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

}  // namespace runlens
