#include "MetricChart.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsItem>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QMouseEvent>
#include <QPaintEngine>
#include <QPainter>
#include <QRubberBand>
#include <QSvgGenerator>
#include <QTimer>
#include <QToolTip>
#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include "PlotItem.h"
#include "SaveView.h"
#include "analysis/AxisTicks.h"
#include "analysis/Decimation.h"
#include "export/CurveCsv.h"
#include "model/NumberText.h"

namespace runlens {

namespace {
constexpr size_t kLegendCap = 40;  // lines with a legend entry of their own, at most
}  // namespace

MetricChart::MetricChart(const QString& metric, QWidget* parent)
    : QChartView(parent), m_metric(metric) {
    auto* chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setTitle(metric);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 240);
    setMouseTracking(true);
    setRubberBand(QChartView::NoRubberBand);
    setContextMenuPolicy(Qt::NoContextMenu);  // the right button draws the zoom box
    m_crosshair = new QGraphicsLineItem;
    m_crosshair->setPen(QPen(QColor(120, 120, 120, 160), 0, Qt::DashLine));
    m_crosshair->setZValue(1000);
    m_crosshair->hide();
    chart->scene()->addItem(m_crosshair);
    m_box = new QRubberBand(QRubberBand::Rectangle, viewport());
    // Our lines are one item over the plot area: repaint the whole view each time (a few
    // thousand reduced points) and follow every change of the plot area, or partial updates
    // leave pieces of old lines on screen.
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    m_plot = new PlotItem(this);
    connect(chart, &QChart::plotAreaChanged, this, [this] { m_plot->refresh(); });
    m_idle = new QTimer(this);
    m_idle->setSingleShot(true);
    m_idle->setInterval(150);
    connect(m_idle, &QTimer::timeout, this, [this] {
        m_moving = false;
        m_plot->update();
    });
    chart->scene()->addItem(m_plot);
    followPalette();
}

// Qt Charts has themes of its own; pick the dark one under a dark palette.
void MetricChart::followPalette() {
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    const QChart::ChartTheme theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (chart()->theme() == theme) return;
    chart()->setTheme(theme);
    chart()->setBackgroundRoundness(0);
    applyPens();  // a theme resets series pens
}

QByteArray MetricChart::toCsv() const {
    std::vector<bool> visible;
    for (const Drawn& d : m_drawn)
        visible.push_back(d.visible);
    return curvesCsv(m_metric, m_curves, visible);
}

void MetricChart::renderInto(QPainter& painter, QSize size) {
    const QSize before = this->size();
    resize(size);  // the layout and the reduction follow the size asked for
    chart()->resize(size);
    if (chart()->layout()) chart()->layout()->activate();  // the plot area of this size
    fitLegend();
    redraw();
    if (chart()->layout()) chart()->layout()->activate();  // the axes' new ticks
    render(&painter, QRectF(QPointF(0, 0), size), QRect(QPoint(0, 0), size));
    resize(before);
    chart()->resize(before);
    if (chart()->layout()) chart()->layout()->activate();
    fitLegend();
    redraw();
}

bool MetricChart::saveAs(const QString& path, QSize size, qreal scale) {
    return saveView(
        path, size, scale, m_metric, palette().color(QPalette::Window),
        [this, size](QPainter& painter) { renderInto(painter, size); }, [this] { return toCsv(); });
}

void MetricChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) followPalette();
    QChartView::changeEvent(event);
}

