#include "AxisTicks.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "model/NumberText.h"

namespace runlens {

namespace {

// `value` with at most `decimals` decimals, trailing zeros dropped ("1.50" reads "1.5").
QString fixedText(double value, int decimals) {
    char buf[64];
    const auto end =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals).ptr;
    QString text = QString::fromLatin1(buf, end - buf);
    if (text.contains(u'.')) {
        while (text.endsWith(u'0'))
            text.chop(1);
        if (text.endsWith(u'.')) text.chop(1);
    }
    if (text == u"-0") text = QStringLiteral("0");
    return text;
}

// "2e-5", "1.5e6": the mantissa with as many digits as the step needs.
QString exponentText(double value, double step) {
    if (value == 0) return QStringLiteral("0");
    const int digits = std::clamp(
        int(std::floor(std::log10(std::abs(value)))) - int(std::floor(std::log10(step) + 1e-9)), 0,
        15);
    char buf[64];
    const auto end =
        std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific, digits).ptr;
    QString text = QString::fromLatin1(buf, end - buf);
    const qsizetype e = text.indexOf(u'e');
    QString mantissa = text.left(e), exponent = text.mid(e + 1);
    if (mantissa.contains(u'.')) {
        while (mantissa.endsWith(u'0'))
            mantissa.chop(1);
        if (mantissa.endsWith(u'.')) mantissa.chop(1);
    }
    const bool negative = exponent.startsWith(u'-');
    exponent.remove(0, 1);  // the sign
    while (exponent.size() > 1 && exponent.startsWith(u'0'))
        exponent.remove(0, 1);
    return mantissa + u'e' + (negative ? QStringLiteral("-") : QString()) + exponent;
}

int decimalsFor(double step) {
    return std::clamp(-int(std::floor(std::log10(step) + 1e-9)), 0, 15);
}

// One notation for a whole axis of multiples of `step`.
void labelLinear(std::vector<AxisTick>& ticks, double step) {
    double largest = 0;
    for (const AxisTick& t : ticks)
        largest = std::max(largest, std::abs(t.value));
    struct Unit {
        double size;
        const char* suffix;
    };
    static constexpr std::array<Unit, 4> kUnits{{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}}};
    if (largest >= 1e4 && largest < 1e15) {
        // SI prefixes as TensorBoard's axes write them: "200k", "1.5M".
        for (AxisTick& t : ticks) {
            Unit unit{1, ""};
            for (const Unit& u : kUnits)
                if (std::abs(t.value) >= u.size) {
                    unit = u;
                    break;
                }
            const int decimals = decimalsFor(step / unit.size);
            t.label = fixedText(t.value / unit.size, decimals) + QLatin1String(unit.suffix);
        }
        return;
    }
    if ((largest > 0 && largest < 1e-3) || largest >= 1e15) {
        for (AxisTick& t : ticks)
            t.label = exponentText(t.value, step);
        return;
    }
    const int decimals = decimalsFor(step);
    for (AxisTick& t : ticks)
        t.label = fixedText(t.value, decimals);
}

// Ticks at multiples of `step` inside [min, max].
std::vector<AxisTick> multiplesOf(double step, double min, double max) {
    std::vector<AxisTick> ticks;
    const double first = std::ceil(min / step - 1e-9);
    const double last = std::floor(max / step + 1e-9);
    for (double k = first; k <= last && ticks.size() < 1000; ++k) {
        double v = k * step;
        if (std::abs(v) < step * 1e-9) v = 0;
        ticks.push_back({v, {}});
    }
    return ticks;
}

}  // namespace

