#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace runlens {

// Many polylines as a density image, for views with thousands of runs: Qt's raster engine
// takes about 50 us per semi-transparent segment, so 10,000 runs x 19 segments would take
// 9.5 s as QPainter lines. Here each polyline adds one to the count of every pixel it crosses
// (one pixel per step along the segment's longer side); the more lines cross a pixel, the
// more opaque it is drawn. Counts are integers, so a polyline taken away again (weight -1,
// when a brush moves) leaves exactly what was there before.
//
// A plain layer is drawn in one colour. A shaded layer also sums a shade (0-255) per line and
// draws each pixel in the colour of the mean shade, so lines coloured by a column's value mix
// into the colour of their mean value. Eight bytes a pixel at most: the layers of a 1600 x 600
// view stay within the caches that make 10,000 runs x 20 axes take tens of milliseconds.
class LineDensity {
public:
    using Shades = std::array<uint32_t, 256>;  // 0xRRGGBB per shade

    void reset(int width, int height, bool shaded);
    int width() const { return m_width; }
    int height() const { return m_height; }
    bool shaded() const { return m_shaded; }

    // `xs`/`ys` in pixels; weight +1 adds the line, -1 takes it away. Only rows
    // rowBegin..rowEnd-1 are touched, so threads can share a layer by bands of rows.
    void add(const float* xs, const float* ys, int count, int weight, uint8_t shade = 0,
             int rowBegin = 0, int rowEnd = 1 << 30);

    int maxCount() const;

    // Paints `front` over `back` into a premultiplied ARGB32 buffer
    // (QImage::Format_ARGB32_Premultiplied), replacing the pixels of rows rowBegin..rowEnd-1.
    // A plain layer is painted in its rgb, a shaded one through `shades`. Opacity is scaled to
    // `scaleCount` lines through one pixel (the most at the last full build), so it stays
    // steady while a brush moves. Either layer may be empty (reset to 0 x 0).
    static void compose(uint32_t* out, int strideWords, const LineDensity& back, uint32_t backRgb,
                        const LineDensity& front, uint32_t frontRgb, const Shades* shades,
                        int scaleCount, int rowBegin = 0, int rowEnd = 1 << 30);

private:
    struct Cell {
        int32_t n = 0, shade = 0;
    };
    int32_t countAt(size_t i) const { return m_shaded ? m_cells[i].n : m_n[i]; }

    int m_width = 0, m_height = 0;
    bool m_shaded = false;
    std::vector<Cell> m_cells;  // shaded
    std::vector<int32_t> m_n;   // plain
};

// Matplotlib's viridis (perceptually uniform, readable in grey and by colour-blind users),
// t in [0, 1], as 0xRRGGBB.
uint32_t viridis(double t);
// Viridis for lines and dots on the view's background: on a dark one its darkest part (deep
// violet, under 3:1 contrast against #1f2124) is left out, t mapping onto [0.35, 1] instead.
uint32_t viridisOn(double t, bool darkBackground);

}  // namespace runlens