void MetricChart::setCurves(std::vector<Curve> curves, XKind xKind, bool logY,
                            const QString& xLabel) {
    const bool keepZoom = xKind == m_xKind && xLabel == m_xLabel && !m_curves.empty() &&
                          (m_xMin != m_fullMin || m_xMax != m_fullMax);
    // Zoomed in at the right edge: the view follows new data there (live), keeping its width.
    const bool followEdge = keepZoom && m_xMax >= m_fullMax;
    const double oldWidth = m_xMax - m_xMin;
    m_xLabel = xLabel;
    QList<RunId> hiddenRuns;  // lines the user hid in the legend stay hidden
    for (size_t i = 0; i < m_curves.size() && i < m_drawn.size(); ++i)
        if (!m_drawn[i].visible) hiddenRuns << m_curves[i].run;
    m_curves = std::move(curves);
    m_xKind = xKind;
    m_logY = logY;  // the panel's choice; a chart's own menu may override it
    m_fullMin = INFINITY;
    m_fullMax = -INFINITY;
    for (const Curve& c : m_curves)
        if (!c.xs.empty()) {
            m_fullMin = std::min(m_fullMin, c.xs.front());
            m_fullMax = std::max(m_fullMax, c.xs.back());
        }
    if (!std::isfinite(m_fullMin)) m_fullMin = 0, m_fullMax = 1;
    // One x value (a metric logged once, an Optuna trial's objective): the points sit in the
    // middle of the chart, not on its edge.
    if (m_fullMax == m_fullMin) m_fullMin -= 0.5, m_fullMax += 0.5;
    if (!keepZoom) {
        m_xMin = m_fullMin, m_xMax = m_fullMax;
        m_boxY.reset();
    } else if (followEdge && m_fullMax > m_xMax) {
        m_xMax = m_fullMax;
        m_xMin = std::max(m_fullMin, m_fullMax - oldWidth);
    }

    chart()->removeAllSeries();
    m_drawn.clear();
    m_nonPositive = 0;
    for (const Curve& c : m_curves) {
        const QColor colour(QRgb(c.colour));
        Drawn drawn;
        if (!c.low.empty()) {
            drawn.band = new QAreaSeries(new QLineSeries, new QLineSeries);
            QColor fill = colour;
            fill.setAlpha(50);
            drawn.band->setBrush(fill);
            drawn.band->setPen(Qt::NoPen);
            chart()->addSeries(drawn.band);
        }
        // Legend entries for the first lines; the rest are counted in one "+N more" entry.
        if (m_drawn.size() < kLegendCap) {
            drawn.legend = new QLineSeries;
            drawn.legend->setName(c.name);
            chart()->addSeries(drawn.legend);
        }
        drawn.visible = !hiddenRuns.contains(c.run);
        drawn.blocks.build(c.ys.data(), c.ys.size());
        if (!c.rawYs.empty()) drawn.rawBlocks.build(c.rawYs.data(), c.rawYs.size());
        m_drawn.push_back(drawn);
        for (double y : c.ys)
            m_nonPositive += (y <= 0) ? 1 : 0;
    }
    addLegendOverflow();
    // The legend names each line and hides or shows it on a click; hovering an entry shows the
    // run's whole name. Only lines are listed (not bands).
    for (QLegendMarker* marker : chart()->legend()->markers()) {
        const auto* series = marker->series();
        int curve = -1;
        for (size_t i = 0; i < m_drawn.size(); ++i)
            if (m_drawn[i].legend == series) curve = int(i);
        if (series == m_more) {
            connect(marker, &QLegendMarker::hovered, this, [this](bool on) {
                if (on) QToolTip::showText(QCursor::pos(), m_moreText, this);
            });
            continue;
        }
        if (curve < 0) {
            marker->setVisible(false);
            continue;
        }
        connect(marker, &QLegendMarker::clicked, this,
                [this, curve] { setCurveVisible(curve, !isCurveVisible(curve)); });
        connect(marker, &QLegendMarker::hovered, this, [this, curve](bool on) {
            const Curve& c = m_curves[size_t(curve)];
            if (on) QToolTip::showText(QCursor::pos(), c.title(), this);
        });
    }
    fitLegend();
    applyPens();
    rebuildAxes();
    redraw();
}

// The legend's last entry, "+N more", stands for the lines it has no room for.
void MetricChart::addLegendOverflow() {
    m_more = nullptr;
    m_moreText.clear();
    if (m_curves.size() <= 3) return;  // always room for three
    m_more = new QLineSeries;
    m_more->setPen(QPen(Qt::transparent));
    chart()->addSeries(m_more);
}

// About one legend row per 150 px of height and one entry per 140 px of width: the first lines
// get entries, a last one counts the others (their names on hover).
void MetricChart::fitLegend() {
    if (!m_more) return;
    const size_t room = size_t(std::max(3, width() / 140) * std::max(1, height() / 150));
    const size_t shown = m_curves.size() <= room ? m_curves.size() : room - 1;
    for (QLegendMarker* marker : chart()->legend()->markers()) {
        if (marker->series() == m_more) {
            marker->setVisible(shown < m_curves.size());
            continue;
        }
        for (size_t i = 0; i < m_drawn.size(); ++i)
            if (m_drawn[i].legend && m_drawn[i].legend == marker->series())
                marker->setVisible(i < shown);
    }
    QStringList rest;
    for (size_t i = shown; i < m_curves.size(); ++i)
        rest << m_curves[i].title();
    m_more->setName(tr("+%1 more").arg(rest.size()));
    constexpr qsizetype kListed = 30;
    m_moreText = rest.mid(0, kListed).join(u'\n');
    if (rest.size() > kListed) m_moreText += tr("\n… and %1 more").arg(rest.size() - kListed);
}

