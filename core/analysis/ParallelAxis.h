#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "model/BrushSet.h"
#include "model/RunColumn.h"

namespace runlens {

// One axis of the parallel-coordinates and scatter views: where each run's value sits, the
// ticks, and the conversion between a dragged range and a brush.
//
// Positions are in axis units u: the main axis spans u = 0 (bottom) to 1 (top). Values that
// have no place on it are never dropped: they get "extra" ticks below the axis at u < 0, in
// this order: stray texts in a numeric column, NaN, -Infinity, Infinity, "<= 0" (on a log
// axis), and "missing" last.
class ParallelAxis {
public:
    enum class Scale { Linear, Log, Categorical };
    struct Tick {
        float u = 0;
        QString label;
        bool extra = false;
    };
    // What a source knows of a column (Optuna: the distribution's log flag and choices).
    struct Hints {
        bool log = false;
        QStringList choices;  // categorical order
    };

    ParallelAxis() = default;
    ParallelAxis(ColumnRef column, const std::vector<CellValue>& values, const Hints& hints);
    ParallelAxis(ColumnRef column, const std::vector<CellValue>& values)
        : ParallelAxis(std::move(column), values, Hints()) {}

    const ColumnRef& column() const { return m_column; }
    Scale scale() const { return m_scale; }
    bool isNumeric() const { return m_scale != Scale::Categorical; }
    // Log is offered (and chosen by default) when every number is positive and they span
    // more than two decades.
    bool logSuggested() const { return m_logSuggested; }
    void setLog(bool log);  // numeric axes only
    bool inverted() const { return m_inverted; }
    void setInverted(bool inverted) { m_inverted = inverted; }
    double lowest() const { return m_lo; }
    double highest() const { return m_hi; }
    const QStringList& categories() const { return m_categories; }
    const QStringList& extras() const { return m_extras; }

    float position(const CellValue& value) const;
    // The lowest u any tick uses (0 when there are no extra ticks), for layout.
    float bottom() const { return m_extras.isEmpty() ? 0.f : extraU(int(m_extras.size()) - 1); }
    // Numeric axes: round values from AxisTicks (minor ticks with an empty label); then the
    // categories or the extra ticks.
    std::vector<Tick> ticks(int maxNumericTicks = 6) const;

    // The brush covering u0..u1 (either order): the number range it spans on the main axis
    // (rounded outwards to 3 significant digits, so the filter reads well), the categories
    // and the extra ticks inside it.
    AxisBrush brushBetween(float u0, float u1) const;
    // Where a brush is drawn: its lowest and highest u.
    std::pair<float, float> span(const AxisBrush& brush) const;

    double valueAt(float u) const;  // numeric axes, main part
    float uOfNumber(double v) const;

private:
    float extraU(int index) const { return -(float(index) + 1.f) * m_slot; }
    float mainU(float t) const { return m_inverted ? 1.f - t : t; }
    int extraIndex(const CellValue& value) const;
    float halfStep() const;

    ColumnRef m_column;
    Scale m_scale = Scale::Linear;
    bool m_logSuggested = false;
    bool m_inverted = false;
    enum class ExtraKind { Label, NonPositive, Missing };
    bool m_allPositive = false;
    bool m_canLog = false;
    bool m_hasNumbers = false;  // finite ones
    double m_lo = 0, m_hi = 0;  // finite numbers (positive ones on a log axis)
    double m_linearLo = 0;
    double m_positiveLo = 0;
    QStringList m_categories;  // categorical: ticks in order
    QStringList m_strayTexts;  // numeric: texts among the numbers
    QStringList m_extras;      // labels of the extra ticks
    std::vector<ExtraKind> m_extraKinds;
    bool m_hasNonPositive = false;
    float m_slot = 0.07f;
    bool m_hasNaN = false, m_hasNegInf = false, m_hasPosInf = false, m_hasMissing = false;

    void layoutExtras();
};

// What the runs' sources say of a param column (Run::paramHints): a log scale, and a
// categorical's choices in the search's order.
ParallelAxis::Hints axisHints(const std::vector<const Run*>& runs, const ColumnRef& column);
// The axis of `column` over `runs`, with the sources' hints.
ParallelAxis makeAxis(const std::vector<const Run*>& runs, const ColumnRef& column);

// Round outwards to `digits` significant digits.
double roundDown(double value, int digits);
double roundUp(double value, int digits);

}  // namespace runlens
