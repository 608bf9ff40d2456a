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

}  // namespace runlens
