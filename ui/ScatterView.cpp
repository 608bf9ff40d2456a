#include "ScatterView.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <cmath>

#include "AxisText.h"
#include "SaveView.h"
#include "export/RunExport.h"

namespace runlens {

ScatterView::ScatterView(const Catalog* catalog, RunSelection* selection,
                         const RunColouring* colouring, QWidget* parent)
    : QWidget(parent), m_catalog(catalog), m_selection(selection), m_colouring(colouring) {
    setMouseTracking(true);
    setMinimumSize(240, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(selection, &RunSelection::brushesChanged, this, [this] { update(); });
    connect(selection, &RunSelection::hoveredChanged, this, [this] { update(); });
    connect(selection, &RunSelection::currentChanged, this, [this] { update(); });
    connect(selection, &RunSelection::colourChanged, this, &ScatterView::refreshColours);
}

void ScatterView::setRuns(const std::vector<const Run*>& runs) {
    m_runs = runs;
    rebuildAxes();
}

void ScatterView::setColumns(const QString& xKey, const QString& yKey) {
    if (xKey != this->xKey()) m_xLog = -1;
    if (yKey != this->yKey()) m_yLog = -1;
    m_x = ParallelAxis(ColumnRef::parse(xKey), {});
    m_y = ParallelAxis(ColumnRef::parse(yKey), {});
    rebuildAxes();
}

void ScatterView::setLog(bool xLog, bool yLog) {
    m_xLog = xLog;
    m_yLog = yLog;
    rebuildAxes();
}

void ScatterView::rebuildAxes() {
    const ColumnRef xc = m_x.column(), yc = m_y.column();
    m_x = makeAxis(m_runs, xc);
    m_y = makeAxis(m_runs, yc);
    if (m_xLog >= 0) m_x.setLog(m_xLog == 1);
    if (m_yLog >= 0) m_y.setLog(m_yLog == 1);
    m_u.resize(m_runs.size());
    for (size_t r = 0; r < m_runs.size(); ++r)
        m_u[r] = QPointF(m_x.position(cellValue(*m_runs[r], xc)),
                         m_y.position(cellValue(*m_runs[r], yc)));
    refreshColours();
}

void ScatterView::refreshColours() {
    m_colours.resize(m_runs.size());
    for (size_t r = 0; r < m_runs.size(); ++r)
        m_colours[r] = m_colouring->colour(*m_runs[r], *m_selection);
    update();
}

ScatterView::Layout ScatterView::layoutFor(QSize size) const {
    Layout layout;
    layout.plot =
        QRectF(72, 14, std::max(10, size.width() - 72 - 18), std::max(10, size.height() - 14 - 52));
    layout.xb = m_x.bottom() < 0 ? m_x.bottom() - 0.04f : -0.02f;
    layout.yb = m_y.bottom() < 0 ? m_y.bottom() - 0.04f : -0.02f;
    // A little room above and right of the data too.
    layout.plot.adjust(0, 6, -6, 0);
    return layout;
}

QPointF ScatterView::pointOf(float ux, float uy) const {
    const Layout layout = layoutFor(size());
    return {layout.x(ux), layout.y(uy)};
}

int ScatterView::runAt(QPointF pos, const Layout& layout) const {
    int best = -1;
    qreal bestDistance = 6;
    for (size_t r = 0; r < m_runs.size(); ++r) {
        const QPointF p(layout.x(float(m_u[r].x())), layout.y(float(m_u[r].y())));
        const qreal d = std::hypot(p.x() - pos.x(), p.y() - pos.y());
        const bool in = !m_selection->isBrushedOut(m_runs[r]->id);
        if (d < bestDistance ||
            (in && d <= 6 && best >= 0 && m_selection->isBrushedOut(m_runs[size_t(best)]->id))) {
            best = int(r);
            bestDistance = d;
        }
    }
    return best;
}

void ScatterView::brushRect(float ux0, float ux1, float uy0, float uy1) {
    BrushSet brushes = m_selection->brushes();
    brushes.setBrushes(m_x.column(), {m_x.brushBetween(ux0, ux1)});
    brushes.setBrushes(m_y.column(), {m_y.brushBetween(uy0, uy1)});
    m_selection->setBrushes(brushes, m_catalog->runs());
}

void ScatterView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintView(painter, layoutFor(size()), false);
}

void ScatterView::paintView(QPainter& painter, const Layout& layout, bool forExport) {
    const QPalette pal = palette();
    painter.fillRect(QRectF(0, 0, layout.plot.right() + 100, layout.plot.bottom() + 100),
                     pal.color(QPalette::Base));
    const QColor text = pal.color(QPalette::Text);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    const QFontMetricsF fm(small);
    painter.setFont(small);
    // Axes with their ticks; extra ticks (missing, NaN, stray texts) left of and below them.
    painter.setPen(QPen(pal.color(QPalette::Mid), 1));
    painter.drawRect(layout.plot);
    qreal last = -1e9;
    for (const ParallelAxis::Tick& tick : m_x.ticks(5)) {
        const float x = layout.x(tick.u);
        painter.setPen(tick.extra ? pal.color(QPalette::PlaceholderText) : text);
        const qreal mark = tick.label.isEmpty() ? 2 : 4;  // minor ticks are shorter
        painter.drawLine(QPointF(x, layout.plot.bottom()), QPointF(x, layout.plot.bottom() + mark));
        const QString label = fitLabel(tick.label, fm, 80);
        const qreal w = fm.horizontalAdvance(label);
        if (label.isEmpty() || x - w / 2 < last + 4) continue;
        painter.drawText(QPointF(x - w / 2, layout.plot.bottom() + 6 + fm.ascent()), label);
        last = x + w / 2;
    }
    last = 1e9;
    for (const ParallelAxis::Tick& tick : m_y.ticks(5)) {
        const float y = layout.y(tick.u);
        painter.setPen(tick.extra ? pal.color(QPalette::PlaceholderText) : text);
        const qreal mark = tick.label.isEmpty() ? 2 : 4;
        painter.drawLine(QPointF(layout.plot.left() - mark, y), QPointF(layout.plot.left(), y));
        const QString label = fitLabel(tick.label, fm, layout.plot.left() - 8);
        if (label.isEmpty() || last - y < fm.height()) continue;
        painter.drawText(QRectF(0, y - fm.height() / 2, layout.plot.left() - 6, fm.height()),
                         Qt::AlignRight | Qt::AlignVCenter, label);
        last = y;
    }
    painter.setFont(font());
    painter.setPen(text);
    const QFontMetricsF tm(font());
    painter.drawText(QRectF(layout.plot.left(), layout.plot.bottom() + 8 + fm.height(),
                            layout.plot.width(), tm.height() + 4),
                     Qt::AlignHCenter,
                     tm.elidedText(m_x.column().name, Qt::ElideMiddle, layout.plot.width()));
    painter.save();
    painter.translate(12, layout.plot.center().y());
    painter.rotate(-90);
    painter.drawText(
        QRectF(-layout.plot.height() / 2, -tm.height() / 2, layout.plot.height(), tm.height() + 2),
        Qt::AlignHCenter, tm.elidedText(m_y.column().name, Qt::ElideMiddle, layout.plot.height()));
    painter.restore();
    if (m_runs.empty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(layout.plot, Qt::AlignCenter, tr("No runs to show"));
        return;
    }
    // Dots: opaque squares (cheap for thousands), brushed-out runs grey beneath.
    const QColor grey =
        pal.color(QPalette::Window).lightness() < 128 ? QColor(78, 78, 78) : QColor(205, 205, 205);
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t r = 0; r < m_runs.size(); ++r) {
            const bool in = !m_selection->isBrushedOut(m_runs[r]->id);
            if (in != (pass == 1)) continue;
            const QPointF p(layout.x(float(m_u[r].x())), layout.y(float(m_u[r].y())));
            painter.fillRect(QRectF(p.x() - 2.5, p.y() - 2.5, 5, 5),
                             in ? QColor::fromRgb(QRgb(0xff000000u | m_colours[r])) : grey);
        }
    }
    // Brushes of these two columns, as bands or rectangles.
    const QColor highlight = pal.color(QPalette::Highlight);
    QColor fill = highlight;
    fill.setAlpha(40);
    painter.setPen(QPen(highlight, 1.5));
    painter.setBrush(fill);
    const auto& xb = m_selection->brushes().brushes(m_x.column());
    const auto& yb = m_selection->brushes().brushes(m_y.column());
    auto xSpans = std::vector<std::pair<float, float>>{};
    auto ySpans = std::vector<std::pair<float, float>>{};
    for (const AxisBrush& b : xb)
        xSpans.push_back(m_x.span(b));
    for (const AxisBrush& b : yb)
        ySpans.push_back(m_y.span(b));
    if (xSpans.empty() && !ySpans.empty()) xSpans.push_back({layout.xb, 1.f});
    if (ySpans.empty() && !xSpans.empty()) ySpans.push_back({layout.yb, 1.f});
    if (!m_dragging)
        for (const auto& [x0, x1] : xSpans)
            for (const auto& [y0, y1] : ySpans)
                painter.drawRect(QRectF(QPointF(layout.x(x0) - 3, layout.y(y1) - 3),
                                        QPointF(layout.x(x1) + 3, layout.y(y0) + 3)));
    if (m_dragging) painter.drawRect(QRectF(m_pressPos, m_dragPos).normalized());
    painter.setBrush(Qt::NoBrush);
    if (forExport) return;
    painter.setRenderHint(QPainter::Antialiasing);
    for (const RunId& id : {m_selection->current(), m_selection->hovered()}) {
        if (id.isEmpty()) continue;
        for (size_t r = 0; r < m_runs.size(); ++r)
            if (m_runs[r]->id == id) {
                const QPointF p(layout.x(float(m_u[r].x())), layout.y(float(m_u[r].y())));
                painter.setPen(QPen(text, 1.5));
                painter.drawEllipse(p, 6, 6);
            }
    }
}

