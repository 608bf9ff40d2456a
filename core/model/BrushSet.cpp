#include "BrushSet.h"

#include <cmath>

#include "NumberText.h"

namespace runlens {

namespace {
QString quoted(QString text) {
    text.replace(u'\'', QStringLiteral("''"));
    return u'\'' + text + u'\'';
}

// The largest double: `> max` selects +Infinity only, `< -max` -Infinity only.
const QString kMax = numberText(std::numeric_limits<double>::max());
}  // namespace

bool AxisBrush::matches(const CellValue& value) const {
    switch (value.kind) {
        case CellValue::Kind::Missing:
            return missing;
        case CellValue::Kind::Text:
            return labels.contains(value.text);
        case CellValue::Kind::Number:
            break;
    }
    const double v = value.number;
    if (std::isnan(v)) return labels.contains(QStringLiteral("NaN"));
    if (std::isinf(v))
        return labels.contains(v > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity"));
    if (nonPositive && v <= 0) return true;
    if (hasInterval() && v >= lo && v <= hi) return true;
    return labels.contains(value.text);
}

QString AxisBrush::expression(const ColumnRef& column) const {
    const QString key = column.filterKey();
    QStringList parts;
    if (hasInterval())
        parts << QStringLiteral("%1 >= %2 and %1 <= %3").arg(key, numberText(lo), numberText(hi));
    QStringList plain;
    for (const QString& label : labels) {
        if (label == u"NaN")
            parts << QStringLiteral("%1 ~ '(?i)^nan$'").arg(key);
        else if (label == u"Infinity")
            parts << QStringLiteral("%1 > %2").arg(key, kMax);
        else if (label == u"-Infinity")
            parts << QStringLiteral("%1 < -%2").arg(key, kMax);
        else
            plain << quoted(label);
    }
    if (plain.size() == 1) parts << QStringLiteral("%1 = %2").arg(key, plain.front());
    if (plain.size() > 1) parts << QStringLiteral("%1 in (%2)").arg(key, plain.join(u", "));
    if (nonPositive) parts << QStringLiteral("%1 <= 0").arg(key);
    // A comparison on a key the run lacks is false, so this is true exactly when it is missing.
    if (missing) parts << QStringLiteral("not (%1 ~ '')").arg(key);
    return parts.join(QStringLiteral(" or "));
}

const std::vector<AxisBrush>& BrushSet::brushes(const ColumnRef& column) const {
    static const std::vector<AxisBrush> none;
    for (const Axis& axis : m_axes)
        if (axis.column == column) return axis.brushes;
    return none;
}

void BrushSet::setBrushes(const ColumnRef& column, std::vector<AxisBrush> brushes) {
    std::erase_if(brushes, [](const AxisBrush& b) { return b.isEmpty(); });
    for (auto it = m_axes.begin(); it != m_axes.end(); ++it) {
        if (it->column == column) {
            if (brushes.empty())
                m_axes.erase(it);
            else
                it->brushes = std::move(brushes);
            return;
        }
    }
    if (!brushes.empty()) m_axes.push_back({column, std::move(brushes)});
}

bool BrushSet::matches(const Run& run) const {
    for (const Axis& axis : m_axes) {
        const CellValue value = cellValue(run, axis.column);
        bool any = false;
        for (const AxisBrush& brush : axis.brushes)
            if ((any = brush.matches(value))) break;
        if (!any) return false;
    }
    return true;
}

QString BrushSet::expression() const {
    QStringList axes;
    for (const Axis& axis : m_axes) {
        QStringList alternatives;
        int parts = 0;
        for (const AxisBrush& brush : axis.brushes) {
            const QString e = brush.expression(axis.column);
            parts += int(e.count(QStringLiteral(" or "))) + 1;
            alternatives << e;
        }
        const QString joined = alternatives.join(QStringLiteral(" or "));
        axes << (parts > 1 && m_axes.size() > 1 ? u'(' + joined + u')' : joined);
    }
    return axes.join(QStringLiteral(" and "));
}

}  // namespace runlens
