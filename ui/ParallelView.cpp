#include "ParallelView.h"

#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "AxisText.h"
#include "SaveView.h"
#include "analysis/InTwoHalves.h"
#include "export/RunExport.h"

namespace runlens {

namespace {
constexpr float kAxisGrab = 10;  // pixels either side of an axis that start a brush
constexpr float kEdgeGrab = 4;

QColor rgbColour(uint32_t rgb) {
    return QColor::fromRgb(QRgb(0xff000000u | rgb));
}
}  // namespace

namespace {
void renderLayers(QImage& image, const LineDensity& out, uint32_t grey, const LineDensity& in,
                  uint32_t inRgb, const LineDensity::Shades& shades, int scaleCount) {
    auto* bits = reinterpret_cast<uint32_t*>(image.bits());
    const int stride = int(image.bytesPerLine() / 4);
    inTwoHalves(size_t(image.height()), [&](size_t begin, size_t end) {
        LineDensity::compose(bits, stride, out, grey, in, inRgb, &shades, scaleCount, int(begin),
                             int(end));
    });
}
}  // namespace

ParallelView::ParallelView(const Catalog* catalog, RunSelection* selection, QWidget* parent)
    : QWidget(parent), m_catalog(catalog), m_selection(selection) {
    setMouseTracking(true);
    setMinimumSize(320, 220);
    setAttribute(Qt::WA_OpaquePaintEvent);
    connect(catalog, &Catalog::reset, this, &ParallelView::runsChanged);
    connect(catalog, &Catalog::runsAppended, this, &ParallelView::runsChanged);
    // Runs that changed while training (a live update) are drawn anew, at most 5 times a
    // second however often they change.
    m_rebuildSoon.setSingleShot(true);
    m_rebuildSoon.setInterval(200);
    connect(&m_rebuildSoon, &QTimer::timeout, this, &ParallelView::runsChanged);
    connect(catalog, &Catalog::runChanged, this, [this] {
        if (!m_rebuildSoon.isActive()) m_rebuildSoon.start();
    });
    connect(selection, &RunSelection::brushesChanged, this, &ParallelView::brushesChanged);
    connect(selection, &RunSelection::filterChanged, this, &ParallelView::runsChanged);
    connect(selection, &RunSelection::colourChanged, this, [this] {
        if (!m_colouring.byColumn()) rebuildColours();
    });
    connect(selection, &RunSelection::hoveredChanged, this, [this] { update(); });
    connect(selection, &RunSelection::currentChanged, this, [this] { update(); });
    rebuild();
}

void ParallelView::setColumns(const std::vector<ColumnRef>& columns) {
    m_chosen = columns;
    runsChanged();
    emit columnsChanged();
}

std::vector<ColumnRef> ParallelView::columns() const {
    std::vector<ColumnRef> out;
    for (const ParallelAxis& axis : m_axes)
        out.push_back(axis.column());
    return out;
}

void ParallelView::moveAxis(int from, int to) {
    std::vector<ColumnRef> order = columns();
    if (from < 0 || from >= int(order.size()) || from == to) return;
    to = std::clamp(to, 0, int(order.size()) - 1);
    const ColumnRef moved = order[size_t(from)];
    order.erase(order.begin() + from);
    order.insert(order.begin() + to, moved);
    setColumns(order);
}

void ParallelView::removeAxis(int index) {
    std::vector<ColumnRef> order = columns();
    if (index < 0 || index >= int(order.size())) return;
    order.erase(order.begin() + index);
    if (order.empty()) order.push_back(ColumnRef::parse(QStringLiteral("attributes.status")));
    setColumns(order);
}

void ParallelView::setAxisLog(int index, bool log) {
    if (index < 0 || index >= int(m_axes.size())) return;
    m_options[m_axes[size_t(index)].column().key()].log = log ? 1 : 0;
    m_axes[size_t(index)].setLog(log);
    rebuildPositions();
}

void ParallelView::setAxisInverted(int index, bool inverted) {
    if (index < 0 || index >= int(m_axes.size())) return;
    m_options[m_axes[size_t(index)].column().key()].inverted = inverted;
    m_axes[size_t(index)].setInverted(inverted);
    rebuildPositions();
}

void ParallelView::setColouring(const QString& key, bool log) {
    m_colouring.setColumn(key, log);
    m_colouring.prepare(m_runs);
    rebuildColours();
}

void ParallelView::setDensityThreshold(int runs) {
    m_densityThreshold = runs;
    m_densityStale = true;
    update();
}

bool ParallelView::isHiddenTab() const {
    return !isVisible() && window()->isVisible();
}

// A hidden tab of a shown window gathers its runs when it is shown: opening 2,000 runs would
// otherwise spend ~25 ms of the GUI thread on axes nobody sees. What pointed into the catalog
// is dropped at once (a reset frees those runs).
void ParallelView::runsChanged() {
    if (!isHiddenTab()) {
        rebuild();
        return;
    }
    m_stale = true;
    m_runs.clear();
    m_in.clear();
    m_u.clear();
    m_colours.clear();
    m_shades.clear();
    m_densityStale = true;
}

void ParallelView::showEvent(QShowEvent* event) {
    if (m_stale) rebuild();
    QWidget::showEvent(event);
}

void ParallelView::rebuild() {
    m_stale = false;
    m_runs.clear();
    for (const Run& run : m_catalog->runs())
        if (m_selection->passesFilter(run)) m_runs.push_back(&run);
    const std::vector<ColumnRef> columns =
        parallelColumns(m_runs, m_chosen, &m_axesExperiment, &m_axesExperimentRuns);
    m_axes.clear();
    for (const ColumnRef& column : columns) {
        ParallelAxis axis = makeAxis(m_runs, column);
        const AxisOptions options = m_options.value(column.key());
        if (options.log >= 0) axis.setLog(options.log == 1);
        axis.setInverted(options.inverted);
        m_axes.push_back(std::move(axis));
    }
    m_colouring.prepare(m_runs);
    m_in.assign(m_runs.size(), 1);
    for (size_t r = 0; r < m_runs.size(); ++r)
        m_in[r] = !m_selection->isBrushedOut(m_runs[r]->id);
    rebuildPositions();
    rebuildColours();
}

void ParallelView::rebuildPositions() {
    const size_t axes = m_axes.size();
    m_u.assign(m_runs.size() * axes, 0.f);
    for (size_t a = 0; a < axes; ++a) {
        const ParallelAxis& axis = m_axes[a];
        for (size_t r = 0; r < m_runs.size(); ++r)
            m_u[r * axes + a] = axis.position(cellValue(*m_runs[r], axis.column()));
    }
    m_densityStale = true;
    update();
}

void ParallelView::rebuildColours() {
    m_colouring.setDarkBackground(palette().color(QPalette::Base).lightness() < 128);
    m_colours.resize(m_runs.size());
    m_shades.resize(m_runs.size());
    for (size_t r = 0; r < m_runs.size(); ++r) {
        m_colours[r] = m_colouring.colour(*m_runs[r], *m_selection);
        m_shades[r] = m_colouring.shade(*m_runs[r]);
    }
    m_densityStale = true;
    update();
    emit coloursChanged();
}

void ParallelView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) rebuildColours();
    QWidget::changeEvent(event);
}

