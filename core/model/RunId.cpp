#include "RunId.h"

#include <QCryptographicHash>

namespace runlens {

QString RunId::rootHash(QStringView sourceRoot) {
    const QByteArray digest =
        QCryptographicHash::hash(sourceRoot.toUtf8(), QCryptographicHash::Sha1);
    return QString::fromLatin1(digest.toHex().left(8));
}

RunId RunId::make(QStringView sourceKind, QStringView sourceRoot, QStringView nativeId) {
    return RunId(sourceKind.toString() + u':' + rootHash(sourceRoot) + u':' + nativeId.toString());
}

QString RunId::portableKey() const {
    // The root hash is the second field and is eight hex digits; ids of another shape (made
    // by hand, in tests) are their own key.
    const qsizetype first = m_text.indexOf(u':');
    if (first < 0 || m_text.size() < first + 10 || m_text[first + 9] != u':') return m_text;
    return m_text.left(first + 1) + m_text.mid(first + 10);
}

}  // namespace runlens
