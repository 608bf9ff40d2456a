#include "PlotFrame.h"

#include <QColor>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace runlens {

namespace {
// Curves with fewer points show them as dots, or a single point would not show.
constexpr size_t kDotsBelow = 30;
// Reduced points a frame with an image keeps (for tests and tools reading what is drawn).
constexpr size_t kKeepPointsUpTo = 100'000;

bool isVisible(const PlotView& view, size_t curve) {
    return curve >= view.visible.size() || view.visible[curve];
}

// `colour` at `alpha` over `background`, opaque: how a faint line looks where it crosses
// nothing else, at the cost of an opaque one.
QRgb blended(QRgb colour, int alpha, QRgb background) {
    auto mix = [&](int c, int b) { return (c * alpha + b * (255 - alpha)) / 255; };
    return qRgb(mix(qRed(colour), qRed(background)), mix(qGreen(colour), qGreen(background)),
                mix(qBlue(colour), qBlue(background)));
}
}  // namespace

size_t PlotFrame::drawnPoints() const {
    size_t n = 0;
    for (size_t i = 0; i < drawnCounts.size(); ++i)
        n += isVisible(view, i) ? drawnCounts[i] : 0;
    return n;
}

double PlotFrame::plotY(double y) const {
    return view.logY ? std::log10(y) : y;
}