// Only the runs that entered or left the brushed set move between the density layers.
void ParallelView::brushesChanged() {
    if (m_stale) return;  // the rebuild when shown takes the brushes
    QElapsedTimer timer;
    timer.start();
    const Layout layout = layoutFor(size());
    const bool incremental = densityMode() && !m_densityStale && m_densitySize == size();
    std::vector<size_t> changed;
    for (size_t r = 0; r < m_runs.size(); ++r) {
        const char in = !m_selection->isBrushedOut(m_runs[r]->id);
        if (in == m_in[r]) continue;
        m_in[r] = in;
        changed.push_back(r);
    }
    if (incremental && !changed.empty()) {
        inTwoHalves(size_t(m_densityIn.height()), [&](size_t begin, size_t end) {
            std::vector<float> xs(m_axes.size()), ys(m_axes.size());
            const int n = int(m_axes.size());
            for (const size_t r : changed) {
                polyline(r, layout, xs.data(), ys.data());
                LineDensity& from = m_in[r] ? m_densityOut : m_densityIn;
                LineDensity& to = m_in[r] ? m_densityIn : m_densityOut;
                from.add(xs.data(), ys.data(), n, -1, m_shades[r], int(begin), int(end));
                to.add(xs.data(), ys.data(), n, 1, m_shades[r], int(begin), int(end));
            }
        });
        renderLayers(m_densityImage, m_densityOut, outColour().rgb() & 0xffffff, m_densityIn,
                     densityColour(), m_colouring.shades(), m_densityScale);
        m_brushUpdateMs = double(timer.nsecsElapsed()) / 1e6;
        m_densityRunsDrawn += qint64(changed.size());
    }
    update();
}

