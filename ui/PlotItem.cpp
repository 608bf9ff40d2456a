#include "PlotItem.h"

#include <QChart>
#include <QImage>
#include <QPaintEngine>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <vector>

#include "ColumnCanvas.h"
#include "analysis/InTwoHalves.h"

namespace runlens {

namespace {
// Reduced points past which the curves are drawn on two threads (measured: bench_charts).
constexpr size_t kTwoLayersFrom = 40000;
}  // namespace

void PlotItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    const QRectF area = m_chart->chart()->plotArea();
    painter->save();
    painter->setClipRect(area);
    if (!m_chart->m_frame->image.isNull())
        paintFrameImage(*painter, area);
    else
        paintPoints(*painter, area);
    painter->restore();
}

// The frame made on the pool, where the axes now put its x and y ranges (scaled while a frame
// of the new view is on its way), and the highlighted curve over it.
void PlotItem::paintFrameImage(QPainter& painter, const QRectF& area) {
    const PlotFrame& frame = *m_chart->m_frame;
    const double xMin = m_chart->m_xMin, xSpan = m_chart->m_xMax - m_chart->m_xMin;
    const double yLo = frame.plotY(m_chart->m_yMin);
    const double ySpan = frame.plotY(m_chart->m_yMax) - yLo;
    auto at = [&](double x, double plotY) {
        return QPointF(area.left() + (x - xMin) / xSpan * area.width(),
                       area.bottom() - (plotY - yLo) / ySpan * area.height());
    };
    const QRectF target(at(frame.view.xMin, frame.plotY(frame.yMax)),
                        at(frame.view.xMax, frame.plotY(frame.yMin)));
    painter.drawImage(target, frame.image);
    const RunId& highlighted = m_chart->m_highlighted;
    if (highlighted.isEmpty()) return;
    const CurveSet& set = *m_chart->m_set;
    for (size_t i = 0; i < set.size() && i < m_chart->m_drawn.size(); ++i) {
        if (set.curve(i).run != highlighted || !m_chart->m_drawn[i].visible) continue;
        const ChartCurve& c = set.curve(i);
        std::vector<QPointF> points;
        decimate(c.xs.data(), c.ys.data(), c.xs.size(), m_chart->m_xMin, m_chart->m_xMax,
                 std::max(50, int(area.width())), points, &set.curves[i]->blocks);
        QPolygonF polygon;
        for (const QPointF& p : points)
            if (!(frame.view.logY && p.y() <= 0)) polygon.append(at(p.x(), frame.plotY(p.y())));
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(QColor(QRgb(c.colour)), 3));
        painter.drawPolyline(polygon);
    }
}

