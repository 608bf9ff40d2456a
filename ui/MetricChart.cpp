#include "MetricChart.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QContextMenuEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetrics>
#include <QGraphicsItem>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QRubberBand>
#include <QSvgGenerator>
#include <QTimer>
#include <QToolTip>
#include <algorithm>
#include <cmath>

#include "PlotItem.h"
#include "SaveView.h"
#include "analysis/AxisTicks.h"
#include "analysis/Decimation.h"
#include "export/CurveCsv.h"
#include "project/ThreadPriority.h"

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
    m_set = std::make_shared<CurveSet>();
    m_frame = std::make_shared<PlotFrame>();
    m_pool.setMaxThreadCount(1);
    m_plot = new PlotItem(this);
    // The axes of a new frame took more or less room: one frame more, of this size (once, so
    // labels whose width changes with the size cannot start a loop); until it arrives the last
    // one is laid over this area, scaled. Checked once the axes are laid out: new ticks pass
    // through a plot area of no labels at all, and a frame for that would be drawn for naught.
    m_refitCheck = new QTimer(this);
    m_refitCheck->setSingleShot(true);
    m_refitCheck->setInterval(0);
    connect(m_refitCheck, &QTimer::timeout, this, [this] {
        if (m_refit && !m_frame->image.isNull() && m_frame->view.size != currentView().size) {
            m_refit = false;
            requestFrame();
        }
    });
    connect(chart, &QChart::plotAreaChanged, this, [this] {
        m_plot->refresh();
        m_refitCheck->start();
    });
    m_idle = new QTimer(this);
    m_idle->setSingleShot(true);
    m_idle->setInterval(150);
    connect(m_idle, &QTimer::timeout, this, [this] {
        m_moving = false;
        if (m_frame->image.isNull())
            m_plot->update();
        else if (!(m_frame->view == currentView()))
            requestFrame();  // smooth again, if the lines are few
    });
    chart->scene()->addItem(m_plot);
    followPalette();
}

MetricChart::~MetricChart() {
    if (m_frameCancel) *m_frameCancel = true;
    m_pool.waitForDone();
    // The lines' points (2,000 runs' worth: 20 ms for the window) are freed on the pool.
    backgroundPool().start([set = std::move(m_set), frame = std::move(m_frame)]() mutable {
        lowerThreadPriority();
        set.reset();
        frame.reset();
    });
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
    std::vector<Curve> curves;
    for (size_t i = 0; i < m_drawn.size(); ++i) {
        visible.push_back(m_drawn[i].visible);
        curves.push_back(curve(i));
        curves.back().name = m_set->names[qsizetype(i)];
        curves.back().fullName = m_set->fullNames[qsizetype(i)];
    }
    return curvesCsv(m_metric, curves, visible);
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
    const QString prefix = m_legendPrefix;
    setCurveSet(CurveSet::of(std::move(curves)), xKind, logY, xLabel);
    setLegendPrefix(prefix);  // the caller's, said in the title
}

void MetricChart::setLoadingNote(const QString& note) {
    if (note == m_loadingNote) return;
    m_loadingNote = note;
    updateTitle();
}