QFont ParallelView::smallFont() const {
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    return small;
}

QFont ParallelView::titleFont(const ParallelAxis& axis) const {
    QFont title = font();
    title.setBold(!m_selection->brushes().brushes(axis.column()).empty());  // brushed axes
    return title;
}

// Room left of the first axis for its labels, and above the axes for the tallest title.
ParallelView::Layout ParallelView::layoutFor(QSize size) const {
    Layout layout;
    layout.size = size;
    const QFontMetricsF small(smallFont());
    float left = 48;
    if (!m_axes.empty())
        for (const ParallelAxis::Tick& tick : m_axes.front().ticks())
            left = std::max(left, float(small.horizontalAdvance(tick.label)) + 16);
    left = std::min(left, 160.f);
    const float right = m_colouring.byColumn() ? 130 : 48, bottom = 12;
    const float width = std::max(10.f, float(size.width()) - left - right);
    const size_t n = m_axes.size();
    layout.spacing = n > 1 ? width / float(n - 1) : 200;
    for (size_t i = 0; i < n; ++i)
        layout.xs.push_back(n == 1 ? left + width / 2 : left + float(i) * layout.spacing);
    qsizetype lines = 1;
    for (size_t i = 0; i < n; ++i)
        lines = std::max(lines, axisTitle(m_axes[i], QFontMetricsF(titleFont(m_axes[i])), small,
                                          layout.titleWidth(layout.xs[i]))
                                    .lines.size());
    float top = 20 + float(small.height() + double(lines) * QFontMetricsF(font()).height());
    if (!m_axesExperiment.isEmpty()) top += float(small.height());  // the note above the axes
    layout.plot = QRectF(left, top, width, std::max(10.f, float(size.height()) - top - bottom));
    float depth = 0;
    for (const ParallelAxis& axis : m_axes)
        depth = std::max(depth, -axis.bottom());
    layout.top = float(layout.plot.top());
    layout.mainHeight = float(layout.plot.height()) / (1.f + depth + (depth > 0 ? 0.04f : 0.f));
    return layout;
}

QPointF ParallelView::pointOf(int axis, float u) const {
    const Layout layout = layoutFor(size());
    return {layout.xs.at(size_t(axis)), layout.y(u)};
}

void ParallelView::polyline(size_t run, const Layout& layout, float* xs, float* ys) const {
    const size_t axes = m_axes.size();
    for (size_t a = 0; a < axes; ++a) {
        xs[a] = layout.xs[a];
        ys[a] = layout.y(m_u[run * axes + a]);
    }
}

