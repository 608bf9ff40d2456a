// ParallelView, continued: the axes with their ticks and titles, and the colour bar (apart
// from the interaction in ParallelView.cpp).
#include <QPainter>
#include <algorithm>

#include "AxisText.h"
#include "ParallelView.h"

namespace runlens {

namespace {
QColor rgbColour(uint32_t rgb) {
    return QColor::fromRgb(QRgb(0xff000000u | rgb));
}
}  // namespace

void ParallelView::drawAxes(QPainter& painter, const Layout& layout) const {
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    QColor halo = pal.color(QPalette::Base);
    halo.setAlpha(200);
    const QFont small = smallFont();
    const QFontMetricsF fm(small);
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (size_t a = 0; a < m_axes.size(); ++a) {
        const ParallelAxis& axis = m_axes[a];
        const float x = layout.xs[a];
        painter.setPen(QPen(text, 1));
        painter.drawLine(QPointF(x, layout.y(1)), QPointF(x, layout.y(0)));
        std::vector<ParallelAxis::Tick> ticks = axis.ticks();
        std::stable_sort(ticks.begin(), ticks.end(),
                         [](const auto& a, const auto& b) { return a.u > b.u; });  // top first
        if (!axis.extras().isEmpty()) {
            painter.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DotLine));
            painter.drawLine(QPointF(x, layout.y(0)), QPointF(x, layout.y(axis.bottom())));
        }
        // Every tick gets its mark; labels, left of the axis up to near the one before, only
        // where they fit, never on top of each other.
        const qreal labelWidth = this->labelWidth(layout, int(a));
        painter.setFont(small);
        qreal lastLabelY = -1e9;
        for (const ParallelAxis::Tick& tick : ticks) {
            const float y = layout.y(tick.u);
            painter.setPen(QPen(tick.extra ? pal.color(QPalette::PlaceholderText) : text, 1));
            painter.drawLine(QPointF(x - (tick.label.isEmpty() ? 2 : 4), y), QPointF(x, y));
            if (y - lastLabelY < fm.height()) continue;
            const QString label = fitLabel(tick.label, fm, labelWidth);
            if (label.isEmpty()) continue;  // the mark stays; the tooltip names it
            const QRectF box(x - 6 - fm.horizontalAdvance(label) - 2, y - fm.height() / 2,
                             fm.horizontalAdvance(label) + 4, fm.height());
            painter.fillRect(box, halo);
            painter.drawText(box, Qt::AlignCenter, label);
            lastLabelY = y;
        }
        drawTitle(painter, layout, axis, x);
    }
    painter.setFont(font());
}

// Tick labels go left of their axis, up to near the one before (or the view's edge).
qreal ParallelView::labelWidth(const Layout& layout, int axis) {
    return axis == 0 ? layout.plot.left() - 12 : std::clamp<qreal>(layout.spacing - 16, 24, 160);
}

// The name in one or two lines just above the axis, its kind in small type above that; kept
// inside the view at its edges. The full key is in the tooltip.
void ParallelView::drawTitle(QPainter& painter, const Layout& layout, const ParallelAxis& axis,
                             float x) const {
    const QFont font = titleFont(axis), small = smallFont();
    const QFontMetricsF tm(font), km(small);
    const qreal width = layout.titleWidth(x);
    const AxisTitle title = axisTitle(axis, tm, km, width);
    const qreal left =
        std::clamp<qreal>(x - width / 2, 2, std::max<qreal>(2, layout.size.width() - width - 2));
    qreal bottom = layout.plot.top() - 8;
    painter.setFont(font);
    painter.setPen(palette().color(QPalette::Text));
    for (qsizetype i = title.lines.size() - 1; i >= 0; --i) {
        painter.drawText(QRectF(left, bottom - tm.height(), width, tm.height()),
                         Qt::AlignHCenter | Qt::AlignBottom, title.lines[i]);
        bottom -= tm.height();
    }
    painter.setFont(small);
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(QRectF(left, bottom - km.height(), width, km.height()),
                     Qt::AlignHCenter | Qt::AlignBottom, title.kind);
}

void ParallelView::drawColourBar(QPainter& painter, const Layout& layout) const {
    const ParallelAxis& axis = m_colouring.axis();
    const float x = float(layout.plot.right()) + 40;
    const float top = layout.y(1), bottom = layout.y(0);
    for (int y = int(top); y <= int(bottom); ++y) {
        float u = 1.f - (float(y) - top) / std::max(1.f, bottom - top);
        if (axis.inverted()) u = 1.f - u;
        painter.setPen(rgbColour(m_colouring.scaleColour(axis.inverted() ? 1.f - u : u)));
        painter.drawLine(QPointF(x, y), QPointF(x + 10, y));
    }
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.8);
    painter.setFont(small);
    const QFontMetricsF fm(small);
    painter.setPen(palette().color(QPalette::Text));
    qreal last = -1e9;
    for (const ParallelAxis::Tick& tick : axis.ticks(4)) {
        if (tick.extra) continue;
        const float y = layout.y(tick.u);
        if (std::abs(y - last) < fm.height()) continue;
        const QString label = fitLabel(tick.label, fm, layout.size.width() - x - 18);
        if (label.isEmpty()) continue;
        painter.drawText(QPointF(x + 14, y + fm.ascent() / 2), label);
        last = y;
    }
    const qreal titleWidth = layout.size.width() - x + 26;
    painter.drawText(QRectF(x - 30, top - fm.height() - 4, titleWidth, fm.height()),
                     Qt::AlignCenter, fm.elidedText(axis.column().name, Qt::ElideLeft, titleWidth));
    painter.setFont(font());
}

QString ParallelView::axesNote() const {
    if (m_axesExperiment.isEmpty()) return {};
    // Not "1 of the 2 runs shown", which reads as if a run were left out: every run is drawn.
    return tr("Axes: the params and metrics of %1, the experiment of %2 of the %3 runs "
              "(Axes… to choose others)")
        .arg(m_axesExperiment)
        .arg(m_axesExperimentRuns)
        .arg(m_runs.size());
}

// Which experiment the default axes come from, top left, when the runs span several.
void ParallelView::drawAxesNote(QPainter& painter, const Layout& layout) const {
    const QString note = axesNote();
    if (note.isEmpty()) return;
    const QFont small = smallFont();
    const QFontMetricsF fm(small);
    const qreal width = layout.size.width() - 12;
    painter.setFont(small);
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(QRectF(6, 4, width, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     fm.elidedText(note, Qt::ElideRight, width));
    painter.setFont(font());
}

QStringList ParallelView::titleText(int axis) const {
    const Layout layout = layoutFor(size());
    const ParallelAxis& a = m_axes.at(size_t(axis));
    const AxisTitle title = axisTitle(a, QFontMetricsF(titleFont(a)), QFontMetricsF(smallFont()),
                                      layout.titleWidth(layout.xs[size_t(axis)]));
    return QStringList{title.kind} + title.lines;
}

QStringList ParallelView::tickLabels(int axis) const {
    const Layout layout = layoutFor(size());
    const QFontMetricsF fm(smallFont());
    QStringList out;
    for (const ParallelAxis::Tick& tick : m_axes.at(size_t(axis)).ticks())
        if (const QString label = fitLabel(tick.label, fm, labelWidth(layout, axis));
            !label.isEmpty())
            out << label;
    return out;
}

}  // namespace runlens
