#pragma once

#include <QFontMetricsF>
#include <QStringList>

#include "analysis/ParallelAxis.h"

namespace runlens {

// Text on the axes of the parallel coordinates and the scatter, laid out to read in the room
// an axis has, never cut down to a stub like "r…p"; the tooltips keep the whole text.

// `text` in at most two lines of `width`: whole when it fits; else broken after the separator
// ('/', '.', '_', '-', ' ') that makes the wider line narrowest, or between letters when there
// is none; a line still too wide is elided at its end.
QStringList wrapText(const QString& text, const QFontMetricsF& metrics, qreal width);

// A tick label in `width`: whole, or elided at its end with at least three characters left;
// empty when that does not fit either, and for numbers, which would read as another number.
QString fitLabel(const QString& label, const QFontMetricsF& metrics, qreal width);

// An axis' title: the column's kind ("param", "metric", ...) in small type above its name in
// one or two lines. A name that does not fit two lines moves its namespace ("user_attrs" of
// "user_attrs.pruned_at_epoch", "train" of "train/loss") up beside the kind, or in its place.
struct AxisTitle {
    QString kind;
    QStringList lines;
};
AxisTitle axisTitle(const ParallelAxis& axis, const QFontMetricsF& titleMetrics,
                    const QFontMetricsF& kindMetrics, qreal width);

}  // namespace runlens