void ParallelView::buildDensity(const Layout& layout, LineDensity& in, LineDensity& out) const {
    // Run colours cannot be told apart among thousands of lines: the runs inside the brushes
    // are drawn in one colour then, unless coloured by a column (each line its value's shade).
    in.reset(int(std::ceil(layout.plot.right())) + 2, int(std::ceil(layout.plot.bottom())) + 2,
             m_colouring.byColumn());
    out.reset(in.width(), in.height(), false);
    inTwoHalves(size_t(in.height()), [&](size_t begin, size_t end) {
        std::vector<float> xs(m_axes.size()), ys(m_axes.size());
        for (size_t r = 0; r < m_runs.size(); ++r) {
            polyline(r, layout, xs.data(), ys.data());
            (m_in[r] ? in : out)
                .add(xs.data(), ys.data(), int(xs.size()), 1, m_shades[r], int(begin), int(end));
        }
    });
}

const QImage& ParallelView::densityImage(const Layout& layout) {
    if (m_densityStale || m_densitySize != size()) {
        QElapsedTimer timer;
        timer.start();
        buildDensity(layout, m_densityIn, m_densityOut);
        m_densityImage =
            QImage(m_densityIn.width(), m_densityIn.height(), QImage::Format_ARGB32_Premultiplied);
        m_densityScale = std::max(m_densityIn.maxCount(), m_densityOut.maxCount());
        renderLayers(m_densityImage, m_densityOut, outColour().rgb() & 0xffffff, m_densityIn,
                     densityColour(), m_colouring.shades(), m_densityScale);
        m_densitySize = size();
        m_densityStale = false;
        m_fullBuildMs = double(timer.nsecsElapsed()) / 1e6;
        m_densityRunsDrawn += qint64(m_runs.size());
    }
    return m_densityImage;
}

uint32_t ParallelView::densityColour() const {
    return palette().color(QPalette::Highlight).rgb() & 0xffffff;
}

QColor ParallelView::outColour() const {
    const QColor window = palette().color(QPalette::Window);
    return window.lightness() < 128 ? QColor(78, 78, 78) : QColor(212, 212, 212);
}

void ParallelView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintView(painter, layoutFor(size()), false);
}

