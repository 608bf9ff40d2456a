#include "LineDensity.h"

#include <algorithm>
#include <cmath>

namespace runlens {

void LineDensity::reset(int width, int height, bool shaded) {
    m_width = std::max(width, 0);
    m_height = std::max(height, 0);
    m_shaded = shaded;
    const size_t cells = size_t(m_width) * size_t(m_height);
    m_cells.assign(shaded ? cells : 0, Cell{});
    m_n.assign(shaded ? 0 : cells, 0);
}

void LineDensity::add(const float* xs, const float* ys, int count, int weight, uint8_t shade,
                      int rowBegin, int rowEnd) {
    rowBegin = std::max(rowBegin, 0);
    rowEnd = std::min(rowEnd, m_height);
    if (rowBegin >= rowEnd || m_width == 0) return;
    const int32_t shadeWeight = int32_t(shade) * weight;
    constexpr float kOne = 65536.f;
    const int64_t maxX = int64_t(m_width - 1), minY = rowBegin, maxY = int64_t(rowEnd - 1);
    for (int i = 0; i < std::max(count - 1, 1); ++i) {
        const float x0 = xs[i], y0 = ys[i];
        const float x1 = count > 1 ? xs[i + 1] : x0, y1 = count > 1 ? ys[i + 1] : y0;
        if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1))
            continue;
        const float dx = x1 - x0, dy = y1 - y0;
        const int steps = std::max(1, int(std::ceil(std::max(std::abs(dx), std::abs(dy)))));
        const float sx = dx / float(steps), sy = dy / float(steps);
        // Each segment leaves out its end, so joints are not counted twice; the last keeps it.
        const bool point = dx == 0 && dy == 0;
        int first = 0, last = point ? 0 : (i + 2 >= count ? steps : steps - 1);
        // Only the steps inside the image and the band: a step at position p lands in pixel
        // floor(p + 0.5), inside when low - 0.5 <= p < limit - 0.5.
        auto clip = [&first, &last](float start, float step, float low, float limit) {
            const float lo = low - 0.5f, hi = limit - 0.5f - 1e-3f;
            if (step == 0) {
                if (start < lo || start > hi) last = -1;
                return;
            }
            float a = (lo - start) / step, b = (hi - start) / step;
            if (a > b) std::swap(a, b);
            first = std::max(first, int(std::ceil(a)));
            last = std::min(last, int(std::floor(b)));
        };
        clip(x0, sx, 0.f, float(m_width));
        clip(y0, sy, float(rowBegin), float(rowEnd));
        if (first > last) continue;
        // Fixed point (16.16) in the loop, offset by half a pixel so truncation rounds.
        int64_t fx = int64_t((x0 + sx * float(first) + 0.5f) * kOne);
        int64_t fy = int64_t((y0 + sy * float(first) + 0.5f) * kOne);
        const int64_t ix = int64_t(sx * kOne), iy = int64_t(sy * kOne);
        for (int s = first; s <= last; ++s, fx += ix, fy += iy) {
            const size_t cell = size_t(std::clamp<int64_t>(fy >> 16, minY, maxY) * m_width +
                                       std::clamp<int64_t>(fx >> 16, 0, maxX));
            if (m_shaded) {
                m_cells[cell].n += weight;
                m_cells[cell].shade += shadeWeight;
            } else {
                m_n[cell] += weight;
            }
        }
    }
}

int LineDensity::maxCount() const {
    int32_t most = 0;
    for (const int32_t n : m_n)
        most = std::max(most, n);
    for (const Cell& c : m_cells)
        most = std::max(most, c.n);
    return most;
}

namespace {
// Opacity by the log of the count: a single line stays visible next to a crossing of
// thousands. A table per count, so the pixel loop has no logarithm.
struct Tone {
    std::vector<uint32_t> alpha;
    explicit Tone(int most) : alpha(size_t(std::max(most, 1)) + 1, 0) {
        const double scale = 1.0 / std::log1p(double(std::max(most, 1)));
        for (size_t n = 1; n < alpha.size(); ++n)
            alpha[n] = uint32_t(
                std::lround(std::min(1.0, 0.3 + 0.7 * std::log1p(double(n)) * scale) * 255));
    }
    uint32_t alphaOf(int32_t n) const { return size_t(n) < alpha.size() ? alpha[size_t(n)] : 255; }
};

uint32_t premultiplied(uint32_t a, uint32_t rgb) {
    const uint32_t r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
    return (a << 24) | ((r * a / 255) << 16) | ((g * a / 255) << 8) | (b * a / 255);
}

// Source over destination, both premultiplied.
uint32_t over(uint32_t src, uint32_t dst) {
    const uint32_t inv = 255 - (src >> 24);
    const uint32_t a = (dst >> 24) * inv / 255, r = ((dst >> 16) & 0xff) * inv / 255,
                   g = ((dst >> 8) & 0xff) * inv / 255, b = (dst & 0xff) * inv / 255;
    return src + ((a << 24) | (r << 16) | (g << 8) | b);
}
}  // namespace

void LineDensity::compose(uint32_t* out, int strideWords, const LineDensity& back, uint32_t backRgb,
                          const LineDensity& front, uint32_t frontRgb, const Shades* shades,
                          int scaleCount, int rowBegin, int rowEnd) {
    const Tone tone(scaleCount);
    const int width = std::max(front.m_width, back.m_width);
    const int height = std::min(rowEnd, std::max(front.m_height, back.m_height));
    for (int y = std::max(rowBegin, 0); y < height; ++y) {
        uint32_t* dst = out + size_t(y) * size_t(strideWords);
        const bool hasBack = y < back.m_height, hasFront = y < front.m_height;
        for (int x = 0; x < width; ++x) {
            const int32_t nb = hasBack && x < back.m_width
                                   ? back.countAt(size_t(y) * size_t(back.m_width) + size_t(x))
                                   : 0;
            int32_t nf = 0, shade = 0;
            if (hasFront && x < front.m_width) {
                const size_t i = size_t(y) * size_t(front.m_width) + size_t(x);
                nf = front.countAt(i);
                if (front.m_shaded && nf > 0) shade = front.m_cells[i].shade / nf;
            }
            uint32_t pixel = nb > 0 ? premultiplied(tone.alphaOf(nb), backRgb) : 0;
            if (nf > 0) {
                const uint32_t rgb = front.m_shaded && shades
                                         ? (*shades)[size_t(std::clamp(shade, 0, 255))]
                                         : frontRgb;
                const uint32_t top = premultiplied(tone.alphaOf(nf), rgb);
                pixel = nb > 0 ? over(top, pixel) : top;
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

uint32_t viridisOn(double t, bool darkBackground) {
    constexpr double kDarkFloor = 0.35;
    if (!darkBackground) return viridis(t);
    if (!std::isfinite(t)) t = 0;
    return viridis(kDarkFloor + (1 - kDarkFloor) * std::clamp(t, 0.0, 1.0));
}

}  // namespace runlens
