#pragma once

#include <QString>
#include <charconv>
#include <cmath>

namespace runlens {

// A number as RunLens exports and copies it: the shortest text that reads back to the same
// double (Python's repr without the ".0"), or NaN / Infinity / -Infinity.
inline QString numberText(double value) {
    if (std::isnan(value)) return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity");
    // Python's repr: plain digits from 1e-4 up to 1e16, an exponent outside (to_chars alone
    // picks whichever is shorter, and would write 1800000000 as "1.8e+09").
    const double magnitude = std::abs(value);
    const bool plain = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
    char buf[400];
    const auto end = std::to_chars(buf, buf + sizeof buf, value,
                                   plain ? std::chars_format::fixed : std::chars_format::scientific)
                         .ptr;
    return QString::fromLatin1(buf, end - buf);
}

// A step as RunLens writes it: a whole step as the integer it is ("1000000", never "1e+06"),
// a fractional one (Neptune's 600.5) in its shortest form.
inline QString stepText(double step) {
    if (step == std::trunc(step) && std::abs(step) < 9.2e18)
        return QString::number(static_cast<long long>(step));
    return numberText(step);
}

// A number as RunLens shows it on screen (tables, group rows, details, tooltips): whole
// numbers up to 15 digits as they are, anything else to `significant` digits with no float
// noise (0.9400000000000001 reads 0.94), an exponent past 1e6 or under 1e-4 ("1.2346e6").
// The exact value is numberText's, for hover, copy and export.
inline QString shortNumberText(double value, int significant = 5) {
    if (!std::isfinite(value)) return numberText(value);
    if (value == std::trunc(value) && std::abs(value) < 1e15) return numberText(value);
    char buf[40];
    const auto end =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, significant).ptr;
    QString text = QString::fromLatin1(buf, end - buf);
    // C's exponent form "1.2346e+06" reads "1.2346e6".
    if (const qsizetype e = text.indexOf(u'e'); e >= 0) {
        QString exponent = text.mid(e + 1);
        const bool negative = exponent.startsWith(u'-');
        exponent.remove(0, exponent.startsWith(u'+') || negative ? 1 : 0);
        while (exponent.size() > 1 && exponent.startsWith(u'0'))
            exponent.remove(0, 1);
        text = text.left(e) + u'e' + (negative ? QStringLiteral("-") : QString()) + exponent;
    }
    return text;
}

}  // namespace runlens