void ParallelView::paintView(QPainter& painter, const Layout& layout, bool forExport) {
    painter.fillRect(
        QRectF(QPointF(0, 0), QSizeF(layout.plot.right() + 200, layout.plot.bottom() + 200)),
        palette().color(QPalette::Base));
    if (m_runs.empty() || m_axes.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(layout.plot, Qt::AlignCenter | Qt::TextWordWrap,
                         m_runs.empty()
                             ? tr("No runs to show. Open a project, or loosen the filter.")
                             : tr("No axes. Choose some with Axes…"));
        return;
    }
    const size_t axes = m_axes.size();
    std::vector<QPointF> points(axes);
    std::vector<float> xs(axes), ys(axes);
    auto pointsOf = [&](size_t r) {
        polyline(r, layout, xs.data(), ys.data());
        // On pixel centres: level lines stay crisp instead of smeared over two rows.
        for (size_t a = 0; a < axes; ++a)
            points[a] = QPointF(std::floor(xs[a]) + 0.5, std::floor(ys[a]) + 0.5);
    };
    if (densityMode()) {
        if (forExport) {
            // At the export's own resolution, not the screen's.
            const qreal scale = painter.device()->devicePixelRatio();
            Layout scaled = layout;
            scaled.plot = QRectF(layout.plot.topLeft() * scale, layout.plot.size() * scale);
            scaled.top *= float(scale);
            scaled.mainHeight *= float(scale);
            for (float& x : scaled.xs)
                x *= float(scale);
            LineDensity in, out;
            buildDensity(scaled, in, out);
            QImage image(in.width(), in.height(), QImage::Format_ARGB32_Premultiplied);
            renderLayers(image, out, outColour().rgb() & 0xffffff, in, densityColour(),
                         m_colouring.shades(), std::max(in.maxCount(), out.maxCount()));
            image.setDevicePixelRatio(scale);
            painter.drawImage(QPointF(0, 0), image);
        } else {
            painter.drawImage(QPointF(0, 0), densityImage(layout));
        }
    } else {
        // Opaque lines: brushed-out runs in grey beneath, the others in colour. Smooth 1.5 px
        // lines for a few hundred runs (the stroker costs ~4 us a point); past that cosmetic
        // 1 px lines, which cost a tenth.
        const bool smooth = m_runs.size() <= 200;
        painter.setRenderHint(QPainter::Antialiasing, smooth);
        QPen pen(outColour(), smooth ? 1.5 : 0);
        painter.setPen(pen);
        for (size_t r = 0; r < m_runs.size(); ++r) {
            if (m_in[r]) continue;
            pointsOf(r);
            painter.drawPolyline(points.data(), int(axes));
        }
        for (size_t r = 0; r < m_runs.size(); ++r) {
            if (!m_in[r]) continue;
            pointsOf(r);
            pen.setColor(rgbColour(m_colours[r]));
            painter.setPen(pen);
            painter.drawPolyline(points.data(), int(axes));
        }
    }
    drawAxes(painter, layout);
    drawAxesNote(painter, layout);
    // The hovered and current runs on top, thick.
    painter.setRenderHint(QPainter::Antialiasing);
    for (const RunId& id : {m_selection->current(), m_selection->hovered()}) {
        if (id.isEmpty() || forExport) continue;
        for (size_t r = 0; r < m_runs.size(); ++r) {
            if (m_runs[r]->id != id) continue;
            pointsOf(r);
            painter.setPen(QPen(palette().color(QPalette::Base), 5));
            painter.drawPolyline(points.data(), int(axes));
            painter.setPen(QPen(rgbColour(m_colours[r]), 2.5));
            painter.drawPolyline(points.data(), int(axes));
        }
    }
    // Brushes: the one being dragged follows the mouse; the others show what they select.
    const QColor highlight = palette().color(QPalette::Highlight);
    QColor fill = highlight;
    fill.setAlpha(50);
    for (size_t a = 0; a < axes; ++a) {
        const ParallelAxis& axis = m_axes[a];
        const auto& brushes = m_selection->brushes().brushes(axis.column());
        std::vector<std::pair<float, float>> spans;
        for (const AxisBrush& brush : brushes)
            spans.push_back(axis.span(brush));
        if (m_dragAxis == int(a) && m_drag != Drag::None && m_drag != Drag::MoveAxis && m_moved) {
            const std::pair<float, float> dragged{std::min(m_dragU0, m_dragU1),
                                                  std::max(m_dragU0, m_dragU1)};
            if (m_dragBrush < int(spans.size()))
                spans[size_t(m_dragBrush)] = dragged;
            else
                spans.push_back(dragged);
        }
        for (const auto& [u0, u1] : spans) {
            const QRectF rect(QPointF(layout.xs[a] - 7, layout.y(u1) - 2),
                              QPointF(layout.xs[a] + 7, layout.y(u0) + 2));
            painter.setPen(QPen(highlight, 1.5));
            painter.setBrush(fill);
            painter.drawRect(rect);
        }
    }
    painter.setBrush(Qt::NoBrush);
    if (m_colouring.byColumn()) drawColourBar(painter, layout);
    if (m_drag == Drag::MoveAxis && m_moved) {
        painter.setPen(QPen(highlight, 2, Qt::DashLine));
        painter.drawLine(QPointF(m_axisDragPos.x(), layout.plot.top()),
                         QPointF(m_axisDragPos.x(), layout.plot.bottom()));
    }
}

int ParallelView::axisAt(QPointF pos, const Layout& layout, bool titles) const {
    for (size_t a = 0; a < layout.xs.size(); ++a) {
        if (titles) {
            const float half = layout.xs.size() > 1 ? (layout.xs[1] - layout.xs[0]) / 2 : 80;
            if (pos.y() < layout.plot.top() - 4 && std::abs(pos.x() - layout.xs[a]) < half)
                return int(a);
        } else if (std::abs(pos.x() - layout.xs[a]) <= kAxisGrab && pos.y() >= layout.y(1) - 6 &&
                   pos.y() <= layout.y(m_axes[a].bottom()) + 10) {
            return int(a);
        }
    }
    return -1;
}

