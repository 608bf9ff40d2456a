#pragma once

#include <QMap>
#include <QSet>
#include <QStringList>

namespace runlens {

// Tags whose payloads a source does not read, gathered from many runs by kind, as
// Source::skippedTags() lists them.
class SkippedTags {
public:
    // One run's tags by kind (any map of kind to a container of paths).
    template <class ByKind>
    void add(const ByKind& byKind) {
        for (auto it = byKind.begin(); it != byKind.end(); ++it)
            for (const QString& path : it.value())
                m_byKind[it.key()].insert(path);
    }
    // Each kind's tags, sorted.
    QMap<QString, QStringList> sorted() const {
        QMap<QString, QStringList> out;
        for (auto it = m_byKind.begin(); it != m_byKind.end(); ++it) {
            QStringList paths(it->begin(), it->end());
            paths.sort();
            out.insert(it.key(), paths);
        }
        return out;
    }

private:
    QMap<QString, QSet<QString>> m_byKind;
};

}  // namespace runlens
