#pragma once

#include <cstdint>
#include <vector>

namespace runlens {

// Many polylines as a density image, for views with thousands of runs: Qt's raster engine
// takes about 50 us per semi-transparent segment, so 10,000 runs x 19 segments would take
// 9.5 s as QPainter lines. Here each polyline adds its colour to every pixel it crosses (one
// pixel per step along the segment's longer side); a pixel is drawn in the mean colour of the
// lines through it, more opaque the more lines cross it. Counts are integers, so a polyline
// taken away again (weight -1, when a brush moves) leaves exactly what was there before.
class LineDensity {
public:
    void reset(int width, int height);
    int width() const { return m_width; }
    int height() const { return m_height; }
    bool empty() const { return m_cells.empty(); }

    // `xs`/`ys` in pixels; weight +1 adds the line, -1 takes it away.
    void add(const float* xs, const float* ys, int count, uint32_t rgb, int weight);

    // Paints into a premultiplied ARGB32 buffer (QImage::Format_ARGB32_Premultiplied) of this
    // size: `over` composes over what is there, otherwise pixels are replaced.
    void render(uint32_t* out, int strideWords, bool over) const;

    int maxCount() const;

private:
    struct Cell {
        int32_t n = 0, r = 0, g = 0, b = 0;
    };
    void segment(float x0, float y0, float x1, float y1, int32_t r, int32_t g, int32_t b,
                 int32_t weight);

    int m_width = 0, m_height = 0;
    std::vector<Cell> m_cells;
};

// Matplotlib's viridis (perceptually uniform, readable in grey and by colour-blind users),
// t in [0, 1], as 0xRRGGBB.
uint32_t viridis(double t);

}  // namespace runlens