int ParallelView::brushAt(int axis, float y, const Layout& layout, int* edge) const {
    const ParallelAxis& a = m_axes[size_t(axis)];
    const auto& brushes = m_selection->brushes().brushes(a.column());
    for (size_t b = 0; b < brushes.size(); ++b) {
        const auto [u0, u1] = a.span(brushes[b]);
        const float top = layout.y(u1) - 2, bottom = layout.y(u0) + 2;
        if (y < top - kEdgeGrab || y > bottom + kEdgeGrab) continue;
        *edge = std::abs(y - top) <= kEdgeGrab ? 1 : std::abs(y - bottom) <= kEdgeGrab ? -1 : 0;
        return int(b);
    }
    return -1;
}

int ParallelView::runAt(QPointF pos, const Layout& layout) const {
    if (m_axes.empty() || m_runs.empty()) return -1;
    const size_t axes = m_axes.size();
    size_t seg = 0;
    float t = 0;
    if (axes > 1) {
        if (pos.x() < layout.xs.front() || pos.x() > layout.xs.back()) return -1;
        while (seg + 2 < axes && pos.x() > layout.xs[seg + 1])
            ++seg;
        t = (float(pos.x()) - layout.xs[seg]) / (layout.xs[seg + 1] - layout.xs[seg]);
    }
    int best = -1;
    float bestDistance = 5;
    bool bestIn = false;
    for (size_t r = 0; r < m_runs.size(); ++r) {
        const float y0 = layout.y(m_u[r * axes + seg]);
        const float y1 = axes > 1 ? layout.y(m_u[r * axes + seg + 1]) : y0;
        const float d = std::abs(y0 + (y1 - y0) * t - float(pos.y()));
        const bool in = m_in[r];
        // Runs inside the brushes win over the grey ones beneath them.
        if ((in && !bestIn && d <= 5) || ((in == bestIn || best < 0) && d < bestDistance)) {
            best = int(r);
            bestDistance = d;
            bestIn = in;
        }
    }
    return best;
}

void ParallelView::commit(const BrushSet& brushes) {
    m_selection->setBrushes(brushes, m_catalog->runs());
}

void ParallelView::brushAxis(int axis, float u0, float u1) {
    if (axis < 0 || axis >= int(m_axes.size())) return;
    const ParallelAxis& a = m_axes[size_t(axis)];
    BrushSet brushes = m_selection->brushes();
    std::vector<AxisBrush> list = brushes.brushes(a.column());
    list.push_back(a.brushBetween(u0, u1));
    brushes.setBrushes(a.column(), std::move(list));
    commit(brushes);
}

void ParallelView::clearBrushes() {
    commit({});
}

void ParallelView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const Layout layout = layoutFor(size());
    const QPointF pos = event->position();
    m_pressPos = pos;
    m_moved = false;
    m_drag = Drag::None;
    if (const int title = axisAt(pos, layout, true); title >= 0) {
        m_drag = Drag::MoveAxis;
        m_dragAxis = title;
        m_axisDragPos = pos;
        return;
    }
    const int axis = axisAt(pos, layout, false);
    if (axis < 0) return;
    m_dragAxis = axis;
    int edge = 0;
    const int brush = brushAt(axis, float(pos.y()), layout, &edge);
    const float u = layout.u(float(pos.y()));
    if (brush >= 0) {
        m_dragBrush = brush;
        const auto span = m_axes[size_t(axis)].span(
            m_selection->brushes().brushes(m_axes[size_t(axis)].column())[size_t(brush)]);
        m_pressU0 = span.first;
        m_pressU1 = span.second;
        m_drag = edge > 0 ? Drag::ResizeHigh : edge < 0 ? Drag::ResizeLow : Drag::MoveBrush;
        m_dragU0 = m_pressU0;
        m_dragU1 = m_pressU1;
    } else {
        m_dragBrush = int(m_selection->brushes().brushes(m_axes[size_t(axis)].column()).size());
        m_drag = Drag::NewBrush;
        m_dragU0 = m_dragU1 = u;
    }
}