void ScatterView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    m_pressPos = m_dragPos = event->position();
    m_dragging = false;
}

void ScatterView::mouseMoveEvent(QMouseEvent* event) {
    const Layout layout = layoutFor(size());
    if (!(event->buttons() & Qt::LeftButton)) {
        const int run = runAt(event->position(), layout);
        m_selection->setHovered(run >= 0 ? m_runs[size_t(run)]->id : RunId());
        return;
    }
    m_dragPos = event->position();
    if ((m_dragPos - m_pressPos).manhattanLength() >= 4) m_dragging = true;
    update();
}

void ScatterView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const Layout layout = layoutFor(size());
    if (m_dragging) {
        m_dragging = false;
        const QPointF a = m_pressPos, b = event->position();
        brushRect(layout.ux(float(a.x())), layout.ux(float(b.x())), layout.uy(float(a.y())),
                  layout.uy(float(b.y())));
        return;
    }
    const int run = runAt(event->position(), layout);
    if (run >= 0) {
        m_selection->setCurrent(m_runs[size_t(run)]->id);
    } else {
        BrushSet brushes = m_selection->brushes();
        brushes.setBrushes(m_x.column(), {});
        brushes.setBrushes(m_y.column(), {});
        m_selection->setBrushes(brushes, m_catalog->runs());
    }
}

