#include "DistinctLabels.h"

#include <QHash>
#include <QSet>
#include <algorithm>

namespace runlens {

namespace {
constexpr QChar kEllipsis(0x2026);

bool isPathSeparator(QChar c) {
    return c == u'/' || c == u'\\' || c == u':' || c == u'|';
}
bool isWordSeparator(QChar c) {
    return c == u'_' || c == u'-' || c == u' ';
}

qsizetype commonPrefixLength(const QStringList& names) {
    if (names.isEmpty()) return 0;
    const QString& first = names.front();
    qsizetype common = first.size();
    for (const QString& name : names) {
        common = std::min(common, name.size());
        for (qsizetype i = 0; i < common; ++i)
            if (name[i] != first[i]) common = i;
    }
    return common;
}

// Where labels start: the longest cut of the common prefix at a separator that leaves every
// name something of its own.
qsizetype prefixCut(const QStringList& names, int maxChars) {
    if (names.size() < 2) return 0;
    qsizetype shortest = names.front().size();
    bool tooLong = false;
    for (const QString& name : names) {
        shortest = std::min(shortest, name.size());
        tooLong = tooLong || name.size() > maxChars;
    }
    const QString& first = names.front();
    const qsizetype common = commonPrefixLength(names);
    for (qsizetype cut = std::min(common, shortest - 1); cut > 0; --cut) {
        const QChar before = first[cut - 1];
        if (isPathSeparator(before)) return cut;
        // A shared word goes only where a word follows: "trial_0001" keeps its "trial_".
        if (tooLong && ((isWordSeparator(before) && first[cut].isLetter()) ||
                        (cut < common && first[cut] == u'#')))
            return cut;
    }
    return 0;
}

QString elideMiddle(const QString& text, int maxChars) {
    if (text.size() <= maxChars) return text;
    const int head = maxChars / 2;  // the head gets the odd character: names start with words
    return text.left(head) + kEllipsis + text.right(maxChars - 1 - head);
}

// `maxChars` of `text` (ellipses included) around position `at`.
QString elideAround(const QString& text, qsizetype at, int maxChars) {
    if (text.size() <= maxChars) return text;
    const qsizetype inner = maxChars - 2;
    const qsizetype start = at - inner / 3;
    if (start <= 0) return text.left(maxChars - 1) + kEllipsis;
    if (start + inner >= text.size()) return kEllipsis + text.right(maxChars - 1);
    return kEllipsis + text.mid(start, inner) + kEllipsis;
}

// Labels alike get " (2)", " (3)", ... after the first.
void numberRepeats(QStringList& labels) {
    QSet<QString> used;
    for (QString& label : labels) {
        QString unique = label;
        for (int n = 2; used.contains(unique); ++n)
            unique = label + QStringLiteral(" (%1)").arg(n);
        used.insert(unique);
        label = unique;
    }
}
}  // namespace

DistinctLabels distinctLabels(const QStringList& names, int maxChars) {
    maxChars = std::max(maxChars, 5);
    const qsizetype cut = prefixCut(names, maxChars);
    DistinctLabels out;
    if (cut > 0) out.prefix = names.front().left(cut);
    QStringList rests;
    for (const QString& name : names) {
        rests << name.mid(cut);
        out.labels << elideMiddle(rests.back(), maxChars);
    }
    QHash<QString, QList<int>> byLabel;
    for (int i = 0; i < out.labels.size(); ++i)
        byLabel[out.labels[i]] << i;
    for (const QList<int>& alike : std::as_const(byLabel)) {
        if (alike.size() < 2) continue;
        QStringList group;
        for (int i : alike)
            group << rests[i];
        const qsizetype differ = commonPrefixLength(group);
        for (int i : alike)
            out.labels[i] = elideAround(rests[i], differ, maxChars);
    }
    numberRepeats(out.labels);
    return out;
}

}  // namespace runlens