void ParallelView::mouseMoveEvent(QMouseEvent* event) {
    const Layout layout = layoutFor(size());
    const QPointF pos = event->position();
    if (m_drag == Drag::None) {
        const int run = runAt(pos, layout);
        m_selection->setHovered(run >= 0 ? m_runs[size_t(run)]->id : RunId());
        setCursor(axisAt(pos, layout, true) >= 0    ? Qt::OpenHandCursor
                  : axisAt(pos, layout, false) >= 0 ? Qt::CrossCursor
                                                    : Qt::ArrowCursor);
        return;
    }
    if (!m_moved && (pos - m_pressPos).manhattanLength() < 3) return;
    m_moved = true;
    if (m_drag == Drag::MoveAxis) {
        m_axisDragPos = pos;
        setCursor(Qt::ClosedHandCursor);
        update();
        return;
    }
    const float u = layout.u(float(pos.y()));
    const float d = u - layout.u(float(m_pressPos.y()));
    switch (m_drag) {
        case Drag::NewBrush:
            m_dragU1 = u;
            break;
        case Drag::MoveBrush:
            m_dragU0 = m_pressU0 + d;
            m_dragU1 = m_pressU1 + d;
            break;
        case Drag::ResizeLow:
            m_dragU0 = m_pressU0 + d;
            break;
        case Drag::ResizeHigh:
            m_dragU1 = m_pressU1 + d;
            break;
        default:
            break;
    }
    const ParallelAxis& axis = m_axes[size_t(m_dragAxis)];
    BrushSet brushes = m_selection->brushes();
    std::vector<AxisBrush> list = brushes.brushes(axis.column());
    const AxisBrush brush = axis.brushBetween(m_dragU0, m_dragU1);
    // The dragged brush goes last; while it covers nothing (dragged off the axis) it is left
    // out, and comes back if the mouse returns.
    if (m_dragBrush < int(list.size())) list.erase(list.begin() + m_dragBrush);
    if (!brush.isEmpty()) list.push_back(brush);
    m_dragBrush = int(list.size()) - (brush.isEmpty() ? 0 : 1);
    brushes.setBrushes(axis.column(), std::move(list));
    commit(brushes);
}

void ParallelView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const Layout layout = layoutFor(size());
    const QPointF pos = event->position();
    const Drag drag = std::exchange(m_drag, Drag::None);
    if (drag == Drag::MoveAxis && m_moved) {
        int target = 0;
        float best = 1e9f;
        for (size_t a = 0; a < layout.xs.size(); ++a)
            if (std::abs(layout.xs[a] - float(pos.x())) < best)
                best = std::abs(layout.xs[a] - float(pos.x())), target = int(a);
        moveAxis(m_dragAxis, target);
    } else if (drag == Drag::MoveBrush && !m_moved) {
        // A click on a brush removes it.
        const ParallelAxis& axis = m_axes[size_t(m_dragAxis)];
        BrushSet brushes = m_selection->brushes();
        std::vector<AxisBrush> list = brushes.brushes(axis.column());
        if (m_dragBrush < int(list.size())) list.erase(list.begin() + m_dragBrush);
        brushes.setBrushes(axis.column(), std::move(list));
        commit(brushes);
    } else if (drag == Drag::None && !m_moved) {
        const int run = runAt(pos, layout);
        if (run >= 0) m_selection->setCurrent(m_runs[size_t(run)]->id);
    }
    m_dragAxis = -1;
    m_moved = false;
    setCursor(Qt::ArrowCursor);
    update();
}

void ParallelView::mouseDoubleClickEvent(QMouseEvent* event) {
    const Layout layout = layoutFor(size());
    const int axis = axisAt(event->position(), layout, false);
    if (axis < 0) return;
    BrushSet brushes = m_selection->brushes();
    brushes.setBrushes(m_axes[size_t(axis)].column(), {});
    commit(brushes);
}