void ScatterView::leaveEvent(QEvent*) {
    m_selection->setHovered({});
}

bool ScatterView::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip) return QWidget::event(event);
    auto* help = static_cast<QHelpEvent*>(event);
    const int run = runAt(help->pos(), layoutFor(size()));
    if (run < 0) {
        QToolTip::hideText();
        return true;
    }
    const Run& r = *m_runs[size_t(run)];
    auto value = [&r](const ParallelAxis& axis) {
        const CellValue v = cellValue(r, axis.column());
        return v.kind == CellValue::Kind::Missing ? tr("missing") : v.text;
    };
    QToolTip::showText(help->globalPos(),
                       QStringLiteral("%1\n%2: %3\n%4: %5")
                           .arg(r.name.isEmpty() ? r.nativeId : r.name, m_x.column().name,
                                value(m_x), m_y.column().name, value(m_y)),
                       this);
    return true;
}

QByteArray ScatterView::toCsv() const {
    return columnsToCsv(m_runs, {m_x.column(), m_y.column()});
}

void ScatterView::renderInto(QPainter& painter, QSize size) {
    paintView(painter, layoutFor(size), true);
}

bool ScatterView::saveAs(const QString& path, QSize size, qreal scale) {
    return saveView(
        path, size, scale, tr("Scatter"), palette().color(QPalette::Base),
        [this, size](QPainter& painter) { renderInto(painter, size); }, [this] { return toCsv(); });
}

}  // namespace runlens
