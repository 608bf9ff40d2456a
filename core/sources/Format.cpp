#include "Format.h"

namespace runlens {

bool Candidate::hasSuffix(std::initializer_list<const char*> suffixes) const {
    for (const char* suffix : suffixes) {
        const size_t n = strlen(suffix);
        if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) return true;
    }
    return false;
}

const SqliteTables& Candidate::sqliteTables() const {
    // A FIFO or device is never opened: SQLite would wait on it.
    if (!m_tables) m_tables = isDir || isSpecial ? SqliteTables{} : runlens::sqliteTables(path);
    return *m_tables;
}

}  // namespace runlens
