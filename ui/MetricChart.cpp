#include "MetricChart.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QGraphicsLineItem>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "analysis/Decimation.h"
#include "model/NumberText.h"

namespace runlens {

MetricChart::MetricChart(const QString& metric, QWidget* parent)
    : QChartView(parent), m_metric(metric) {
    auto* chart = new QChart;
    chart->legend()->hide();
    chart->setTitle(metric);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 220);
    setMouseTracking(true);
    setRubberBand(QChartView::NoRubberBand);
    m_crosshair = new QGraphicsLineItem;
    m_crosshair->setPen(QPen(QColor(120, 120, 120, 160), 0, Qt::DashLine));
    m_crosshair->setZValue(1000);
    m_crosshair->hide();
    chart->scene()->addItem(m_crosshair);
}

void MetricChart::setCurves(std::vector<Curve> curves, XKind xKind, bool logY) {
    const bool keepZoom =
        xKind == m_xKind && !m_curves.empty() && (m_xMin != m_fullMin || m_xMax != m_fullMax);
    m_curves = std::move(curves);
    m_xKind = xKind;
    m_logY = logY;
    m_fullMin = INFINITY;
    m_fullMax = -INFINITY;
    for (const Curve& c : m_curves)
        if (!c.xs.empty()) {
            m_fullMin = std::min(m_fullMin, c.xs.front());
            m_fullMax = std::max(m_fullMax, c.xs.back());
        }
    if (!std::isfinite(m_fullMin)) m_fullMin = 0, m_fullMax = 1;
    if (m_fullMax == m_fullMin) m_fullMax = m_fullMin + 1;
    if (!keepZoom) m_xMin = m_fullMin, m_xMax = m_fullMax;

    chart()->removeAllSeries();
    m_series.clear();
    m_hiddenNonPositive = 0;
    for (const Curve& c : m_curves) {
        const QColor colour(QRgb(c.colour));
        if (!c.rawYs.empty()) {
            auto* raw = new QLineSeries;
            QColor faint = colour;
            faint.setAlpha(60);
            raw->setPen(QPen(faint, 1));  // cosmetic 1 px: no stroker (PERFORMANCE notes)
            chart()->addSeries(raw);
            m_series.push_back(raw);
        }
        auto* line = new QLineSeries;
        line->setName(c.name);
        line->setPen(QPen(colour, 1));
        chart()->addSeries(line);
        m_series.push_back(line);
        if (m_logY)
            for (double y : c.ys)
                m_hiddenNonPositive += (y <= 0) ? 1 : 0;
    }
    chart()->setTitle(m_hiddenNonPositive ? tr("%1 — %2 values ≤ 0 not shown on the log axis")
                                                .arg(m_metric)
                                                .arg(m_hiddenNonPositive)
                                          : m_metric);
    rebuildAxes();
    redraw();
}

