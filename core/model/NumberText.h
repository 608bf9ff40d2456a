#pragma once

#include <QString>
#include <charconv>
#include <cmath>
#include <cstring>

namespace runlens {

// Room for any text numberChars() or stepChars() writes.
constexpr int kNumberCharsMax = 400;

// A number as RunLens exports and copies it: the shortest text that reads back to the same
// double (Python's repr without the ".0"), or NaN / Infinity / -Infinity. Written to `buf`
// (kNumberCharsMax bytes) without allocating, for exports of millions of points; returns the
// end of the text.
inline char* numberChars(char* buf, double value) {
    auto copy = [buf](const char* text, size_t size) {
        std::memcpy(buf, text, size);
        return buf + size;
    };
    if (std::isnan(value)) return copy("NaN", 3);
    if (std::isinf(value)) return value > 0 ? copy("Infinity", 8) : copy("-Infinity", 9);
    // Python's repr: plain digits from 1e-4 up to 1e16, an exponent outside (to_chars alone
    // picks whichever is shorter, and would write 1800000000 as "1.8e+09").
    const double magnitude = std::abs(value);
    const bool plain = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e16);
    return std::to_chars(buf, buf + kNumberCharsMax, value,
                         plain ? std::chars_format::fixed : std::chars_format::scientific)
        .ptr;
}

inline QString numberText(double value) {
    char buf[kNumberCharsMax];
    return QString::fromLatin1(buf, numberChars(buf, value) - buf);
}

// A step as RunLens writes it: a whole step as the integer it is ("1000000", never "1e+06"),
// a fractional one (Neptune's 600.5) in its shortest form. Written as numberChars() writes.
inline char* stepChars(char* buf, double step) {
    if (step == std::trunc(step) && std::abs(step) < 9.2e18)
        return std::to_chars(buf, buf + kNumberCharsMax, static_cast<long long>(step)).ptr;
    return numberChars(buf, step);
}

inline QString stepText(double step) {
    char buf[kNumberCharsMax];
    return QString::fromLatin1(buf, stepChars(buf, step) - buf);
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