void ParallelView::leaveEvent(QEvent*) {
    if (m_drag == Drag::None) m_selection->setHovered({});
}

void ParallelView::contextMenuEvent(QContextMenuEvent* event) {
    const Layout layout = layoutFor(size());
    int axis = axisAt(event->pos(), layout, true);
    if (axis < 0) axis = axisAt(event->pos(), layout, false);
    QMenu menu(this);
    if (axis >= 0) {
        const ParallelAxis& a = m_axes[size_t(axis)];
        QAction* log =
            menu.addAction(tr("Log Scale"), this, [this, axis](bool on) { setAxisLog(axis, on); });
        log->setCheckable(true);
        log->setChecked(a.scale() == ParallelAxis::Scale::Log);
        log->setEnabled(a.isNumeric());
        QAction* invert = menu.addAction(tr("Invert"), this,
                                         [this, axis](bool on) { setAxisInverted(axis, on); });
        invert->setCheckable(true);
        invert->setChecked(a.inverted());
        menu.addAction(tr("Colour Runs by %1").arg(a.column().name), this,
                       [this, key = a.column().key()] { setColouring(key, false); });
        menu.addAction(tr("Clear Brushes on This Axis"), this, [this, column = a.column()] {
            BrushSet brushes = m_selection->brushes();
            brushes.setBrushes(column, {});
            commit(brushes);
        });
        menu.addAction(tr("Remove Axis"), this, [this, axis] { removeAxis(axis); });
        menu.addSeparator();
    }
    menu.addAction(tr("Clear All Brushes"), this, &ParallelView::clearBrushes)
        ->setEnabled(m_selection->isBrushActive());
    menu.exec(event->globalPos());
}

bool ParallelView::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip) return QWidget::event(event);
    auto* help = static_cast<QHelpEvent*>(event);
    const Layout layout = layoutFor(size());
    const QPointF pos = help->pos();
    QString text;
    if (const int title = axisAt(pos, layout, true); title >= 0) {
        const ParallelAxis& axis = m_axes[size_t(title)];
        text = axis.column().key();
        const auto& brushes = m_selection->brushes().brushes(axis.column());
        for (const AxisBrush& brush : brushes)
            text += u'\n' + brush.expression(axis.column());
    } else if (const int axis = axisAt(pos, layout, false); axis >= 0) {
        // The tick under the mouse, in full (labels on the axis may be elided).
        float best = 6;
        for (const ParallelAxis::Tick& tick : m_axes[size_t(axis)].ticks()) {
            if (tick.label.isEmpty()) continue;  // a minor tick
            const float d = std::abs(layout.y(tick.u) - float(pos.y()));
            if (d < best) best = d, text = tick.label;
        }
    }
    if (text.isEmpty()) {
        const int run = runAt(pos, layout);
        if (run >= 0) {
            const Run& r = *m_runs[size_t(run)];
            text = r.name.isEmpty() ? r.nativeId : r.name;
            for (const ParallelAxis& axis : m_axes) {
                const CellValue v = cellValue(r, axis.column());
                text += QStringLiteral("\n%1: %2")
                            .arg(axis.column().name,
                                 v.kind == CellValue::Kind::Missing ? tr("missing") : v.text);
            }
        }
    }
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(help->globalPos(), text, this);
    return true;
}

QByteArray ParallelView::toCsv() const {
    return columnsToCsv(m_runs, columns());
}

void ParallelView::renderInto(QPainter& painter, QSize size) {
    paintView(painter, layoutFor(size), true);
}

bool ParallelView::saveAs(const QString& path, QSize size, qreal scale) {
    return saveView(
        path, size, scale, tr("Parallel coordinates"), palette().color(QPalette::Base),
        [this, size](QPainter& painter) { renderInto(painter, size); }, [this] { return toCsv(); });
}

}  // namespace runlens
