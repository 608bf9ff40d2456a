#pragma once

#include <QImage>
#include <QPolygonF>
#include <vector>

namespace runlens {

// Opaque 1-pixel polylines for charts of many dense curves. A dense curve reduced to the
// pixels (analysis/Decimation) is a tall run of pixels in every column, from its minimum to
// its maximum there; the canvas keeps its pixels column by column, so each run is one
// contiguous write rather than a pixel per image row (Bresenham into a row-major image spent
// ~45% of a 100-run chart's CPU there). copyInto() lays the written pixels over an image.
class ColumnCanvas {
public:
    ColumnCanvas(int width, int height);

    // Each segment covers, in every column it crosses, the rows its line passes through there
    // (so the columns of a line always join); coordinates are pixels, clipped to the canvas.
    void polyline(const QPolygonF& points, QRgb colour);
    // Writes every pixel drawn into `image` (ARGB32, premultiplied or not: colours are opaque).
    void copyInto(QImage& image) const;

private:
    void column(int x, int y0, int y1, QRgb colour);
    template <typename Add>
    void segment(double x0, double y0, double x1, double y1, const Add& add) const;

    int m_width, m_height;
    std::vector<QRgb> m_pixels;  // column-major; 0 where nothing was drawn
};

}  // namespace runlens