std::optional<PlotFrame> reducePlot(const CurveSet& set, const PlotView& view,
                                    const std::atomic_bool* cancelled) {
    PlotFrame frame;
    frame.view = view;
    const size_t n = set.size();
    frame.points.resize(n);
    frame.rawPoints.resize(n);
    frame.bandHigh.resize(n);
    frame.bandLow.resize(n);
    frame.drawnCounts.resize(n);
    const int columns = std::max(50, view.size.width());
    const double xMin = view.xMin, xMax = view.xMax;
    double yMin = INFINITY, yMax = -INFINITY;
    auto track = [&](const std::vector<QPointF>& points) {
        for (const QPointF& p : points)
            if (!(view.logY && p.y() <= 0) && p.x() >= xMin && p.x() <= xMax)
                yMin = std::min(yMin, p.y()), yMax = std::max(yMax, p.y());
    };
    std::vector<double> visibleYs;  // for the percentile clip
    for (size_t i = 0; i < n; ++i) {
        if (cancelled && i % 64 == 0 && cancelled->load(std::memory_order_relaxed))
            return std::nullopt;
        const PreparedCurve& prepared = *set.curves[i];
        const ChartCurve& c = prepared.curve;
        if (!c.rawYs.empty())
            decimate(c.xs.data(), c.rawYs.data(), c.xs.size(), xMin, xMax, columns,
                     frame.rawPoints[i], &prepared.rawBlocks);
        decimate(c.xs.data(), c.ys.data(), c.xs.size(), xMin, xMax, columns, frame.points[i],
                 &prepared.blocks);
        if (!c.low.empty()) {
            decimate(c.xs.data(), c.high.data(), c.xs.size(), xMin, xMax, columns,
                     frame.bandHigh[i]);
            decimate(c.xs.data(), c.low.data(), c.xs.size(), xMin, xMax, columns, frame.bandLow[i]);
        }
        frame.drawnCounts[i] = frame.points[i].size();
        if (!isVisible(view, i)) continue;
        // The y range fits the raw points too: smoothing never hides the data.
        for (const auto* points :
             {&frame.points[i], &frame.rawPoints[i], &frame.bandHigh[i], &frame.bandLow[i]})
            track(*points);
        if (view.clip) {
            // Every visible value counts (a stride keeps this bounded on huge series).
            const auto from = std::lower_bound(c.xs.begin(), c.xs.end(), xMin) - c.xs.begin();
            const auto to = std::upper_bound(c.xs.begin(), c.xs.end(), xMax) - c.xs.begin();
            const size_t stride = std::max<size_t>(1, size_t(to - from) / 200'000);
            for (auto k = size_t(from); k < size_t(to); k += stride)
                if (std::isfinite(c.ys[k]) && !(view.logY && c.ys[k] <= 0))
                    visibleYs.push_back(c.ys[k]);
        }
    }
    if (view.clip && visibleYs.size() >= 20) {
        auto at = [&](double q) {
            const auto k = size_t(q * double(visibleYs.size() - 1));
            std::nth_element(visibleYs.begin(), visibleYs.begin() + qsizetype(k), visibleYs.end());
            return visibleYs[k];
        };
        const double lo = at(0.01), hi = at(0.99);
        frame.clipped = lo > yMin || hi < yMax;
        yMin = lo;
        yMax = hi;
    }
    if (view.boxY) std::tie(yMin, yMax) = *view.boxY;
    if (!std::isfinite(yMin)) yMin = view.logY ? 0.1 : 0, yMax = 1;
    if (yMax == yMin) {
        const double pad = yMin == 0 ? 1 : std::abs(yMin) * 0.05;
        yMin -= view.logY ? 0 : pad;
        yMax += pad;
    } else if (!view.logY && !view.boxY) {
        const double pad = (yMax - yMin) * 0.04;
        yMin -= pad;
        yMax += pad;
    }
    frame.yMin = yMin;
    frame.yMax = yMax;
    return frame;
}

void drawPlotImage(PlotFrame& frame, const CurveSet& set) {
    const PlotView& view = frame.view;
    const QSize pixels = (QSizeF(view.size) * view.dpr).toSize();
    frame.image = QImage(pixels.expandedTo(QSize(1, 1)), QImage::Format_ARGB32_Premultiplied);
    frame.image.fill(Qt::transparent);
    const double xSpan = view.xMax - view.xMin;
    const double yLo = frame.plotY(frame.yMin), ySpan = frame.plotY(frame.yMax) - yLo;
    QPolygonF polygon;
    auto map = [&](const std::vector<QPointF>& points) -> const QPolygonF& {
        polygon.resize(0);
        polygon.reserve(qsizetype(points.size()));
        for (const QPointF& p : points) {
            if (view.logY && p.y() <= 0) continue;
            polygon.append(QPointF((p.x() - view.xMin) / xSpan * pixels.width(),
                                   (1 - (frame.plotY(p.y()) - yLo) / ySpan) * pixels.height()));
        }
        return polygon;
    };
    QPainter painter(&frame.image);
    painter.setRenderHint(QPainter::Antialiasing, view.smooth);
    const qreal dotRadius = view.dpr;
    for (size_t i = 0; i < set.size(); ++i) {
        if (!isVisible(view, i)) continue;
        const QColor colour(QRgb(set.curve(i).colour));
        const bool dots = set.curve(i).xs.size() < kDotsBelow;
        if (!frame.rawPoints[i].empty()) {
            if (view.smooth) {
                QColor faint = colour;
                faint.setAlpha(60);
                painter.setPen(QPen(faint, 0));
                painter.drawPolyline(map(frame.rawPoints[i]));
            } else {
                rasterPolyline(frame.image, map(frame.rawPoints[i]),
                               blended(colour.rgb(), 60, view.background));
            }
        }
        const QPolygonF& line = map(frame.points[i]);
        if (view.smooth) {
            painter.setPen(QPen(colour, 0));
            painter.drawPolyline(line);
        } else {
            rasterPolyline(frame.image, line, colour.rgb());
        }
        if (dots || line.size() == 1) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(colour);
            const double radius = (line.size() == 1 ? 4 : 2.5) * dotRadius;
            for (const QPointF& p : line)
                painter.drawEllipse(p, radius, radius);
        }
    }
    painter.end();
    frame.image.setDevicePixelRatio(view.dpr);
    // The image is what is drawn now: many reduced points go (the counts stay).
    size_t kept = 0;
    for (size_t i = 0; i < set.size(); ++i)
        kept += frame.points[i].size() + frame.rawPoints[i].size();
    if (kept > kKeepPointsUpTo)
        for (auto* lists : {&frame.points, &frame.rawPoints})
            for (std::vector<QPointF>& points : *lists)
                std::vector<QPointF>().swap(points);
}

QRgb backgroundColour(const QBrush& brush) {
    if (const QGradient* gradient = brush.gradient(); gradient && !gradient->stops().isEmpty())
        return gradient->stops().first().second.rgb();
    return brush.style() == Qt::NoBrush ? qRgb(255, 255, 255) : brush.color().rgb();
}

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

}  // namespace runlens
