#pragma once

#include <QString>
#include <QtGlobal>

namespace runlens {

// What one file may add as params. A YAML file's aliases let a few hundred bytes stand for
// billions of keys ("billion laughs", 9 levels of 9 aliases) and may even name the node they
// sit in; JSON keys repeat their prefixes at every level. Flattening counts every node and
// every character it makes and stops at these bounds; the file's params are then dropped
// whole (half of a runaway expansion is not what the user wrote), so a hostile config costs
// its own params, never the memory of the process.
class ParamBudget {
public:
    static constexpr qsizetype kMaxNodes = 100000;
    static constexpr qint64 kMaxBytes = qint64(64) << 20;  // of key and value text (UTF-16)
    static constexpr int kMaxDepth = 256;

    // Counts one node holding `characters` of key and value text; false once past a bound.
    bool take(qsizetype characters) {
        if (m_exhausted) return false;
        m_bytes += qint64(characters) * 2;
        if (++m_nodes > kMaxNodes || m_bytes > kMaxBytes) m_exhausted = true;
        return !m_exhausted;
    }
    // Counts one level of nesting at `depth`; false past kMaxDepth.
    bool enter(int depth) {
        if (depth > kMaxDepth) m_exhausted = m_tooDeep = true;
        return !m_exhausted;
    }
    bool exhausted() const { return m_exhausted; }

    // What was done, for a problem naming the file: empty while within bounds.
    QString problem() const {
        if (!m_exhausted) return {};
        if (m_tooDeep)
            return QStringLiteral(
                       "nests deeper than %1 levels (an alias to itself?); its params "
                       "were skipped")
                .arg(kMaxDepth);
        return QStringLiteral(
                   "expands to more than %1 keys or %2 MB of text (aliases of "
                   "aliases?); its params were skipped")
            .arg(kMaxNodes)
            .arg(kMaxBytes >> 20);
    }

private:
    qsizetype m_nodes = 0;
    qint64 m_bytes = 0;
    bool m_exhausted = false;
    bool m_tooDeep = false;
};

}  // namespace runlens
