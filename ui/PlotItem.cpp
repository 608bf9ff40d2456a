#include "PlotItem.h"

#include <QChart>
#include <QImage>
#include <QPaintEngine>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

namespace runlens {

namespace {
constexpr size_t kAntialiasUpTo = 12;  // curves; past that, plain 1 px lines (QPainter facts)
// Reduced points past which the curves are drawn on two threads (measured: bench_charts).
constexpr size_t kTwoLayersFrom = 40000;
}  // namespace

// A 1-pixel opaque polyline written straight into an ARGB32 image (Bresenham, clipped to the
// image): what QPainter's raster engine draws for a cosmetic, non-antialiased pen, at a
// fraction of the cost for the hundreds of thousands of short segments of dense curves.
void rasterPolyline(QImage& image, const QPolygonF& polygon, QRgb colour) {
    const int width = image.width(), height = image.height();
    auto* bits = reinterpret_cast<QRgb*>(image.bits());
    const qsizetype stride = image.bytesPerLine() / 4;
    auto plot = [&](int x, int y) {
        if (x >= 0 && y >= 0 && x < width && y < height) bits[qsizetype(y) * stride + x] = colour;
    };
    auto clampCoord = [](double v) { return int(std::clamp(std::floor(v), -1e6, 1e6)); };
    for (qsizetype i = 0; i + 1 < polygon.size(); ++i) {
        int x0 = clampCoord(polygon[i].x()), y0 = clampCoord(polygon[i].y());
        const int x1 = clampCoord(polygon[i + 1].x()), y1 = clampCoord(polygon[i + 1].y());
        // Segments wholly outside the image cost nothing.
        if ((x0 < 0 && x1 < 0) || (x0 >= width && x1 >= width) || (y0 < 0 && y1 < 0) ||
            (y0 >= height && y1 >= height))
            continue;
        const int dx = std::abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        const int dy = -std::abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        int error = dx + dy;
        for (;;) {
            plot(x0, y0);
            if (x0 == x1 && y0 == y1) break;
            const int e2 = 2 * error;
            if (e2 >= dy) error += dy, x0 += sx;
            if (e2 <= dx) error += dx, y0 += sy;
        }
    }
    if (polygon.size() == 1) plot(clampCoord(polygon[0].x()), clampCoord(polygon[0].y()));
}

void PlotItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    const QRectF area = m_chart->chart()->plotArea();
    painter->save();
    painter->setClipRect(area);
    const auto& curves = m_chart->m_curves;
    const auto& drawn = m_chart->m_drawn;
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
        const QColor colour(QRgb(curves[i].colour));
        if (!drawn[i].rawPoints.empty()) {
            QColor faint = colour;
            faint.setAlpha(60);
            draw(p, polygon, drawn[i].rawPoints, QPen(faint, 0), false);
        }
        const bool thick = !highlighted.isEmpty() && curves[i].run == highlighted;
        // A run with a handful of points shows them, or a single point would not show.
        draw(p, polygon, drawn[i].points, QPen(colour, thick ? 3 : 0), curves[i].xs.size() < 30);
    };
    // The highlighted curve goes on top of the others.
    std::vector<size_t> order;
    size_t points = 0, top = SIZE_MAX;
    for (size_t i = 0; i < curves.size(); ++i) {
        if (!drawn[i].visible) continue;
        if (!highlighted.isEmpty() && curves[i].run == highlighted) {
            top = i;
            continue;
        }
        order.push_back(i);
        points += drawn[i].points.size() + drawn[i].rawPoints.size();
    }
    QPolygonF polygon;
    const bool raster =
        painter->paintEngine() && painter->paintEngine()->type() == QPaintEngine::Raster;
    if (raster && points > kTwoLayersFrom && order.size() >= 2) {
        // Many points: two halves of the curves drawn on two threads into layers of their
        // own, then laid over the plot (the second half above the first).
        const qreal dpr = painter->device()->devicePixelRatioF();
        const bool smooth = painter->testRenderHint(QPainter::Antialiasing);
        QImage layers[2];
        auto render = [&](int half) {
            QImage& image = layers[half];
            image = QImage((area.size() * dpr).toSize(), QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::transparent);
            QPolygonF local;
            const size_t middle = order.size() / 2;
            const size_t from = half == 0 ? 0 : middle, to = half == 0 ? middle : order.size();
            if (!smooth) {
                // Plain 1 px lines: written into the layer directly. Faint raw lines (only
                // with smoothing) and dots for short runs still go through QPainter.
                QPainter p(&image);
                p.scale(dpr, dpr);
                p.translate(-area.topLeft());
                for (size_t k = from; k < to; ++k) {
                    const size_t i = order[k];
                    if (!drawn[i].rawPoints.empty() || curves[i].xs.size() < 30) {
                        drawCurve(p, local, i);
                        continue;
                    }
                    local.resize(0);
                    for (const QPointF& pt : drawn[i].points) {
                        if (logY && pt.y() <= 0) continue;
                        const double y = logY ? std::log10(pt.y()) : pt.y();
                        local.append(QPointF((pt.x() - xMin) / xSpan * area.width() * dpr,
                                             (1 - (y - yLo) / ySpan) * area.height() * dpr));
                    }
                    rasterPolyline(image, local, 0xff000000u | curves[i].colour);
                }
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
        std::thread other(render, 1);
        render(0);
        other.join();
        painter->drawImage(area.topLeft(), layers[0]);
        painter->drawImage(area.topLeft(), layers[1]);
    } else {
        for (size_t i : order)
            drawCurve(*painter, polygon, i);
    }
    if (top != SIZE_MAX) drawCurve(*painter, polygon, top);
    painter->restore();
}

}  // namespace runlens
