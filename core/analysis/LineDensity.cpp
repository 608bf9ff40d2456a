#include "LineDensity.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace runlens {

void LineDensity::reset(int width, int height) {
    m_width = std::max(width, 0);
    m_height = std::max(height, 0);
    m_cells.assign(size_t(m_width) * size_t(m_height), Cell{});
}

void LineDensity::add(const float* xs, const float* ys, int count, uint32_t rgb, int weight) {
    const int32_t r = int32_t((rgb >> 16) & 0xff) * weight;
    const int32_t g = int32_t((rgb >> 8) & 0xff) * weight;
    const int32_t b = int32_t(rgb & 0xff) * weight;
    for (int i = 0; i + 1 < count; ++i)
        segment(xs[i], ys[i], xs[i + 1], ys[i + 1], r, g, b, weight);
    // The last point: every segment leaves out its end, so joints are not counted twice.
    if (count > 0)
        segment(xs[count - 1], ys[count - 1], xs[count - 1], ys[count - 1], r, g, b, weight);
}

void LineDensity::segment(float x0, float y0, float x1, float y1, int32_t r, int32_t g, int32_t b,
                          int32_t weight) {
    if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1))
        return;
    const float dx = x1 - x0, dy = y1 - y0;
    const int steps = std::max(1, int(std::ceil(std::max(std::abs(dx), std::abs(dy)))));
    const float sx = dx / float(steps), sy = dy / float(steps);
    // Only the steps inside the image: clip the step range against both sides.
    int first = 0, last = (x0 == x1 && y0 == y1) ? 0 : steps - 1;
    auto clip = [&first, &last](float start, float step, float limit) {
        if (step == 0) {
            if (start < -0.5f || start >= limit - 0.5f) last = -1;
            return;
        }
        float a = (-0.5f - start) / step, b = (limit - 0.5f - start) / step;
        if (a > b) std::swap(a, b);
        first = std::max(first, int(std::ceil(a)));
        last = std::min(last, int(std::ceil(b)) - 1);
    };
    clip(x0, sx, float(m_width));
    clip(y0, sy, float(m_height));
    for (int i = first; i <= last; ++i) {
        const int x = int(std::lround(x0 + sx * float(i)));
        const int y = int(std::lround(y0 + sy * float(i)));
        if (x < 0 || y < 0 || x >= m_width || y >= m_height) continue;
        Cell& c = m_cells[size_t(y) * size_t(m_width) + size_t(x)];
        c.n += weight;
        c.r += r;
        c.g += g;
        c.b += b;
    }
}

int LineDensity::maxCount() const {
    int32_t most = 0;
    for (const Cell& c : m_cells)
        most = std::max(most, c.n);
    return most;
}

void LineDensity::render(uint32_t* out, int strideWords, bool over) const {
    const int most = maxCount();
    // Opacity by the log of the count: a single line stays visible next to a crossing of
    // thousands.
    std::array<uint32_t, 256> alphaOf{};
    const double scale = most > 0 ? 1.0 / std::log1p(double(most)) : 1.0;
    auto alpha = [&](int32_t n) -> uint32_t {
        if (n < int32_t(alphaOf.size()) && alphaOf[size_t(n)] != 0) return alphaOf[size_t(n)];
        const double a = std::min(1.0, 0.3 + 0.7 * std::log1p(double(n)) * scale);
        const uint32_t v = uint32_t(std::lround(a * 255));
        if (n < int32_t(alphaOf.size())) alphaOf[size_t(n)] = v;
        return v;
    };
    for (int y = 0; y < m_height; ++y) {
        const Cell* row = &m_cells[size_t(y) * size_t(m_width)];
        uint32_t* dst = out + size_t(y) * size_t(strideWords);
        for (int x = 0; x < m_width; ++x) {
            const Cell& c = row[x];
            if (c.n <= 0) {
                if (!over) dst[x] = 0;
                continue;
            }
            const uint32_t a = alpha(c.n);
            const uint32_t r = uint32_t(c.r / c.n) * a / 255, g = uint32_t(c.g / c.n) * a / 255,
                           b = uint32_t(c.b / c.n) * a / 255;
            uint32_t pixel = (a << 24) | (r << 16) | (g << 8) | b;
            if (over && a < 255) {
                // Source over destination, premultiplied.
                const uint32_t d = dst[x], inv = 255 - a;
                const uint32_t da = (d >> 24) * inv / 255, dr = ((d >> 16) & 0xff) * inv / 255,
                               dg = ((d >> 8) & 0xff) * inv / 255, db = (d & 0xff) * inv / 255;
                pixel = ((a + da) << 24) | ((r + dr) << 16) | ((g + dg) << 8) | (b + db);
            }
            dst[x] = pixel;
        }
    }
}

uint32_t viridis(double t) {
    // Matplotlib's viridis at 0, 0.1, ..., 1; linear in between.
    static constexpr std::array<uint32_t, 11> kStops = {0x440154, 0x482475, 0x414487, 0x355f8d,
                                                        0x2a788e, 0x21918c, 0x22a884, 0x44bf70,
                                                        0x7ad151, 0xbddf26, 0xfde725};
    if (!std::isfinite(t)) t = 0;
    t = std::clamp(t, 0.0, 1.0) * 10.0;
    const int i = std::min(int(t), 9);
    const double f = t - i;
    uint32_t out = 0;
    for (int shift : {16, 8, 0}) {
        const double a = (kStops[size_t(i)] >> shift) & 0xff,
                     b = (kStops[size_t(i) + 1] >> shift) & 0xff;
        out |= uint32_t(std::lround(a + (b - a) * f)) << shift;
    }
    return out;
}

}  // namespace runlens
