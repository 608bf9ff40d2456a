#include "ParallelAxis.h"

#include <QSet>
#include <algorithm>
#include <cmath>

#include "AxisTicks.h"
#include "model/NumberText.h"

namespace runlens {

namespace {
const QString kNonPositive = QStringLiteral("≤ 0");
const QString kMissing = QStringLiteral("missing");

// The label of a value on a categorical axis, and of a special number on any axis.
QString categoryLabel(const CellValue& value) {
    if (value.kind == CellValue::Kind::Number && !std::isfinite(value.number))
        return numberText(value.number);
    return value.text;
}

double roundTo(double value, int digits, bool up) {
    if (value == 0 || !std::isfinite(value)) return value;
    const double scale = std::pow(10.0, std::floor(std::log10(std::abs(value))) - (digits - 1));
    const double scaled = value / scale;
    // A value already at `digits` digits stays itself (within rounding of the division).
    const double nearest = std::round(scaled);
    const double steps =
        std::abs(scaled - nearest) < 1e-9 ? nearest : (up ? std::ceil(scaled) : std::floor(scaled));
    return QString::number(steps * scale, 'g', digits + 1).toDouble();
}
}  // namespace

double roundDown(double value, int digits) {
    return roundTo(value, digits, false);
}
double roundUp(double value, int digits) {
    return roundTo(value, digits, true);
}

ParallelAxis::ParallelAxis(ColumnRef column, const std::vector<CellValue>& values,
                           const Hints& hints)
    : m_column(std::move(column)) {
    int numbers = 0, texts = 0;
    for (const CellValue& v : values) {
        if (v.kind == CellValue::Kind::Number) ++numbers;
        if (v.kind == CellValue::Kind::Text) ++texts;
        if (v.kind == CellValue::Kind::Missing) m_hasMissing = true;
    }
    const bool numeric = (numbers > 0 && numbers >= texts) || (numbers == 0 && texts == 0);
    if (!numeric || !hints.choices.isEmpty()) {
        m_scale = Scale::Categorical;
        QSet<QString> seen;
        for (const QString& choice : hints.choices)
            if (!seen.contains(choice)) seen.insert(choice), m_categories << choice;
        QStringList numberLabels, textLabels;
        std::vector<double> numberValues;
        for (const CellValue& v : values) {
            if (v.kind == CellValue::Kind::Missing) continue;
            const QString label = categoryLabel(v);
            if (seen.contains(label)) continue;
            seen.insert(label);
            if (v.kind == CellValue::Kind::Number)
                numberLabels << label;
            else
                textLabels << label;
        }
        // Numbers by value, then texts alphabetically (case-insensitive, then exact).
        std::sort(numberLabels.begin(), numberLabels.end(),
                  [](const QString& a, const QString& b) { return a.toDouble() < b.toDouble(); });
        std::sort(textLabels.begin(), textLabels.end(), [](const QString& a, const QString& b) {
            const int c = QString::compare(a, b, Qt::CaseInsensitive);
            return c != 0 ? c < 0 : a < b;
        });
        m_categories << numberLabels << textLabels;
        layoutExtras();
        return;
    }
    bool any = false, anyPositive = false;
    double lo = 0, hi = 0;
    QSet<QString> strays;
    for (const CellValue& v : values) {
        if (v.kind == CellValue::Kind::Text) {
            strays.insert(v.text);
        } else if (v.kind == CellValue::Kind::Number) {
            const double n = v.number;
            if (std::isnan(n)) {
                m_hasNaN = true;
            } else if (std::isinf(n)) {
                (n > 0 ? m_hasPosInf : m_hasNegInf) = true;
            } else {
                lo = any ? std::min(lo, n) : n;
                hi = any ? std::max(hi, n) : n;
                any = true;
                if (n > 0) {
                    m_positiveLo = anyPositive ? std::min(m_positiveLo, n) : n;
                    anyPositive = true;
                } else {
                    m_hasNonPositive = true;
                }
            }
        }
    }
    m_strayTexts = QStringList(strays.begin(), strays.end());
    m_strayTexts.sort();
    m_linearLo = lo;
    m_lo = lo;
    m_hi = hi;
    m_hasNumbers = any;
    m_allPositive = any && !m_hasNonPositive;
    m_logSuggested = m_allPositive && hi / lo > 100;
    m_canLog = anyPositive;
    setLog((hints.log && anyPositive) || m_logSuggested);
}

void ParallelAxis::setLog(bool log) {
    if (m_scale == Scale::Categorical) return;
    if (log && !m_canLog) return;
    m_scale = log ? Scale::Log : Scale::Linear;
    m_lo = log ? m_positiveLo : m_linearLo;
    layoutExtras();
}

void ParallelAxis::layoutExtras() {
    m_extras.clear();
    m_extraKinds.clear();
    auto add = [this](const QString& label, ExtraKind kind) {
        m_extras << label;
        m_extraKinds.push_back(kind);
    };
    for (const QString& text : m_strayTexts)
        add(text, ExtraKind::Label);
    if (m_hasNaN) add(QStringLiteral("NaN"), ExtraKind::Label);
    if (m_hasNegInf) add(QStringLiteral("-Infinity"), ExtraKind::Label);
    if (m_hasPosInf) add(QStringLiteral("Infinity"), ExtraKind::Label);
    if (m_scale == Scale::Log && m_hasNonPositive) add(kNonPositive, ExtraKind::NonPositive);
    if (m_hasMissing) add(kMissing, ExtraKind::Missing);
    m_slot = m_extras.isEmpty() ? 0.07f : std::min(0.07f, 0.35f / float(m_extras.size()));
}

int ParallelAxis::extraIndex(const CellValue& value) const {
    ExtraKind kind = ExtraKind::Label;
    QString label;
    if (value.kind == CellValue::Kind::Missing) {
        kind = ExtraKind::Missing;
    } else if (value.kind == CellValue::Kind::Number && std::isfinite(value.number)) {
        kind = ExtraKind::NonPositive;
    } else {
        label = categoryLabel(value);
    }
    for (int i = 0; i < int(m_extras.size()); ++i)
        if (m_extraKinds[size_t(i)] == kind && (kind != ExtraKind::Label || m_extras[i] == label))
            return i;
    return -1;
}

float ParallelAxis::uOfNumber(double v) const {
    double t = 0.5;
    if (m_scale == Scale::Log) {
        const double a = std::log10(m_lo), b = std::log10(m_hi);
        if (b > a) t = (std::log10(v) - a) / (b - a);
    } else if (m_hi > m_lo) {
        t = (v - m_lo) / (m_hi - m_lo);
    }
    return mainU(float(t));
}

double ParallelAxis::valueAt(float u) const {
    const double t = m_inverted ? 1.0 - u : u;
    if (m_scale == Scale::Log) {
        const double a = std::log10(m_lo), b = std::log10(m_hi);
        return std::pow(10.0, a + t * (b - a));
    }
    return m_lo + t * (m_hi - m_lo);
}

float ParallelAxis::position(const CellValue& value) const {
    if (m_scale == Scale::Categorical) {
        if (value.kind != CellValue::Kind::Missing) {
            const qsizetype i = m_categories.indexOf(categoryLabel(value));
            if (i >= 0)
                return mainU(m_categories.size() == 1 ? 0.5f
                                                      : float(i) / float(m_categories.size() - 1));
        }
    } else if (value.kind == CellValue::Kind::Number && std::isfinite(value.number) &&
               (m_scale == Scale::Linear || value.number > 0)) {
        return uOfNumber(value.number);
    }
    const int i = extraIndex(value);
    return i >= 0 ? extraU(i) : extraU(int(m_extras.size()));
}

float ParallelAxis::halfStep() const {
    return m_categories.size() > 1 ? 0.4f / float(m_categories.size() - 1) : 0.4f;
}

std::vector<ParallelAxis::Tick> ParallelAxis::ticks(int maxNumericTicks) const {
    std::vector<Tick> out;
    if (m_scale == Scale::Categorical) {
        for (const QString& c : m_categories)
            out.push_back({position({CellValue::Kind::Text, 0, c}), c, false});
    } else if (m_hi > m_lo) {
        // The charts' round ticks (AxisTicks): 0 / 200 / 400, decades on a log axis, one
        // notation per axis; minor ticks have no label.
        const std::vector<AxisTick> numeric = m_scale == Scale::Log
                                                  ? logTicks(m_lo, m_hi, maxNumericTicks)
                                                  : linearTicks(m_lo, m_hi, maxNumericTicks);
        for (const AxisTick& tick : numeric)
            out.push_back({uOfNumber(tick.value), tick.label, false});
    } else if (m_hasNumbers) {
        out.push_back({uOfNumber(m_lo), QString::number(m_lo, 'g', 6), false});
    }
    for (int i = 0; i < int(m_extras.size()); ++i)
        out.push_back({extraU(i), m_extras[i], true});
    return out;
}

AxisBrush ParallelAxis::brushBetween(float u0, float u1) const {
    const float a = std::min(u0, u1), b = std::max(u0, u1);
    AxisBrush brush;
    if (m_scale == Scale::Categorical) {
        const float h = halfStep();
        for (const QString& c : m_categories) {
            const float u = position({CellValue::Kind::Text, 0, c});
            if (u >= a - h && u <= b + h) brush.labels << c;
        }
    } else {
        const float lo = std::max(a, 0.f), hi = std::min(b, 1.f);
        if (m_hasNumbers && m_hi == m_lo) {
            // One value, drawn mid-axis: a brush near it takes it.
            if (a <= 0.6f && b >= 0.4f) brush.lo = brush.hi = m_lo;
        } else if (m_hasNumbers && lo <= hi) {
            const double v0 = valueAt(lo), v1 = valueAt(hi);
            // The ends of the axis are the data's own ends, not rounded past them.
            const bool atLowEnd = m_inverted ? hi >= 1.f : lo <= 0.f;
            const bool atHighEnd = m_inverted ? lo <= 0.f : hi >= 1.f;
            brush.lo = atLowEnd ? m_lo : roundDown(std::min(v0, v1), 3);
            brush.hi = atHighEnd ? m_hi : roundUp(std::max(v0, v1), 3);
        }
    }
    const float h = m_slot * 0.4f;
    for (int i = 0; i < int(m_extras.size()); ++i) {
        const float u = extraU(i);
        if (u < a - h || u > b + h) continue;
        switch (m_extraKinds[size_t(i)]) {
            case ExtraKind::Label:
                brush.labels << m_extras[i];
                break;
            case ExtraKind::NonPositive:
                brush.nonPositive = true;
                break;
            case ExtraKind::Missing:
                brush.missing = true;
                break;
        }
    }
    return brush;
}

std::pair<float, float> ParallelAxis::span(const AxisBrush& brush) const {
    float lo = 2, hi = -2;
    auto cover = [&lo, &hi](float a, float b) {
        lo = std::min(lo, a);
        hi = std::max(hi, b);
    };
    if (brush.hasInterval() && isNumeric()) {
        const float a = std::clamp(uOfNumber(std::max(brush.lo, m_lo)), 0.f, 1.f);
        const float b = std::clamp(uOfNumber(std::min(brush.hi, m_hi)), 0.f, 1.f);
        cover(std::min(a, b), std::max(a, b));
    }
    const float h = m_scale == Scale::Categorical ? halfStep() : 0.f;
    for (const QString& c : m_categories)
        if (brush.labels.contains(c)) {
            const float u = position({CellValue::Kind::Text, 0, c});
            cover(u - h, u + h);
        }
    for (int i = 0; i < int(m_extras.size()); ++i) {
        const ExtraKind kind = m_extraKinds[size_t(i)];
        if ((kind == ExtraKind::Label && brush.labels.contains(m_extras[i])) ||
            (kind == ExtraKind::NonPositive && brush.nonPositive) ||
            (kind == ExtraKind::Missing && brush.missing))
            cover(extraU(i) - m_slot * 0.4f, extraU(i) + m_slot * 0.4f);
    }
    if (lo > hi) return {0.f, 0.f};
    return {lo, hi};
}

ParallelAxis::Hints axisHints(const std::vector<const Run*>& runs, const ColumnRef& column) {
    ParallelAxis::Hints hints;
    if (column.kind != ColumnRef::Kind::Param) return hints;
    for (const Run* run : runs) {
        const auto it = run->paramHints.find(column.name);
        if (it == run->paramHints.end()) continue;
        hints.log = hints.log || it->log;
        if (hints.choices.isEmpty()) hints.choices = it->choices;
        if (hints.log && !hints.choices.isEmpty()) break;
    }
    return hints;
}

ParallelAxis makeAxis(const std::vector<const Run*>& runs, const ColumnRef& column) {
    std::vector<CellValue> values;
    values.reserve(runs.size());
    for (const Run* run : runs)
        values.push_back(cellValue(*run, column));
    return ParallelAxis(column, values, axisHints(runs, column));
}

}  // namespace runlens
