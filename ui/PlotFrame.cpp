#include "PlotFrame.h"

#include <QColor>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "ColumnCanvas.h"
#include "analysis/InTwoHalves.h"

namespace runlens {

namespace {
// Curves with fewer points show them as dots, or a single point would not show.
constexpr size_t kDotsBelow = 30;
// Points past which a frame is reduced and drawn by two threads (bench_big_chart).
constexpr size_t kTwoThreadsFrom = 100'000;
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
    // Every curve reduced, the halves on two threads (each curve's lists are its own).
    std::atomic_bool stopped = false;
    inTwoHalves(
        n,
        [&](size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i) {
                if (i % 16 == 0 && cancelled && cancelled->load(std::memory_order_relaxed))
                    stopped = true;
                if (stopped) return;
                const PreparedCurve& prepared = *set.curves[i];
                const ChartCurve& c = prepared.curve;
                if (!c.rawYs.empty())
                    decimate(c.xs.data(), c.rawYs.data(), c.xs.size(), xMin, xMax, columns,
                             frame.rawPoints[i], &prepared.rawBlocks);
                decimate(c.xs.data(), c.ys.data(), c.xs.size(), xMin, xMax, columns,
                         frame.points[i], &prepared.blocks);
                if (!c.low.empty()) {
                    decimate(c.xs.data(), c.high.data(), c.xs.size(), xMin, xMax, columns,
                             frame.bandHigh[i]);
                    decimate(c.xs.data(), c.low.data(), c.xs.size(), xMin, xMax, columns,
                             frame.bandLow[i]);
                }
            }
        },
        set.points() >= kTwoThreadsFrom ? 2 : SIZE_MAX);
    if (stopped) return std::nullopt;
    std::vector<double> visibleYs;  // for the percentile clip
    for (size_t i = 0; i < n; ++i) {
        const ChartCurve& c = set.curves[i]->curve;
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

bool drawPlotImage(PlotFrame& frame, const CurveSet& set, const std::atomic_bool* cancelled) {
    auto stop = [cancelled] { return cancelled && cancelled->load(std::memory_order_relaxed); };
    const PlotView& view = frame.view;
    const QSize pixels = (QSizeF(view.size) * view.dpr).toSize();
    frame.image = QImage(pixels.expandedTo(QSize(1, 1)), QImage::Format_ARGB32_Premultiplied);
    frame.image.fill(Qt::transparent);
    const double xSpan = view.xMax - view.xMin;
    const double yLo = frame.plotY(frame.yMin), ySpan = frame.plotY(frame.yMax) - yLo;
    auto map = [&](const std::vector<QPointF>& points, QPolygonF& polygon) -> const QPolygonF& {
        polygon.resize(qsizetype(points.size()));
        QPointF* out = polygon.data();
        for (const QPointF& p : points) {
            if (view.logY && p.y() <= 0) continue;
            *out++ = QPointF((p.x() - view.xMin) / xSpan * pixels.width(),
                             (1 - (frame.plotY(p.y()) - yLo) / ySpan) * pixels.height());
        }
        polygon.resize(out - polygon.data());
        return polygon;
    };
    QPolygonF polygon;
    std::vector<size_t> shown;
    for (size_t i = 0; i < set.size(); ++i)
        if (isVisible(view, i)) shown.push_back(i);
    if (view.smooth) {
        QPainter painter(&frame.image);
        painter.setRenderHint(QPainter::Antialiasing);
        for (const size_t i : shown) {
            const QColor colour(QRgb(set.curve(i).colour));
            if (!frame.rawPoints[i].empty()) {
                QColor faint = colour;
                faint.setAlpha(60);
                painter.setPen(QPen(faint, 0));
                painter.drawPolyline(map(frame.rawPoints[i], polygon));
            }
            painter.setPen(QPen(colour, 0));
            painter.drawPolyline(map(frame.points[i], polygon));
        }
    } else {
        // The halves of the curves into two canvases at once; the second half lies on top.
        std::optional<ColumnCanvas> canvases[2];
        inTwoHalves(
            shown.size(),
            [&](size_t begin, size_t end) {
                ColumnCanvas& canvas =
                    canvases[begin == 0 ? 0 : 1].emplace(pixels.width(), pixels.height());
                QPolygonF local;
                for (size_t k = begin; k < end && !(k % 8 == 0 && stop()); ++k) {
                    const size_t i = shown[k];
                    const QRgb colour = set.curve(i).colour;
                    if (!frame.rawPoints[i].empty())
                        canvas.polyline(map(frame.rawPoints[i], local),
                                        blended(colour, 60, view.background));
                    canvas.polyline(map(frame.points[i], local), colour);
                }
            },
            frame.drawnPoints() >= kTwoThreadsFrom ? 2 : SIZE_MAX);
        if (stop()) return false;
        for (const auto& canvas : canvases)
            if (canvas) canvas->copyInto(frame.image);
    }
    // A run with a handful of points shows them, or a single point would not show.
    QPainter painter(&frame.image);
    painter.setRenderHint(QPainter::Antialiasing, view.smooth);
    painter.setPen(Qt::NoPen);
    for (const size_t i : shown) {
        const bool longLine = set.curve(i).xs.size() >= kDotsBelow;
        if (longLine && frame.points[i].size() > 1 && !view.logY) continue;  // not mapped
        const QPolygonF& line = map(frame.points[i], polygon);
        if (longLine && line.size() != 1) continue;
        painter.setBrush(QColor(QRgb(set.curve(i).colour)));
        const double radius = (line.size() == 1 ? 4 : 2.5) * view.dpr;
        for (const QPointF& p : line)
            painter.drawEllipse(p, radius, radius);
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
    return true;
}

QRgb backgroundColour(const QBrush& brush) {
    if (const QGradient* gradient = brush.gradient(); gradient && !gradient->stops().isEmpty())
        return gradient->stops().first().second.rgb();
    return brush.style() == Qt::NoBrush ? qRgb(255, 255, 255) : brush.color().rgb();
}

}  // namespace runlens
