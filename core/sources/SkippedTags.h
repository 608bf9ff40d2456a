#pragma once

#include <QMap>
#include <QSet>
#include <QStringList>

namespace runlens {

// Tags gathered from many runs, by kind, as Source::skippedTags() lists them: each sorted.
inline QMap<QString, QStringList> sortedTagLists(const QMap<QString, QSet<QString>>& byKind) {
    QMap<QString, QStringList> out;
    for (auto it = byKind.begin(); it != byKind.end(); ++it) {
        QStringList paths(it->begin(), it->end());
        paths.sort();
        out.insert(it.key(), paths);
    }
    return out;
}

}  // namespace runlens