double niceStep(double span, int maxTicks) {
    if (!(span > 0) || !std::isfinite(span)) return 1;
    const double rough = span / std::max(1, maxTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    const double fraction = rough / magnitude;
    // The smallest of 1, 2, 5, 10 not under the rough step: never more than maxTicks ticks.
    const double nice = fraction <= 1 + 1e-9   ? 1
                        : fraction <= 2 + 1e-9 ? 2
                        : fraction <= 5 + 1e-9 ? 5
                                               : 10;
    return nice * magnitude;
}

std::vector<AxisTick> linearTicks(double min, double max, int maxTicks, bool integral) {
    if (!std::isfinite(min) || !std::isfinite(max)) return {};
    if (max < min) std::swap(min, max);
    if (max == min) {
        std::vector<AxisTick> one{{min, {}}};
        one[0].label = shortNumberText(min);
        return one;
    }
    double step = niceStep(max - min, std::max(2, maxTicks));
    // Ticks fall inside the range, so a smaller round step may still fit: take the smallest.
    auto count = [&](double s) {
        return std::floor(max / s + 1e-9) - std::ceil(min / s - 1e-9) + 1;
    };
    for (;;) {
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        const double smaller = step * (mantissa < 1.5 ? 0.5 : mantissa < 3 ? 0.5 : 0.4);
        if (count(smaller) > maxTicks || (integral && smaller < 1)) break;
        step = smaller;
    }
    // A short axis still gets two labels, so its scale can be read.
    while (count(step) < 2 && !(integral && step <= 1)) {
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
        step *= mantissa < 1.5 ? 0.5 : mantissa < 3 ? 0.5 : 0.4;
    }
    if (integral) step = std::max(step, 1.0);
    std::vector<AxisTick> ticks = multiplesOf(step, min, max);
    labelLinear(ticks, step);
    return ticks;
}

std::vector<AxisTick> logTicks(double min, double max, int maxTicks) {
    if (!(min > 0) || !(max > 0) || !std::isfinite(min) || !std::isfinite(max)) return {};
    if (max < min) std::swap(min, max);
    maxTicks = std::max(2, maxTicks);
    const int lowDecade = int(std::ceil(std::log10(min) - 1e-9));
    const int highDecade = int(std::floor(std::log10(max) + 1e-9));
    const int decades = highDecade - lowDecade + 1;
    std::vector<AxisTick> ticks;
    if (decades < 2) {
        // Within about one decade a log axis reads like a linear one: round values, spaced
        // as linearTicks would space them.
        return linearTicks(min, max, maxTicks);
    }
    const int stride = (decades + maxTicks - 1) / maxTicks;
    // 2 and 5 labelled between decades when there is room for them; else 2..9 as minor ticks.
    const bool twoAndFive = decades * 3 <= maxTicks;
    std::vector<bool> labelled;
    double smallest = INFINITY, largest = 0;
    for (int d = lowDecade - 1; d <= highDecade; ++d) {
        const double decade = std::pow(10.0, d);
        for (int m = 1; m <= 9; ++m) {
            const double v = m * decade;
            if (v < min * (1 - 1e-12) || v > max * (1 + 1e-12)) continue;
            bool text = false;
            if (m == 1)
                text = (d - lowDecade) % stride == 0;
            else if (stride != 1)
                continue;
            else
                text = twoAndFive && (m == 2 || m == 5);
            ticks.push_back({v, {}});
            labelled.push_back(text);
            if (text) smallest = std::min(smallest, v), largest = std::max(largest, v);
        }
    }
    const bool plain = smallest >= 1e-3 && largest < 1e15;
    for (size_t i = 0; i < ticks.size(); ++i) {
        AxisTick& t = ticks[i];
        if (!labelled[i]) {
            t.label.clear();
            continue;
        }
        if (!plain) {
            t.label = exponentText(t.value, t.value);
        } else if (t.value >= 1e4) {
            std::vector<AxisTick> one{{t.value, {}}};
            labelLinear(one, t.value);
            t.label = one[0].label;
        } else {
            t.label = fixedText(t.value, decimalsFor(t.value));
        }
    }
    return ticks;
}

QString durationText(double seconds) {
    if (!std::isfinite(seconds)) return numberText(seconds);
    if (seconds < 0) return u'-' + durationText(-seconds);
    if (seconds < 60) return shortNumberText(seconds, 3) + QStringLiteral(" s");
    const auto whole = qint64(std::llround(seconds));
    if (whole < 3600) {
        const qint64 s = whole % 60;
        return s ? QStringLiteral("%1 min %2 s").arg(whole / 60).arg(s)
                 : QStringLiteral("%1 min").arg(whole / 60);
    }
    if (whole < 86400) {
        const qint64 m = (whole % 3600) / 60;
        return m ? QStringLiteral("%1 h %2 min").arg(whole / 3600).arg(m)
                 : QStringLiteral("%1 h").arg(whole / 3600);
    }
    const qint64 h = (whole % 86400) / 3600;
    return h ? QStringLiteral("%1 d %2 h").arg(whole / 86400).arg(h)
             : QStringLiteral("%1 d").arg(whole / 86400);
}

std::vector<AxisTick> durationTicks(double minSeconds, double maxSeconds, int maxTicks) {
    if (!std::isfinite(minSeconds) || !std::isfinite(maxSeconds)) return {};
    if (maxSeconds < minSeconds) std::swap(minSeconds, maxSeconds);
    const double span = maxSeconds - minSeconds;
    maxTicks = std::max(2, maxTicks);
    static constexpr std::array<double, 21> kSteps{
        1,    2,    5,    10,    15,    30,    60,    120,       300,       600,       900,
        1800, 3600, 7200, 10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400, 14 * 86400};
    double step = 0;
    for (double s : kSteps)
        if (span / s <= maxTicks - 1 + 1e-9) {
            step = s;
            break;
        }
    if (span < 1) {
        std::vector<AxisTick> ticks = linearTicks(minSeconds, maxSeconds, maxTicks);
        for (AxisTick& t : ticks)
            t.label = t.value == 0 ? QStringLiteral("0") : t.label + QStringLiteral(" s");
        return ticks;
    }
    if (step == 0) step = niceStep(span / 86400, maxTicks) * 86400;  // many days
    std::vector<AxisTick> ticks = multiplesOf(step, minSeconds, maxSeconds);
    for (AxisTick& t : ticks)
        t.label = t.value == 0 ? QStringLiteral("0") : durationText(t.value);
    return ticks;
}

std::vector<AxisTick> wallTimeTicks(double minMs, double maxMs, int maxTicks) {
    if (!std::isfinite(minMs) || !std::isfinite(maxMs)) return {};
    if (maxMs < minMs) std::swap(minMs, maxMs);
    maxTicks = std::max(2, maxTicks);
    constexpr double kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                     kDay = 24 * kHour;
    static constexpr std::array<double, 21> kSteps{
        kSecond,  2 * kSecond, 5 * kSecond, 10 * kSecond, 15 * kSecond, 30 * kSecond,
        kMinute,  2 * kMinute, 5 * kMinute, 10 * kMinute, 15 * kMinute, 30 * kMinute,
        kHour,    2 * kHour,   3 * kHour,   6 * kHour,    12 * kHour,   kDay,
        2 * kDay, 7 * kDay,    14 * kDay};
    const double span = maxMs - minMs;
    double step = 0;
    for (double s : kSteps)
        if (span / s <= maxTicks - 1 + 1e-9) {
            step = s;
            break;
        }
    if (step == 0) step = niceStep(span / kDay, maxTicks) * kDay;
    if (span < kSecond) step = niceStep(span, maxTicks);
    // Round times of the local clock: counted from the local midnight before the range.
    const QDateTime first = QDateTime::fromMSecsSinceEpoch(qint64(std::floor(minMs)));
    const double midnight = double(first.date().startOfDay().toMSecsSinceEpoch());
    std::vector<AxisTick> ticks = multiplesOf(step, minMs - midnight, maxMs - midnight);
    const QLocale c = QLocale::c();
    // Across a new year, days carry the year.
    const bool years =
        !ticks.empty() &&
        QDateTime::fromMSecsSinceEpoch(qint64(ticks.front().value + midnight)).date().year() !=
            QDateTime::fromMSecsSinceEpoch(qint64(ticks.back().value + midnight)).date().year();
    for (AxisTick& t : ticks) {
        t.value += midnight;
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(qint64(std::llround(t.value)));
        const bool atMidnight = when.time() == QTime(0, 0);
        if (years && (step >= kDay || atMidnight))
            t.label = when.date().toString(Qt::ISODate);
        else if (step >= kDay || atMidnight)
            t.label = c.toString(when.date(), QStringLiteral("MMM d"));
        else if (step < kMinute)
            t.label = when.time().toString(step < kSecond ? u"HH:mm:ss.zzz" : u"HH:mm:ss");
        else
            t.label = when.time().toString(u"HH:mm");
    }
    return ticks;
}

}  // namespace runlens