void MetricChart::applyPens() {
    if (m_plot) m_plot->update();
    for (size_t i = 0; i < m_drawn.size(); ++i) {
        const QColor colour(QRgb(m_curves[i].colour));
        const bool highlighted = !m_highlighted.isEmpty() && m_curves[i].run == m_highlighted;
        if (m_drawn[i].band) m_drawn[i].band->setVisible(m_drawn[i].visible);
        if (!m_drawn[i].legend) continue;
        m_drawn[i].legend->setPen(QPen(colour, highlighted ? 3 : 1));
        if (auto markers = chart()->legend()->markers(m_drawn[i].legend); !markers.isEmpty()) {
            QFont font = markers.first()->font();
            if (font.strikeOut() == m_drawn[i].visible) {
                font.setStrikeOut(!m_drawn[i].visible);
                markers.first()->setFont(font);
            }
        }
    }
}

// Both axes are category axes with their labels on values: the ticks and their text come from
// analysis/AxisTicks (round numbers, durations, clock times, decades), the same as every other
// axis RunLens draws. A log y axis is laid out in log10 units.
void MetricChart::rebuildAxes() {
    for (QAbstractAxis* axis : chart()->axes()) {
        chart()->removeAxis(axis);
        delete axis;
    }
    auto* x = new QCategoryAxis;
    auto* y = new QCategoryAxis;
    for (QCategoryAxis* axis : {x, y})
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    x->setTitleText(m_xKind == XKind::Step           ? tr("step")
                    : m_xKind == XKind::Metric       ? m_xLabel
                    : m_xKind == XKind::RelativeTime ? tr("time since start")
                                                     : tr("wall time"));
    chart()->addAxis(x, Qt::AlignBottom);
    chart()->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : chart()->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

std::vector<AxisTick> MetricChart::xTicks() const {
    const int room = std::max(2, int(chart()->plotArea().width() / 110) + 1);
    switch (m_xKind) {
        case XKind::WallTime:
            return wallTimeTicks(m_xMin, m_xMax, room);
        case XKind::RelativeTime:
            return durationTicks(m_xMin, m_xMax, room);
        case XKind::Step:
            return linearTicks(m_xMin, m_xMax, room, true);
        case XKind::Metric:
            break;
    }
    return linearTicks(m_xMin, m_xMax, room);
}

std::vector<AxisTick> MetricChart::yTicks() const {
    const int room = std::max(2, int(chart()->plotArea().height() / 50) + 1);
    return logY() ? logTicks(m_yMin, m_yMax, room) : linearTicks(m_yMin, m_yMax, room);
}

namespace {

// Sets a category axis to [min, max] with a labelled line at each tick.
void placeTicks(QAbstractAxis* axis, double min, double max, const std::vector<AxisTick>& ticks,
                bool log) {
    auto* category = qobject_cast<QCategoryAxis*>(axis);
    if (!category) return;
    for (const QString& label : category->categoriesLabels())
        category->remove(label);
    category->setRange(min, max);
    category->setStartValue(min);
    double last = min;
    for (const AxisTick& t : ticks) {
        if (t.label.isEmpty()) continue;
        const double at = log ? std::log10(t.value) : t.value;
        // Category ends must rise: a tick at the very start sits a hair inside it.
        const double end = at > last ? at : std::nextafter(last, INFINITY);
        if (end > max) break;
        category->append(t.label, end);
        last = end;
    }
}

}  // namespace

void MetricChart::setXRange(double xMin, double xMax) {
    if (!(xMax > xMin)) return;
    m_moving = true;
    m_idle->start();
    m_xMin = xMin;
    m_xMax = xMax;
    redraw();
}

void MetricChart::resetZoom() {
    m_boxY.reset();
    setXRange(m_fullMin, m_fullMax);
}

void MetricChart::setClipOutliers(bool on) {
    m_clip = on;
    redraw();
}

std::pair<double, double> MetricChart::yRange() const {
    return {m_yMin, m_yMax};
}

void MetricChart::setHighlighted(const RunId& run) {
    if (run == m_highlighted) return;
    m_highlighted = run;
    applyPens();
}

void MetricChart::setCurveVisible(int curve, bool visible) {
    if (curve < 0 || size_t(curve) >= m_drawn.size()) return;
    m_drawn[size_t(curve)].visible = visible;
    applyPens();
    redraw();
}

bool MetricChart::isCurveVisible(int curve) const {
    return curve >= 0 && size_t(curve) < m_drawn.size() && m_drawn[size_t(curve)].visible;
}

void MetricChart::setLegendPrefix(const QString& prefix) {
    if (prefix == m_legendPrefix) return;
    m_legendPrefix = prefix;
    updateTitle();
}

void MetricChart::updateTitle() {
    QStringList notes;
    if (!m_legendPrefix.isEmpty()) notes << tr("runs %1…").arg(m_legendPrefix);
    if (logY() && m_nonPositive)
        notes << tr("%1 values ≤ 0 not shown on the log axis").arg(m_nonPositive);
    if (m_clipped) notes << tr("y clipped to the 1st–99th percentile");
    chart()->setTitle(notes.isEmpty()
                          ? m_metric
                          : m_metric + QStringLiteral(" — ") + notes.join(QStringLiteral("; ")));
}

// Reduce every curve to the visible range at about two points a pixel column, then set the
// axes to what is visible.
void MetricChart::redraw() {
    const int columns = std::max(50, int(chart()->plotArea().width()));
    std::vector<QPointF> points;
    std::vector<double> visibleYs;  // for the percentile clip
    double yMin = INFINITY, yMax = -INFINITY;
    auto reduce = [&](const std::vector<double>& xs, const std::vector<double>& ys,
                      const MinMaxBlocks* blocks, std::vector<QPointF>& into, bool track) {
        decimate(xs.data(), ys.data(), xs.size(), m_xMin, m_xMax, columns, into, blocks);
        if (!track) return;
        for (const QPointF& p : into)
            if (!(logY() && p.y() <= 0) && p.x() >= m_xMin && p.x() <= m_xMax)
                yMin = std::min(yMin, p.y()), yMax = std::max(yMax, p.y());
    };
    // Every curve is reduced on its own: on the pool's threads, each keeping its y range.
    std::vector<std::pair<double, double>> ranges(m_curves.size(), {INFINITY, -INFINITY});
    std::vector<size_t> order(m_curves.size());
    std::iota(order.begin(), order.end(), size_t(0));
    auto reduceCurve = [&](size_t i) {
        const Curve& c = m_curves[i];
        Drawn& d = m_drawn[i];
        if (!c.rawYs.empty())
            decimate(c.xs.data(), c.rawYs.data(), c.xs.size(), m_xMin, m_xMax, columns, d.rawPoints,
                     &d.rawBlocks);
        else
            d.rawPoints.clear();
        decimate(c.xs.data(), c.ys.data(), c.xs.size(), m_xMin, m_xMax, columns, d.points,
                 &d.blocks);
        if (!d.visible) return;
        // The y range fits the raw points too: smoothing never hides the data.
        auto& [lo, hi] = ranges[i];
        for (const auto* points : {&d.points, &d.rawPoints})
            for (const QPointF& p : *points)
                if (!(logY() && p.y() <= 0) && p.x() >= m_xMin && p.x() <= m_xMax)
                    lo = std::min(lo, p.y()), hi = std::max(hi, p.y());
    };
    size_t total = 0;
    for (const Curve& c : m_curves)
        total += c.xs.size();
    if (total > 200'000)
        QtConcurrent::blockingMap(order, reduceCurve);
    else
        std::for_each(order.begin(), order.end(), reduceCurve);
    for (const auto& [lo, hi] : ranges)
        yMin = std::min(yMin, lo), yMax = std::max(yMax, hi);
    for (size_t i = 0; i < m_curves.size(); ++i) {
        const Curve& c = m_curves[i];
        Drawn& d = m_drawn[i];
        if (d.band) {
            std::vector<QPointF> band;
            auto toList = [&](const std::vector<QPointF>& v) {
                QList<QPointF> list;
                for (const QPointF& p : v)
                    if (!logY())
                        list.append(p);
                    else if (p.y() > 0)
                        list.append(QPointF(p.x(), std::log10(p.y())));
                return list;
            };
            reduce(c.xs, c.high, nullptr, band, d.visible);
            d.band->upperSeries()->replace(toList(band));
            reduce(c.xs, c.low, nullptr, band, d.visible);
            d.band->lowerSeries()->replace(toList(band));
        }
        if (m_clip && d.visible) {
            // Every visible value counts (a stride keeps this bounded on huge series).
            const auto from = std::lower_bound(c.xs.begin(), c.xs.end(), m_xMin) - c.xs.begin();
            const auto to = std::upper_bound(c.xs.begin(), c.xs.end(), m_xMax) - c.xs.begin();
            const size_t stride = std::max<size_t>(1, size_t(to - from) / 200'000);
            for (auto k = size_t(from); k < size_t(to); k += stride)
                if (std::isfinite(c.ys[k]) && !(logY() && c.ys[k] <= 0))
                    visibleYs.push_back(c.ys[k]);
        }
    }
    m_clipped = false;
    if (m_clip && visibleYs.size() >= 20) {
        auto at = [&](double q) {
            const auto k = size_t(q * double(visibleYs.size() - 1));
            std::nth_element(visibleYs.begin(), visibleYs.begin() + qsizetype(k), visibleYs.end());
            return visibleYs[k];
        };
        const double lo = at(0.01), hi = at(0.99);
        m_clipped = lo > yMin || hi < yMax;
        yMin = lo;
        yMax = hi;
    }
    if (m_boxY) std::tie(yMin, yMax) = *m_boxY;
    if (!std::isfinite(yMin)) yMin = logY() ? 0.1 : 0, yMax = 1;
    if (yMax == yMin) {
        const double pad = yMin == 0 ? 1 : std::abs(yMin) * 0.05;
        yMin -= logY() ? 0 : pad;
        yMax += pad;
    } else if (!logY() && !m_boxY) {
        const double pad = (yMax - yMin) * 0.04;
        yMin -= pad;
        yMax += pad;
    }
    m_yMin = yMin;
    m_yMax = yMax;
    const auto xAxes = chart()->axes(Qt::Horizontal);
    const auto yAxes = chart()->axes(Qt::Vertical);
    if (!xAxes.isEmpty()) placeTicks(xAxes.first(), m_xMin, m_xMax, xTicks(), false);
    if (!yAxes.isEmpty()) {
        if (logY())
            placeTicks(yAxes.first(), std::log10(yMin), std::log10(yMax), yTicks(), true);
        else
            placeTicks(yAxes.first(), yMin, yMax, yTicks(), false);
    }
    updateTitle();
    if (m_plot) m_plot->refresh();
}

size_t MetricChart::drawnPoints() const {
    size_t n = 0;
    for (const Drawn& d : m_drawn)
        n += d.visible ? d.points.size() : 0;
    return n;
}

double MetricChart::xAt(const QPoint& pos) const {
    const QRectF area = chart()->plotArea();
    return m_xMin + (pos.x() - area.left()) / area.width() * (m_xMax - m_xMin);
}

bool MetricChart::crosshairVisible() const {
    return m_crosshair->isVisible();
}

void MetricChart::showCrosshair(double x) {
    const QRectF area = chart()->plotArea();
    if (std::isnan(x) || x < m_xMin || x > m_xMax) {
        m_crosshair->hide();
        return;
    }
    const double px = area.left() + (x - m_xMin) / (m_xMax - m_xMin) * area.width();
    m_crosshair->setLine(px, area.top(), px, area.bottom());
    m_crosshair->show();
}

std::vector<MetricChart::Hit> MetricChart::hitsAt(double x) const {
    std::vector<Hit> hits;
    for (size_t k = 0; k < m_curves.size(); ++k) {
        const Curve& c = m_curves[k];
        if (c.xs.empty() || !m_drawn[k].visible) continue;
        const auto it = std::lower_bound(c.xs.begin(), c.xs.end(), x);
        size_t i = size_t(it - c.xs.begin());
        if (i == c.xs.size() || (i > 0 && x - c.xs[i - 1] < c.xs[i] - x)) --i;
        hits.push_back({std::abs(c.xs[i] - x), k, i});
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit& a, const Hit& b) { return a.distance < b.distance; });
    return hits;
}

QString MetricChart::xText(double x) const {
    switch (m_xKind) {
        case XKind::WallTime:
            return QDateTime::fromMSecsSinceEpoch(qint64(x)).toString(u"yyyy-MM-dd HH:mm:ss");
        case XKind::RelativeTime:
            return durationText(x);
        default:
            return shortNumberText(x);
    }
}

QStringList MetricChart::valuesAt(double x) const {
    QStringList lines;
    for (const Hit& h : hitsAt(x)) {
        const Curve& c = m_curves[h.curve];
        lines << QStringLiteral("%1: %2 (at %3)")
                     .arg(c.name, shortNumberText(c.ys[h.point]), xText(c.xs[h.point]));
    }
    return lines;
}

// TensorBoard's tooltip: each run's colour, name, smoothed and raw value, step and time, the
// run nearest the cursor first.
QString MetricChart::tooltipAt(double x) const {
    const std::vector<Hit> hits = hitsAt(x);
    if (hits.empty()) return {};
    bool smoothed = false, stepped = false, timed = false;
    for (const Hit& h : hits) {
        const Curve& c = m_curves[h.curve];
        smoothed = smoothed || !c.rawYs.empty();
        stepped = stepped || !c.steps.empty();
        timed = timed || !c.wallTimesMs.empty();
    }
    QString html = QStringLiteral(
                       "<table cellspacing=0 cellpadding=2><tr><th></th><th "
                       "align=left>%1</th>")
                       .arg(tr("Run"));
    if (smoothed) html += QStringLiteral("<th align=right>%1</th>").arg(tr("Smoothed"));
    html += QStringLiteral("<th align=right>%1</th>").arg(tr("Value"));
    if (stepped) html += QStringLiteral("<th align=right>%1</th>").arg(tr("Step"));
    if (timed) html += QStringLiteral("<th align=left>%1</th>").arg(tr("Time"));
    html += QStringLiteral("</tr>");
    constexpr size_t kRows = 12;
    for (size_t r = 0; r < hits.size() && r < kRows; ++r) {
        const Curve& c = m_curves[hits[r].curve];
        const size_t i = hits[r].point;
        html += QStringLiteral("<tr><td><span style='color:#%1'>&#9632;</span></td><td>%2</td>")
                    .arg(c.colour & 0xffffff, 6, 16, QLatin1Char('0'))
                    .arg(c.title().toHtmlEscaped());
        const double raw = c.rawYs.empty() ? c.ys[i] : c.rawYs[i];
        if (smoothed)
            html += QStringLiteral("<td align=right>%1</td>").arg(shortNumberText(c.ys[i]));
        html += QStringLiteral("<td align=right>%1</td>").arg(shortNumberText(raw));
        if (stepped)
            html += QStringLiteral("<td align=right>%1</td>")
                        .arg(i < c.steps.size() ? stepText(c.steps[i]) : QString());
        if (timed) {
            QString when;
            if (i < c.wallTimesMs.size() && !c.wallTimesMs.empty())
                when = QDateTime::fromMSecsSinceEpoch(qint64(c.wallTimesMs[i]))
                           .toString(u"yyyy-MM-dd HH:mm:ss") +
                       QStringLiteral(" (%1)").arg(
                           durationText((c.wallTimesMs[i] - c.wallTimesMs.front()) / 1000.0));
            html += QStringLiteral("<td>%1</td>").arg(when);
        }
        html += QStringLiteral("</tr>");
    }
    if (hits.size() > kRows)
        html += QStringLiteral("<tr><td></td><td colspan=5>%1</td></tr>")
                    .arg(tr("… %1 more runs").arg(hits.size() - kRows));
    return html + QStringLiteral("</table>");
}

RunId MetricChart::curveNear(const QPoint& pos, double maxPixels) const {
    const QRectF area = chart()->plotArea();
    if (!area.contains(pos) || m_yMax <= m_yMin) return {};
    const double x = xAt(pos);
    auto toPixelY = [&](double y) -> double {
        if (logY()) {
            if (y <= 0) return INFINITY;
            return area.bottom() - (std::log10(y) - std::log10(m_yMin)) /
                                       (std::log10(m_yMax) - std::log10(m_yMin)) * area.height();
        }
        return area.bottom() - (y - m_yMin) / (m_yMax - m_yMin) * area.height();
    };
    RunId best;
    double bestDistance = maxPixels;
    for (size_t k = 0; k < m_curves.size(); ++k) {
        const Curve& c = m_curves[k];
        if (c.xs.empty() || !m_drawn[k].visible) continue;
        const auto it = std::lower_bound(c.xs.begin(), c.xs.end(), x);
        if (it == c.xs.end() || it == c.xs.begin()) continue;
        const size_t i = size_t(it - c.xs.begin());
        // Linear between the two points around x, as the line is drawn.
        const double t = (x - c.xs[i - 1]) / (c.xs[i] - c.xs[i - 1]);
        const double y = c.ys[i - 1] + t * (c.ys[i] - c.ys[i - 1]);
        const double distance = std::abs(toPixelY(y) - pos.y());
        if (distance < bestDistance) bestDistance = distance, best = c.run;
    }
    return best;
}

void MetricChart::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    fitLegend();
    redraw();
}

void MetricChart::wheelEvent(QWheelEvent* event) {
    const double anchor = xAt(event->position().toPoint());
    const double factor = event->angleDelta().y() > 0 ? 0.8 : 1.25;
    setXRange(anchor - (anchor - m_xMin) * factor, anchor + (m_xMax - anchor) * factor);
    event->accept();
}

void MetricChart::mousePressEvent(QMouseEvent* event) {
    if (!chart()->plotArea().contains(event->pos())) {
        QChartView::mousePressEvent(event);  // the legend takes its clicks
        return;
    }
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_dragStart = event->pos();
        m_dragMin = m_xMin;
        m_dragMax = m_xMax;
        event->accept();
        return;
    }
    if (event->button() == Qt::RightButton) {
        m_boxStart = event->pos();
        m_box->setGeometry(QRect(m_boxStart, QSize()));
        m_box->show();
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void MetricChart::mouseMoveEvent(QMouseEvent* event) {
    if (m_dragging) {
        const double perPixel = (m_dragMax - m_dragMin) / chart()->plotArea().width();
        const double shift = (event->pos().x() - m_dragStart.x()) * perPixel;
        setXRange(m_dragMin - shift, m_dragMax - shift);
    }
    if (m_box->isVisible()) m_box->setGeometry(QRect(m_boxStart, event->pos()).normalized());
    const double x = xAt(event->pos());
    emit hovered(x);
    emit hoveredRun(curveNear(event->pos()));
    if (chart()->plotArea().contains(event->pos()))
        QToolTip::showText(event->globalPosition().toPoint(), tooltipAt(x), this);
    QChartView::mouseMoveEvent(event);
}

void MetricChart::mouseReleaseEvent(QMouseEvent* event) {
    m_dragging = false;
    if (event->button() == Qt::RightButton && m_box->isVisible()) {
        m_box->hide();
        const QRect box = QRect(m_boxStart, event->pos()).normalized();
        const QRectF area = chart()->plotArea();
        if (box.width() > 4 && box.height() > 4 && !logY()) {
            const double x0 = xAt(box.topLeft()), x1 = xAt(box.bottomRight());
            auto yAt = [&](int py) {
                return m_yMin + (area.bottom() - py) / area.height() * (m_yMax - m_yMin);
            };
            m_boxY = std::make_pair(yAt(box.bottom()), yAt(box.top()));
            setXRange(x0, x1);
        } else if (box.width() > 4) {
            setXRange(xAt(box.topLeft()), xAt(box.bottomRight()));
        } else {
            showMenu(event->globalPosition().toPoint());  // a right click, not a drag
        }
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void MetricChart::setOwnLogY(std::optional<bool> on) {
    m_ownLogY = on;
    rebuildAxes();
    redraw();
}

void MetricChart::showMenu(const QPoint& pos) {
    QMenu menu(this);
    QAction* log = menu.addAction(tr("Log y axis (this chart)"));
    log->setCheckable(true);
    log->setChecked(logY());
    connect(log, &QAction::toggled, this, [this](bool on) { setOwnLogY(on); });
    if (m_ownLogY)
        menu.addAction(tr("Y axis as in the toolbar"), this, [this] { setOwnLogY(std::nullopt); });
    menu.addAction(tr("Reset zoom"), this, &MetricChart::resetZoom);
    menu.addSeparator();
    menu.addAction(tr("Export this chart…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export"), m_metric.section(u'/', -1) + QStringLiteral(".png"),
            tr("PNG image, 2x (*.png);;SVG drawing (*.svg);;CSV of the drawn values (*.csv)"));
        if (!path.isEmpty()) saveAs(path, size(), 2);
    });
    menu.exec(pos);
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent* event) {
    resetZoom();
    event->accept();
}

void MetricChart::leaveEvent(QEvent* event) {
    emit hovered(NAN);
    emit hoveredRun({});
    QChartView::leaveEvent(event);
}

}  // namespace runlens
