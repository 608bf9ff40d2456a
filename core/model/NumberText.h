#pragma once

#include <QString>
#include <charconv>
#include <cmath>

namespace runlens {

// A number as RunLens shows and exports it: the shortest text that reads back to the same
// double (Python's repr without the ".0"), or NaN / Infinity / -Infinity.
inline QString numberText(double value) {
    if (std::isnan(value)) return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
    return QString::fromLatin1(buf, end - buf);
}

}  // namespace runlens