// A frame reduced here: its points drawn straight onto the chart.
void PlotItem::paintPoints(QPainter& paintOn, const QRectF& area) {
    QPainter* painter = &paintOn;
    const CurveSet& set = *m_chart->m_set;
    const PlotFrame& frame = *m_chart->m_frame;
    const auto& drawn = m_chart->m_drawn;
    const size_t count = std::min({set.size(), drawn.size(), frame.points.size()});
    auto reduced = [&](size_t i) -> const std::vector<QPointF>& { return frame.points[i]; };
    auto raw = [&](size_t i) -> const std::vector<QPointF>& { return frame.rawPoints[i]; };
    size_t visible = 0;
    for (const auto& d : drawn)
        visible += d.visible ? 1 : 0;
    painter->setRenderHint(QPainter::Antialiasing, visible <= kAntialiasUpTo && !m_chart->m_moving);
    const double xMin = m_chart->m_xMin, xSpan = m_chart->m_xMax - m_chart->m_xMin;
    const bool logY = m_chart->logY();
    const double yLo = logY ? std::log10(m_chart->m_yMin) : m_chart->m_yMin;
    const double ySpan = (logY ? std::log10(m_chart->m_yMax) : m_chart->m_yMax) - yLo;
    auto draw = [&](QPainter& p, QPolygonF& polygon, const std::vector<QPointF>& points,
                    const QPen& pen, bool dots) {
        polygon.resize(0);
        polygon.reserve(qsizetype(points.size()));
        for (const QPointF& pt : points) {
            if (logY && pt.y() <= 0) continue;
            const double y = logY ? std::log10(pt.y()) : pt.y();
            polygon.append(QPointF(area.left() + (pt.x() - xMin) / xSpan * area.width(),
                                   area.bottom() - (y - yLo) / ySpan * area.height()));
        }
        p.setPen(pen);
        if (polygon.size() > 1) p.drawPolyline(polygon);
        if (dots || polygon.size() == 1) {
            p.setBrush(pen.color());
            const double radius = polygon.size() == 1 ? 4 : 2.5;
            for (const QPointF& pt : polygon)
                p.drawEllipse(pt, radius, radius);
        }
    };
    const RunId& highlighted = m_chart->m_highlighted;
    auto drawCurve = [&](QPainter& p, QPolygonF& polygon, size_t i) {
        const QColor colour(QRgb(set.curve(i).colour));
        if (!raw(i).empty()) {
            QColor faint = colour;
            faint.setAlpha(60);
            draw(p, polygon, raw(i), QPen(faint, 0), false);
        }
        const bool thick = !highlighted.isEmpty() && set.curve(i).run == highlighted;
        // A run with a handful of points shows them, or a single point would not show.
        draw(p, polygon, reduced(i), QPen(colour, thick ? 3 : 0), set.curve(i).xs.size() < 30);
    };
    // The highlighted curve goes on top of the others.
    std::vector<size_t> order;
    size_t top = SIZE_MAX;
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) {
        if (!drawn[i].visible) continue;
        if (!highlighted.isEmpty() && set.curve(i).run == highlighted) {
            top = i;
            continue;
        }
        order.push_back(i);
        total += reduced(i).size() + raw(i).size();
    }
    QPolygonF polygon;
    const bool raster =
        painter->paintEngine() && painter->paintEngine()->type() == QPaintEngine::Raster;
    if (raster && total > kTwoLayersFrom && order.size() >= 2) {
        // Many points: two halves of the curves drawn on two threads into layers of their
        // own, then laid over the plot (the second half above the first).
        const qreal dpr = painter->device()->devicePixelRatioF();
        const bool smooth = painter->testRenderHint(QPainter::Antialiasing);
        QImage layers[2];
        auto render = [&](size_t from, size_t to) {
            QImage& image = layers[from == 0 ? 0 : 1];
            image = QImage((area.size() * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::transparent);
            QPolygonF local;
            if (!smooth) {
                // Plain 1 px lines: written into a column canvas, then onto the layer. Faint
                // raw lines (only with smoothing) and dots for short runs go through QPainter.
                ColumnCanvas canvas(image.width(), image.height());
                std::vector<size_t> painted;
                for (size_t k = from; k < to; ++k) {
                    const size_t i = order[k];
                    if (!raw(i).empty() || set.curve(i).xs.size() < 30) {
                        painted.push_back(i);
                        continue;
                    }
                    local.resize(0);
                    for (const QPointF& pt : reduced(i)) {
                        if (logY && pt.y() <= 0) continue;
                        const double y = logY ? std::log10(pt.y()) : pt.y();
                        local.append(QPointF((pt.x() - xMin) / xSpan * area.width() * dpr,
                                             (1 - (y - yLo) / ySpan) * area.height() * dpr));
                    }
                    canvas.polyline(local, set.curve(i).colour);
                }
                canvas.copyInto(image);
                QPainter p(&image);
                p.scale(dpr, dpr);
                p.translate(-area.topLeft());
                for (const size_t i : painted)
                    drawCurve(p, local, i);
            } else {
                QPainter p(&image);
                p.setRenderHint(QPainter::Antialiasing);
                p.scale(dpr, dpr);
                p.translate(-area.topLeft());
                for (size_t k = from; k < to; ++k)
                    drawCurve(p, local, order[k]);
            }
            image.setDevicePixelRatio(dpr);
        };
        inTwoHalves(order.size(), render);
        painter->drawImage(area.topLeft(), layers[0]);
        painter->drawImage(area.topLeft(), layers[1]);
    } else {
        for (size_t i : order)
            drawCurve(*painter, polygon, i);
    }
    if (top != SIZE_MAX) drawCurve(*painter, polygon, top);
}

}  // namespace runlens
