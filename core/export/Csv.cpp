#include "Csv.h"

#include <QString>

namespace runlens {

void csvField(QByteArray& out, QStringView text) {
    const QByteArray utf8 = text.toUtf8();
    if (utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')) {
        out += '"';
        out += QByteArray(utf8).replace("\"", "\"\"");
        out += '"';
    } else {
        out += utf8;
    }
}

}  // namespace runlens
