#pragma once

#include <QString>
#include <QtGlobal>
#include <cmath>
#include <optional>

#include "NumberText.h"

namespace runlens {

// A number read as a double (a CSV cell, a JSON number, a protobuf double) as the 64-bit
// integer that steps and times are kept in: truncated toward zero, as a cast would, or
// nothing when it is NaN, infinite or outside qint64's range. A plain cast of such a value is
// undefined behaviour (fuzz_csv: `epoch\n8e90\n`), so every reader converts through here.
inline std::optional<qint64> toInt64(double value) {
    // 2^63 is exactly representable; every double below it (and >= -2^63) fits.
    constexpr double kLimit = 9223372036854775808.0;
    if (!(value >= -kLimit && value < kLimit)) return std::nullopt;  // NaN fails both
    return qint64(value);
}

// The conversions of one file, so that what did not fit is said once, with what was done.
class Int64Conversions {
public:
    std::optional<qint64> operator()(double value) {
        const std::optional<qint64> out = toInt64(value);
        if (!out && m_failures++ == 0) m_first = value;
        return out;
    }
    int failures() const { return m_failures; }
    // E.g. "2 step values (the first 1e+19) are outside the 64-bit integer range; their rows
    // kept the step before", or empty when every value fitted.
    QString problem(const QString& what, const QString& done) const {
        if (m_failures == 0) return {};
        return m_failures == 1 ? QStringLiteral("%1 %2 is outside the 64-bit integer range; %3")
                                     .arg(what, numberText(m_first), done)
                               : QStringLiteral(
                                     "%1 %2 values (the first %3) are outside the 64-bit integer "
                                     "range; %4")
                                     .arg(m_failures)
                                     .arg(what, numberText(m_first), done);
    }

private:
    int m_failures = 0;
    double m_first = 0;
};

}  // namespace runlens