void MetricChart::setCurveSet(std::shared_ptr<const CurveSet> set, XKind xKind, bool logY,
                              const QString& xLabel) {
    // A frame still being made of the lines these replace is of no use (while histories
    // arrive, new lines come every 150 ms and a 100-run frame takes ~70 ms).
    if (m_framePending && m_frameCancel) *m_frameCancel = true;
    const bool keepZoom = xKind == m_xKind && xLabel == m_xLabel && m_set->size() > 0 &&
                          (m_xMin != m_fullMin || m_xMax != m_fullMax);
    const bool axesUnchanged = xKind == m_xKind && xLabel == m_xLabel;
    // Zoomed in at the right edge: the view follows new data there (live), keeping its width.
    const bool followEdge = keepZoom && m_xMax >= m_fullMax;
    const double oldWidth = m_xMax - m_xMin;
    m_xLabel = xLabel;
    QList<RunId> hiddenRuns;  // lines the user hid in the legend stay hidden
    for (size_t i = 0; i < m_set->size() && i < m_drawn.size(); ++i)
        if (!m_drawn[i].visible) hiddenRuns << curve(i).run;
    m_set = std::move(set);
    m_legendPrefix = m_set->legendPrefix;
    m_xKind = xKind;
    m_logY = logY;  // the panel's choice; a chart's own menu may override it
    m_fullMin = INFINITY;
    m_fullMax = -INFINITY;
    for (const PreparedCurvePtr& prepared : m_set->curves)
        if (const Curve& c = prepared->curve; !c.xs.empty()) {
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

    // The legend as it was (the first lines' names and colours, no bands): kept as it is, as
    // while the runs of a big chart arrive; building it again costs Qt Charts milliseconds.
    QStringList legend;
    bool bands = false;
    for (size_t i = 0; i < m_set->size(); ++i) {
        bands = bands || !curve(i).low.empty();
        if (i < kLegendCap)
            legend << m_set->names[qsizetype(i)] + u'#' + QString::number(curve(i).colour);
    }
    legend << QString::number(m_set->size() > 3);
    const bool sameLegend = !bands && legend == m_legendKey && axesUnchanged;
    m_legendKey = bands ? QStringList() : legend;
    if (sameLegend) {
        m_drawn.resize(m_set->size());
        m_nonPositive = 0;
        for (size_t i = 0; i < m_set->size(); ++i) {
            m_drawn[i].visible = !hiddenRuns.contains(curve(i).run);
            m_nonPositive += int(m_set->curves[i]->nonPositive);
        }
        fitLegend();
        applyPens();
        redraw();
        return;
    }
    chart()->removeAllSeries();
    m_drawn.clear();
    m_nonPositive = 0;
    for (size_t i = 0; i < m_set->size(); ++i) {
        const Curve& c = curve(i);
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
            drawn.legend->setName(m_set->names[qsizetype(i)]);
            chart()->addSeries(drawn.legend);
        }
        drawn.visible = !hiddenRuns.contains(c.run);
        m_drawn.push_back(drawn);
        m_nonPositive += int(m_set->curves[i]->nonPositive);
    }
    addLegendOverflow();
    // The legend names each line and hides or shows it on a click; hovering an entry shows the
    // run's whole name. Only lines are listed (not bands).
    for (QLegendMarker* marker : chart()->legend()->markers()) {
        const auto* series = marker->series();
        int index = -1;
        for (size_t i = 0; i < m_drawn.size() && i < kLegendCap; ++i)
            if (m_drawn[i].legend == series) index = int(i);
        if (series == m_more) {
            connect(marker, &QLegendMarker::hovered, this, [this](bool on) {
                if (on) QToolTip::showText(QCursor::pos(), m_moreText, this);
            });
            continue;
        }
        if (index < 0) {
            marker->setVisible(false);
            continue;
        }
        connect(marker, &QLegendMarker::clicked, this,
                [this, index] { setCurveVisible(index, !isCurveVisible(index)); });
        connect(marker, &QLegendMarker::hovered, this, [this, index](bool on) {
            if (on) QToolTip::showText(QCursor::pos(), m_set->fullNames[index], this);
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
    if (m_set->size() <= 3) return;  // always room for three
    m_more = new QLineSeries;
    m_more->setPen(QPen(Qt::transparent));
    chart()->addSeries(m_more);
}

// As many entries as the legend's row holds, measured by their names; when not all fit, the
// last one counts the others (their names on hover). Qt Charts lays a legend under the plot out
// in one row whatever the chart's height (LegendLayout::setAttachedGeometry), cutting names
// that overflow it to "ru...".
void MetricChart::fitLegend() {
    if (!m_more) return;
    const QFontMetrics metrics(chart()->legend()->font());
    constexpr int kMarkerAndGap = 36;  // the marker, its gap to the name, and the next entry's
    const int rowWidth = std::max(200, width() - 40);
    int rows = 1;
    int left = rowWidth;
    auto place = [&](const QString& name) {
        const int w = metrics.horizontalAdvance(name) + kMarkerAndGap;
        if (w > left && left < rowWidth) {
            if (--rows == 0) return false;
            left = rowWidth;
        }
        left -= w;
        return true;
    };
    const QString moreExample = tr("+%1 more").arg(m_set->size());
    size_t shown = 0;
    for (size_t i = 0; i < m_drawn.size() && i < kLegendCap && m_drawn[i].legend; ++i) {
        const int rowsBefore = rows, leftBefore = left;
        if (!place(m_drawn[i].legend->name())) break;
        // Room kept for "+N more" after it, unless it is the last line.
        if (i + 1 < m_set->size()) {
            const int rowsAfter = rows, leftAfter = left;
            const bool moreFits = place(moreExample);
            rows = rowsAfter;
            left = leftAfter;
            if (!moreFits) {
                rows = rowsBefore;
                left = leftBefore;
                break;
            }
        }
        ++shown;
    }
    shown = std::max<size_t>(shown, 1);
    for (QLegendMarker* marker : chart()->legend()->markers()) {
        if (marker->series() == m_more) {
            marker->setVisible(shown < m_set->size());
            continue;
        }
        for (size_t i = 0; i < m_drawn.size() && i < kLegendCap; ++i)
            if (m_drawn[i].legend && m_drawn[i].legend == marker->series())
                marker->setVisible(i < shown);
    }
    const QStringList rest = m_set->fullNames.mid(qsizetype(shown));
    m_more->setName(tr("+%1 more").arg(rest.size()));
    constexpr qsizetype kListed = 30;
    m_moreText = rest.mid(0, kListed).join(u'\n');
    if (rest.size() > kListed) m_moreText += tr("\n… and %1 more").arg(rest.size() - kListed);
}

void MetricChart::applyPens() {
    if (m_plot) m_plot->update();
    for (size_t i = 0; i < m_drawn.size(); ++i) {
        const QColor colour(QRgb(curve(i).colour));
        const bool highlighted = !m_highlighted.isEmpty() && curve(i).run == m_highlighted;
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
    return xTicksFor(chart()->plotArea().width());
}

std::vector<AxisTick> MetricChart::yTicks() const {
    return yTicksFor(chart()->plotArea().height());
}

std::vector<AxisTick> MetricChart::xTicksFor(double plotWidth) const {
    const int room = std::max(2, int(plotWidth / 110) + 1);
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

std::vector<AxisTick> MetricChart::yTicksFor(double plotHeight) const {
    const int room = std::max(2, int(plotHeight / 50) + 1);
    return logY() ? logTicks(m_yMin, m_yMax, room) : linearTicks(m_yMin, m_yMax, room);
}

namespace {

// Sets a category axis to [min, max] with a labelled line at each tick.
void placeTicks(QAbstractAxis* axis, double min, double max, const std::vector<AxisTick>& ticks,
                bool log) {
    auto* category = qobject_cast<QCategoryAxis*>(axis);
    if (!category) return;
    std::vector<std::pair<QString, double>> wanted;
    double last = min;
    for (const AxisTick& t : ticks) {
        if (t.label.isEmpty()) continue;
        const double at = log ? std::log10(t.value) : t.value;
        // Category ends must rise: a tick at the very start sits a hair inside it.
        const double end = at > last ? at : std::nextafter(last, INFINITY);
        if (end > max) break;
        wanted.emplace_back(t.label, end);
        last = end;
    }
    // The same ticks over the same range (a resize, a frame of the same view): left alone, as
    // every change of a category lays the axis out again.
    const QStringList labels = category->categoriesLabels();
    bool same = category->min() == min && category->max() == max && category->startValue() == min &&
                labels.size() == qsizetype(wanted.size());
    for (size_t i = 0; same && i < wanted.size(); ++i)
        same = labels[qsizetype(i)] == wanted[i].first &&
               category->endValue(wanted[i].first) == wanted[i].second;
    if (same) return;
    for (const QString& label : labels)
        category->remove(label);
    category->setRange(min, max);
    category->setStartValue(min);
    for (const auto& [label, end] : wanted)
        category->append(label, end);
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
    if (m_clip == on) return;
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
    if (!m_loadingNote.isEmpty()) notes << m_loadingNote;
    chart()->setTitle(notes.isEmpty()
                          ? m_metric
                          : m_metric + QStringLiteral(" — ") + notes.join(QStringLiteral("; ")));
}

PlotView MetricChart::currentView() const {
    PlotView view;
    view.xMin = m_xMin;
    view.xMax = m_xMax;
    view.logY = logY();
    view.clip = m_clip;
    view.boxY = m_boxY;
    size_t visible = 0;
    for (const Drawn& d : m_drawn) {
        view.visible.push_back(d.visible);
        visible += d.visible ? 1 : 0;
    }
    view.size = chart()->plotArea().size().toSize().expandedTo(QSize(1, 1));
    view.dpr = devicePixelRatioF();
    view.background = backgroundColour(chart()->backgroundBrush());
    view.smooth = visible <= kAntialiasUpTo && !m_moving;
    return view;
}

// Reduce every curve to the visible range at about two points a pixel column, then set the
// axes to what is visible: here for a few points, on the chart's own thread for many.
void MetricChart::redraw() {
    const auto xAxes = chart()->axes(Qt::Horizontal);
    if (!xAxes.isEmpty()) placeTicks(xAxes.first(), m_xMin, m_xMax, xTicks(), false);
    if (drawsOnPool()) {
        m_refit = true;
        requestFrame();
        return;
    }
    if (m_frameCancel) *m_frameCancel = true;  // a frame on its way is out of date
    showFrame(std::make_shared<const PlotFrame>(*reducePlot(*m_set, currentView())));
}

bool MetricChart::drawsOnPool() const {
    return m_set->points() >= kPlotOnPoolFrom || m_set->size() >= kPlotOnPoolFromCurves;
}

// One frame is made at a time; a view asked for meanwhile is made next (the newest wins). It
// is made in two steps on the chart's thread: the reduction, whose y range the axes take at
// once (their labels may take more or less room), then the drawing, at the plot's size
// then; so a zoom draws its lines once, not once more for every change of the labels' width.
void MetricChart::requestFrame() {
    if (m_framePending) {
        m_frameAgain = m_frameAgain || !(currentView() == m_pendingView);
        return;
    }
    m_framePending = true;
    m_frameAgain = false;
    m_pendingView = currentView();
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_frameCancel = cancel;
    m_pool.start([this, set = m_set, view = m_pendingView, cancel] {
        lowerThreadPriority();
        std::optional<PlotFrame> frame = reducePlot(*set, view, cancel.get());
        std::shared_ptr<PlotFrame> reduced;
        if (frame && !*cancel) reduced = std::make_shared<PlotFrame>(std::move(*frame));
        QMetaObject::invokeMethod(
            this, [this, reduced, set] { takeReduced(reduced, set); }, Qt::QueuedConnection);
    });
}

void MetricChart::takeReduced(std::shared_ptr<PlotFrame> frame,
                              const std::shared_ptr<const CurveSet>& set) {
    if (set != m_set || !frame) {
        takeFrame(nullptr, set);
        return;
    }
    setYAxis(frame->yMin, frame->yMax);
    if (chart()->layout()) chart()->layout()->activate();  // the plot area for these labels
    if (!(frame->view == currentView())) {
        takeFrame(nullptr, set);  // resized, zoomed or hidden meanwhile: the newest view next
        return;
    }
    auto cancel = m_frameCancel;
    m_pool.start([this, frame, set, cancel] {
        std::shared_ptr<const PlotFrame> made;
        if (!*cancel && drawPlotImage(*frame, *set, cancel.get())) made = frame;
        QMetaObject::invokeMethod(
            this, [this, made, set] { takeFrame(made, set); }, Qt::QueuedConnection);
    });
}

void MetricChart::takeFrame(std::shared_ptr<const PlotFrame> frame,
                            const std::shared_ptr<const CurveSet>& set) {
    m_framePending = false;
    const bool current = set == m_set && frame;
    if (frame) ++m_framesDrawn;
    if (current) showFrame(std::move(frame));
    // Made for curves since replaced, or the view moved on: the newest view next.
    if ((m_frameAgain || !current) && drawsOnPool()) requestFrame();
}

void MetricChart::showFrame(std::shared_ptr<const PlotFrame> frame) {
    m_frame = std::move(frame);
    m_yMin = m_frame->yMin;
    m_yMax = m_frame->yMax;
    m_clipped = m_frame->clipped;
    for (size_t i = 0; i < m_drawn.size() && i < m_frame->bandHigh.size(); ++i) {
        Drawn& d = m_drawn[i];
        if (!d.band) continue;
        auto toList = [&](const std::vector<QPointF>& v) {
            QList<QPointF> list;
            for (const QPointF& p : v)
                if (!logY())
                    list.append(p);
                else if (p.y() > 0)
                    list.append(QPointF(p.x(), std::log10(p.y())));
            return list;
        };
        d.band->upperSeries()->replace(toList(m_frame->bandHigh[i]));
        d.band->lowerSeries()->replace(toList(m_frame->bandLow[i]));
    }
    setYAxis(m_yMin, m_yMax);
    updateTitle();
    if (m_plot) m_plot->refresh();
}

void MetricChart::setYAxis(double yMin, double yMax) {
    m_yMin = yMin;
    m_yMax = yMax;
    placeAxisTicks(chart()->plotArea().size());
}

void MetricChart::placeAxisTicks(QSizeF plot) {
    const auto xAxes = chart()->axes(Qt::Horizontal);
    const auto yAxes = chart()->axes(Qt::Vertical);
    if (!xAxes.isEmpty()) placeTicks(xAxes.first(), m_xMin, m_xMax, xTicksFor(plot.width()), false);
    if (yAxes.isEmpty()) return;
    if (logY())
        placeTicks(yAxes.first(), std::log10(m_yMin), std::log10(m_yMax), yTicksFor(plot.height()),
                   true);
    else
        placeTicks(yAxes.first(), m_yMin, m_yMax, yTicksFor(plot.height()), false);
}

const std::vector<QPointF>& MetricChart::drawnValues(int curve) const {
    static const std::vector<QPointF> kNone;
    return size_t(curve) < m_frame->points.size() ? m_frame->points[size_t(curve)] : kNone;
}

size_t MetricChart::drawnPoints() const {
    size_t n = 0;
    for (size_t i = 0; i < m_drawn.size() && i < m_frame->drawnCounts.size(); ++i)
        n += m_drawn[i].visible ? m_frame->drawnCounts[i] : 0;
    return n;
}

// The axes take the ticks, and the legend the entries, of the new size before Qt Charts lays
// the chart out for it: one layout a resize, not a second for what changed with the size.
// The plot area is taken to grow as the chart does (if the labels' width changes it, the
// redraw places the ticks again).
void MetricChart::resizeEvent(QResizeEvent* event) {
    if (event->oldSize().isValid() && m_set->size() > 0) {
        const QSizeF grown(event->size() - event->oldSize());
        placeAxisTicks(chart()->plotArea().size() + grown);
    }
    fitLegend();
    QChartView::resizeEvent(event);
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
