#pragma once

#include <QString>
#include <QStringList>
#include <limits>
#include <vector>

#include "RunColumn.h"

namespace runlens {

// One brushed range on one axis, kept as values, not pixels, so it means the same runs
// whichever way the axis is drawn: a numeric interval, the categories and special values it
// covers (texts, "NaN", "Infinity", "-Infinity"), and whether it covers the "<= 0" tick of a
// log axis or the "missing" tick.
struct AxisBrush {
    static constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    double lo = kNone, hi = kNone;  // inclusive; NaN when the brush covers no number range
    QStringList labels;
    bool nonPositive = false;
    bool missing = false;

    bool hasInterval() const { return lo <= hi; }
    bool isEmpty() const { return !hasInterval() && labels.isEmpty() && !nonPositive && !missing; }
    bool matches(const CellValue& value) const;
    // The filter-language expression that selects exactly the runs this brush selects.
    QString expression(const ColumnRef& column) const;
};

// The brushes of every axis. A run is selected when, on every brushed axis, some brush of
// that axis covers its value (ranges on one axis add up; axes narrow down), as in the
// parallel-coordinates tools users know.
class BrushSet {
public:
    struct Axis {
        ColumnRef column;
        std::vector<AxisBrush> brushes;
    };

    bool isEmpty() const { return m_axes.empty(); }
    const std::vector<Axis>& axes() const { return m_axes; }
    const std::vector<AxisBrush>& brushes(const ColumnRef& column) const;
    void setBrushes(const ColumnRef& column, std::vector<AxisBrush> brushes);
    void clear() { m_axes.clear(); }

    bool matches(const Run& run) const;
    // Equivalent filter expression: `(a >= 1 and a <= 2 or a in ('x')) and ...`.
    QString expression() const;

private:
    std::vector<Axis> m_axes;
};

}  // namespace runlens