void MetricChart::rebuildAxes() {
    for (QAbstractAxis* axis : chart()->axes()) {
        chart()->removeAxis(axis);
        delete axis;
    }
    QAbstractAxis* x = nullptr;
    if (m_xKind == XKind::WallTime) {
        auto* time = new QDateTimeAxis;
        time->setFormat(QStringLiteral("MM-dd HH:mm"));
        x = time;
    } else {
        auto* value = new QValueAxis;
        value->setLabelFormat(QStringLiteral("%.4g"));
        value->setTitleText(m_xKind == XKind::Step ? tr("step") : tr("seconds since start"));
        x = value;
    }
    QAbstractAxis* y = nullptr;
    if (m_logY) {
        auto* log = new QLogValueAxis;
        log->setLabelFormat(QStringLiteral("%.3g"));
        log->setMinorTickCount(-1);
        y = log;
    } else {
        auto* value = new QValueAxis;
        value->setLabelFormat(QStringLiteral("%.4g"));
        y = value;
    }
    chart()->addAxis(x, Qt::AlignBottom);
    chart()->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : chart()->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

void MetricChart::setXRange(double xMin, double xMax) {
    if (!(xMax > xMin)) return;
    m_xMin = xMin;
    m_xMax = xMax;
    redraw();
}

void MetricChart::resetZoom() {
    setXRange(m_fullMin, m_fullMax);
}

// Reduce every curve to the visible range at about two points a pixel column, then set the
// axes to what is visible.
void MetricChart::redraw() {
    const int columns = std::max(50, int(chart()->plotArea().width()));
    std::vector<QPointF> points;
    double yMin = INFINITY, yMax = -INFINITY;
    size_t s = 0;
    for (const Curve& c : m_curves) {
        auto fill = [&](const std::vector<double>& ys) {
            decimate(c.xs.data(), ys.data(), c.xs.size(), m_xMin, m_xMax, columns, points);
            QList<QPointF> list;
            list.reserve(qsizetype(points.size()));
            for (const QPointF& p : points) {
                if (m_logY && p.y() <= 0) continue;
                list.append(p);
                if (p.x() >= m_xMin && p.x() <= m_xMax)
                    yMin = std::min(yMin, p.y()), yMax = std::max(yMax, p.y());
            }
            static_cast<QLineSeries*>(m_series[s++])->replace(list);
        };
        if (!c.rawYs.empty()) fill(c.rawYs);
        fill(c.ys);
    }
    if (!std::isfinite(yMin)) yMin = m_logY ? 0.1 : 0, yMax = m_logY ? 1 : 1;
    if (yMax == yMin) {
        const double pad = yMin == 0 ? 1 : std::abs(yMin) * 0.05;
        yMin -= m_logY ? 0 : pad;
        yMax += pad;
    } else if (!m_logY) {
        const double pad = (yMax - yMin) * 0.04;
        yMin -= pad;
        yMax += pad;
    }
    const auto xAxes = chart()->axes(Qt::Horizontal);
    const auto yAxes = chart()->axes(Qt::Vertical);
    if (!xAxes.isEmpty()) {
        if (m_xKind == XKind::WallTime)
            static_cast<QDateTimeAxis*>(xAxes.first())
                ->setRange(QDateTime::fromMSecsSinceEpoch(qint64(m_xMin)),
                           QDateTime::fromMSecsSinceEpoch(qint64(m_xMax)));
        else
            xAxes.first()->setRange(m_xMin, m_xMax);
    }
    if (!yAxes.isEmpty()) yAxes.first()->setRange(yMin, yMax);
}

bool MetricChart::crosshairVisible() const {
    return m_crosshair->isVisible();
}

size_t MetricChart::drawnPoints() const {
    size_t n = 0;
    for (QLineSeries* s : m_series)
        n += size_t(s->count());
    return n;
}

double MetricChart::xAt(const QPoint& pos) const {
    const QRectF area = chart()->plotArea();
    return m_xMin + (pos.x() - area.left()) / area.width() * (m_xMax - m_xMin);
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

QStringList MetricChart::valuesAt(double x) const {
    struct Hit {
        double distance;
        QString text;
    };
    std::vector<Hit> hits;
    for (const Curve& c : m_curves) {
        if (c.xs.empty()) continue;
        const auto it = std::lower_bound(c.xs.begin(), c.xs.end(), x);
        size_t i = size_t(it - c.xs.begin());
        if (i == c.xs.size() || (i > 0 && x - c.xs[i - 1] < c.xs[i] - x)) --i;
        const double d = std::abs(c.xs[i] - x);
        const QString at =
            m_xKind == XKind::WallTime
                ? QDateTime::fromMSecsSinceEpoch(qint64(c.xs[i])).toString(u"HH:mm:ss")
                : numberText(c.xs[i]);
        hits.push_back({d, QStringLiteral("%1: %2 (at %3)").arg(c.name, numberText(c.ys[i]), at)});
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit& a, const Hit& b) { return a.distance < b.distance; });
    QStringList lines;
    for (const Hit& h : hits)
        lines << h.text;
    return lines;
}

void MetricChart::resizeEvent(QResizeEvent* event) {
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
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_dragStart = event->pos();
        m_dragMin = m_xMin;
        m_dragMax = m_xMax;
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
    const double x = xAt(event->pos());
    emit hovered(x);
    if (chart()->plotArea().contains(event->pos()))
        QToolTip::showText(event->globalPosition().toPoint(), valuesAt(x).mid(0, 12).join(u'\n'),
                           this);
    QChartView::mouseMoveEvent(event);
}

void MetricChart::mouseReleaseEvent(QMouseEvent* event) {
    m_dragging = false;
    QChartView::mouseReleaseEvent(event);
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent* event) {
    resetZoom();
    event->accept();
}

void MetricChart::leaveEvent(QEvent* event) {
    emit hovered(NAN);
    QChartView::leaveEvent(event);
}

}  // namespace runlens
