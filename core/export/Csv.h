#pragma once

#include <QByteArray>
#include <QStringView>

namespace runlens {

// One RFC 4180 field: quoted when it holds a comma, a quote or a line break, quotes doubled.
// Every CSV RunLens writes goes through here (rows end with "\r\n").
void csvField(QByteArray& out, QStringView text);

}  // namespace runlens
