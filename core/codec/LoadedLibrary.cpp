#include "LoadedLibrary.h"

namespace runlens {

LoadedLibrary::LoadedLibrary(const QString& name, int version, const QString& package)
    : m_library(name, version) {
    if (!m_library.load())
        m_error = QStringLiteral("lib%1.so.%2 (package %3) cannot be loaded: %4")
                      .arg(name)
                      .arg(version)
                      .arg(package, m_library.errorString());
}

}  // namespace runlens
