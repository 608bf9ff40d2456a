#include "ColumnCanvas.h"

#include <algorithm>
#include <cmath>

namespace runlens {

namespace {
// Far-off points (a zoom deep into a long curve) stay in int range and cost nothing. Floor
// and rounding by conversion (exact in that range): std::floor and std::lround are calls into
// libm on x86-64, and took a third of the drawing of a 100-run chart.
double clampCoord(double v) {
    v = std::clamp(v, -1e6, 1e6);
    const double truncated = double(int(v));
    return truncated > v ? truncated - 1 : truncated;
}
int roundHalfAway(double v) {
    return int(v >= 0 ? v + 0.5 : v - 0.5);
}
}  // namespace

ColumnCanvas::ColumnCanvas(int width, int height)
    : m_width(std::max(0, width)),
      m_height(std::max(0, height)),
      m_pixels(size_t(m_width) * size_t(m_height), 0) {}

void ColumnCanvas::column(int x, int y0, int y1, QRgb colour) {
    if (x < 0 || x >= m_width) return;
    if (y0 > y1) std::swap(y0, y1);
    y0 = std::max(y0, 0);
    y1 = std::min(y1, m_height - 1);
    if (y0 > y1) return;
    QRgb* at = m_pixels.data() + size_t(x) * size_t(m_height);
    std::fill(at + y0, at + y1 + 1, colour);
}

// Calls add(x, y0, y1) for every column the segment crosses, with the rows it runs through
// there: its heights at x - 0.5 and x + 0.5 (within its ends), so neighbouring columns share
// that edge's row and the line never breaks.
template <typename Add>
void ColumnCanvas::segment(double x0, double y0, double x1, double y1, const Add& add) const {
    if (x0 > x1) std::swap(x0, x1), std::swap(y0, y1);
    if (x1 < 0 || x0 >= m_width || (y0 < 0 && y1 < 0) || (y0 >= m_height && y1 >= m_height)) return;
    if (x0 == x1) {
        add(int(x0), int(y0), int(y1));
        return;
    }
    const double slope = (y1 - y0) / (x1 - x0);
    auto yAt = [&](double x) { return roundHalfAway(y0 + (std::clamp(x, x0, x1) - x0) * slope); };
    const int from = int(std::max(x0, 0.0)), to = int(std::min(x1, double(m_width - 1)));
    for (int x = from; x <= to; ++x)
        add(x, yAt(x - 0.5), yAt(x + 0.5));
}

// A reduced curve has up to four points a column (first, min, max, last) and a segment to
// the next: all that falls in one column is merged into one run before it is written.
void ColumnCanvas::polyline(const QPolygonF& points, QRgb colour) {
    colour |= 0xff000000u;
    int pendingX = -1, low = 0, high = -1;
    auto add = [&](int x, int y0, int y1) {
        if (y0 > y1) std::swap(y0, y1);
        if (x == pendingX) {
            low = std::min(low, y0), high = std::max(high, y1);
            return;
        }
        if (high >= low) column(pendingX, low, high, colour);
        pendingX = x, low = y0, high = y1;
    };
    if (points.isEmpty()) return;
    // Each point's pixel once (it ends one segment and starts the next).
    double x0 = clampCoord(points[0].x()), y0 = clampCoord(points[0].y());
    if (points.size() == 1) segment(x0, y0, x0, y0, add);
    for (qsizetype i = 1; i < points.size(); ++i) {
        const double x1 = clampCoord(points[i].x()), y1 = clampCoord(points[i].y());
        segment(x0, y0, x1, y1, add);
        x0 = x1, y0 = y1;
    }
    if (high >= low) column(pendingX, low, high, colour);
}

void ColumnCanvas::copyInto(QImage& image) const {
    const int width = std::min(m_width, image.width()), height = std::min(m_height, image.height());
    // In bands of 64 columns: a band's columns are read together while its rows are written.
    constexpr int kBand = 64;
    for (int x0 = 0; x0 < width; x0 += kBand) {
        const int x1 = std::min(width, x0 + kBand);
        for (int y = 0; y < height; ++y) {
            auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
            for (int x = x0; x < x1; ++x)
                if (const QRgb pixel = m_pixels[size_t(x) * size_t(m_height) + size_t(y)])
                    row[x] = pixel;
        }
    }
}

}  // namespace runlens
