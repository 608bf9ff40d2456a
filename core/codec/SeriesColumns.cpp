#include "SeriesColumns.h"

#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <tuple>

#include "ByteCursor.h"
#include "VarintSizes.h"

namespace runlens {

namespace {

enum NumberMode : uint8_t {
    kRaw64 = 0,
    kWholeDelta = 1,   // whole numbers, first differences
    kWholeDelta2 = 2,  // whole numbers, second differences
    kBitsDelta = 3,    // bit patterns, first differences
    kBitsDelta2 = 4,   // bit patterns, second differences
};

constexpr double kMaxWhole = 9007199254740992.0;  // 2^53: every whole double up to it is exact

uint64_t bitsOf(double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}
double fromBits(uint64_t u) {
    double d;
    memcpy(&d, &u, 8);
    return d;
}
uint32_t bitsOf(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

// Up to 2^53 the conversion to int64 truncates exactly: d is whole when it comes back.
bool isWhole(double d) {
    return std::fabs(d) <= kMaxWhole && double(int64_t(d)) == d && !(d == 0 && std::signbit(d));
}

// putVarint() into room already made.
void writeVarint(char*& p, uint64_t v) {
    while (v >= 0x80) {
        *p++ = char(uint8_t(v) | 0x80);
        v >>= 7;
    }
    *p++ = char(uint8_t(v));
}

// Appends `size` bytes' room to `out` (with their length first, as putBytes() would) and
// returns where they go.
char* appendRoom(std::string& out, size_t size) {
    putVarint(out, size);
    const size_t at = out.size();
    out.resize(at + size);
    return out.data() + at;
}

// Differences of `order` (1 or 2) in wrapping 64-bit arithmetic: a bijection, so any input
// comes back exactly.
template <class F>
void forEachDifference(const std::vector<uint64_t>& u, int order, F&& emit) {
    uint64_t previous = 0, previousDelta = 0;
    for (uint64_t v : u) {
        const uint64_t delta = v - previous;
        emit(zigzag(int64_t(order == 1 ? delta : delta - previousDelta)));
        previous = v;
        previousDelta = delta;
    }
}

// The smaller of raw (`rawSize`) and the two differences: 0, 1 or 2, and its size.
std::pair<int, size_t> bestOrder(const std::vector<uint64_t>& u, size_t rawSize) {
    const auto [first, second] = differencesVarintSizes(u.data(), u.size());
    if (first <= second && first < rawSize) return {1, first};
    if (second < first && second < rawSize) return {2, second};
    return {0, rawSize};
}

void encodeNumbers(const std::vector<double>& column, std::string& out) {
    const size_t n = column.size();
    std::vector<uint64_t> u(n);
    bool whole = true;
    for (size_t i = 0; i < n && whole; ++i) {
        whole = isWhole(column[i]);
        if (whole) u[i] = uint64_t(int64_t(column[i]));
    }
    if (!whole)
        for (size_t i = 0; i < n; ++i)
            u[i] = bitsOf(column[i]);
    const auto [order, best] = bestOrder(u, n * 8);
    const uint8_t mode =
        order == 0 ? uint8_t(kRaw64) : uint8_t((whole ? kWholeDelta : kBitsDelta) + order - 1);
    out.push_back(char(mode));
    char* p = appendRoom(out, best);
    if (mode == kRaw64 && n > 0)
        memcpy(p, column.data(), n * 8);  // putFixed() of each: the doubles' bytes, in order
    else if (mode != kRaw64)
        forEachDifference(u, order, [&](uint64_t z) { writeVarint(p, z); });
}

bool decodeNumbers(ByteCursor& in, size_t count, std::vector<double>& column) {
    const uint8_t mode = in.byte();
    ByteCursor bytes(in.bytes());
    if (!in.ok()) return false;
    column.resize(count);
    if (mode == kRaw64) {
        for (double& d : column)
            d = bytes.fixed<double>();
        return bytes.ok() && bytes.atEnd();
    }
    if (mode > kBitsDelta2) return false;
    const bool whole = mode == kWholeDelta || mode == kWholeDelta2;
    const bool second = mode == kWholeDelta2 || mode == kBitsDelta2;
    uint64_t previous = 0, previousDelta = 0;
    for (double& d : column) {
        const uint64_t z = uint64_t(unzigzag(bytes.varint()));
        const uint64_t delta = second ? previousDelta + z : z;
        previous += delta;
        previousDelta = delta;
        d = whole ? double(int64_t(previous)) : fromBits(previous);
    }
    return bytes.ok() && bytes.atEnd();
}

// Values: their bit patterns (of the float32 each value is, where every one is), raw, as
// first or second differences, or cut into byte planes (every value's first byte, then every
// second byte, ...) and compressed by zstd, whichever is smallest. The planes of sign and
// exponent bytes are nearly constant and compress to little: about 2.3 bytes a float32 on
// noisy training curves, where differences take 3.9.
constexpr uint8_t kFloat32Flag = 0x10;
constexpr int kPlanes = 3;  // the order that says "byte planes, zstd"

std::string bytePlanes(const std::vector<uint64_t>& u, size_t width) {
    const size_t n = u.size();
    std::string planes(n * width, '\0');
    char* out = planes.data();
    for (size_t i = 0; i < n; ++i) {
        uint64_t v = u[i];
        for (size_t k = 0; k < width; ++k, v >>= 8)
            out[k * n + i] = char(uint8_t(v));
    }
    return planes;
}

// The context is kept per thread: making one is most of the cost of compressing a small
// column, and its output is the same as ZSTD_compress()'s at the same level.
std::string compressed(const std::string& bytes) {
    thread_local const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> context(ZSTD_createCCtx(),
                                                                                  ZSTD_freeCCtx);
    std::string out(ZSTD_compressBound(bytes.size()), '\0');
    const size_t n = context ? ZSTD_compressCCtx(context.get(), out.data(), out.size(),
                                                 bytes.data(), bytes.size(), 1)
                             : ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 1);
    out.resize(ZSTD_isError(n) ? 0 : n);
    return out;
}

// The values of `count` byte planes of `width`, or false when the bytes do not inflate to
// exactly that.
bool fromPlanes(std::string_view packed, size_t count, size_t width, std::vector<uint64_t>& u) {
    std::string planes(count * width, '\0');
    const size_t n = ZSTD_decompress(planes.data(), planes.size(), packed.data(), packed.size());
    if (ZSTD_isError(n) || n != planes.size()) return false;
    u.assign(count, 0);
    for (size_t k = 0; k < width; ++k)
        for (size_t i = 0; i < count; ++i)
            u[i] |= uint64_t(uint8_t(planes[k * count + i])) << (8 * k);
    return true;
}

void encodeValues(const std::vector<double>& values, bool asFloat32, std::string& out) {
    const size_t n = values.size();
    std::vector<uint64_t> u(n);
    if (asFloat32)
        for (size_t i = 0; i < n; ++i)
            u[i] = bitsOf(float(values[i]));
    else
        for (size_t i = 0; i < n; ++i)
            u[i] = bitsOf(values[i]);
    const size_t width = asFloat32 ? 4 : 8;
    auto [order, best] = bestOrder(u, n * width);
    std::string packed;
    if (n >= SeriesColumns::kFirstBucket) {
        packed = compressed(bytePlanes(u, width));
        if (!packed.empty() && packed.size() < best) {
            order = kPlanes;
            best = packed.size();
        }
    }
    out.push_back(char((asFloat32 ? kFloat32Flag : 0) | order));
    char* p = appendRoom(out, best);
    if (order == kPlanes) {
        memcpy(p, packed.data(), packed.size());
    } else if (order == 1 || order == 2) {
        forEachDifference(u, order, [&](uint64_t z) { writeVarint(p, z); });
    } else {
        for (uint64_t bits : u) {
            const uint32_t narrow = uint32_t(bits);
            memcpy(p, asFloat32 ? static_cast<const void*>(&narrow) : &bits, width);
            p += width;
        }
    }
}

bool decodeValues(ByteCursor& in, size_t count, std::vector<double>& values, bool& float32) {
    const uint8_t mode = in.byte();
    ByteCursor bytes(in.bytes());
    const int order = mode & 0x0f;
    float32 = mode & kFloat32Flag;
    if (!in.ok() || order > kPlanes || (mode & ~(kFloat32Flag | 0x0f))) return false;
    std::vector<uint64_t> planes;
    if (order == kPlanes &&
        !fromPlanes(bytes.bytes(bytes.remaining()), count, float32 ? 4 : 8, planes))
        return false;
    values.resize(count);
    uint64_t previous = 0, previousDelta = 0;
    for (size_t i = 0; i < count; ++i) {
        double& d = values[i];
        uint64_t bits;
        if (order == kPlanes) {
            bits = planes[i];
        } else if (order == 0) {
            bits = float32 ? bytes.fixed<uint32_t>() : bytes.fixed<uint64_t>();
        } else {
            const uint64_t z = uint64_t(unzigzag(bytes.varint()));
            const uint64_t delta = order == 2 ? previousDelta + z : z;
            previous += delta;
            previousDelta = delta;
            bits = previous;
        }
        if (!float32) {
            d = fromBits(bits);
            continue;
        }
        if (bits > 0xffffffffu) return false;
        const uint32_t narrow = uint32_t(bits);
        float f;
        memcpy(&f, &narrow, 4);
        d = double(f);
    }
    return bytes.ok() && bytes.atEnd();
}

void widen(double& min, double& max, double lo, double hi) {
    if (!std::isnan(lo) && (std::isnan(min) || lo < min)) min = lo;
    if (!std::isnan(hi) && (std::isnan(max) || hi > max)) max = hi;
}

// The least and greatest non-NaN of n values, NaN for none. A comparison with NaN is false,
// so a NaN never replaces a bound; four lanes keep the comparisons from waiting on each other
// (a bucket's pair was a third of the encoding's compare-and-branch work).
std::pair<double, double> extremes(const double* p, size_t n) {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    double lo[4] = {kInf, kInf, kInf, kInf}, hi[4] = {-kInf, -kInf, -kInf, -kInf};
    size_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (size_t k = 0; k < 4; ++k) {
            lo[k] = p[i + k] < lo[k] ? p[i + k] : lo[k];
            hi[k] = p[i + k] > hi[k] ? p[i + k] : hi[k];
        }
    for (; i < n; ++i) {
        lo[0] = p[i] < lo[0] ? p[i] : lo[0];
        hi[0] = p[i] > hi[0] ? p[i] : hi[0];
    }
    const double min = std::min({lo[0], lo[1], lo[2], lo[3]});
    const double max = std::max({hi[0], hi[1], hi[2], hi[3]});
    if (min > max) return {NAN, NAN};  // NaNs only
    return {min, max};
}

void encodePyramid(const std::vector<SeriesPyramidLevel>& levels, bool asFloat32,
                   std::string& out) {
    putVarint(out, levels.size());
    for (const SeriesPyramidLevel& level : levels) {
        putVarint(out, level.bucketSize);
        for (size_t i = 0; i < level.mins.size(); ++i) {
            if (asFloat32) {
                putFixed(out, float(level.mins[i]));
                putFixed(out, float(level.maxs[i]));
            } else {
                putFixed(out, level.mins[i]);
                putFixed(out, level.maxs[i]);
            }
        }
    }
}

// As many levels as pyramidOf() builds for `count` points.
uint64_t levelCount(uint64_t count) {
    if (count <= SeriesColumns::kFirstBucket) return 0;
    uint64_t levels = 1;
    for (uint64_t bucket = SeriesColumns::kFirstBucket; bucket < count;
         bucket *= SeriesColumns::kBucketGrowth)
        ++levels;
    return levels;
}

bool decodePyramidPart(ByteCursor& in, uint64_t count, bool asFloat32,
                       std::vector<SeriesPyramidLevel>& levels) {
    const uint64_t n = in.varint();
    if (n != levelCount(count)) return false;
    levels.clear();
    uint64_t expected = SeriesColumns::kFirstBucket;
    for (uint64_t l = 0; l < n && in.ok(); ++l) {
        SeriesPyramidLevel level;
        level.bucketSize = in.varint();
        if (level.bucketSize != expected) return false;
        const uint64_t buckets = (count + level.bucketSize - 1) / level.bucketSize;
        if (buckets * (asFloat32 ? 8 : 16) > in.remaining()) return false;
        level.mins.resize(buckets);
        level.maxs.resize(buckets);
        for (uint64_t b = 0; b < buckets; ++b) {
            level.mins[b] = asFloat32 ? double(in.fixed<float>()) : in.fixed<double>();
            level.maxs[b] = asFloat32 ? double(in.fixed<float>()) : in.fixed<double>();
        }
        levels.push_back(std::move(level));
        expected *= SeriesColumns::kBucketGrowth;
    }
    return in.ok() && in.atEnd();
}

}  // namespace

bool SeriesColumns::fitsFloat32(const std::vector<double>& values) {
    for (double d : values)
        if (bitsOf(double(float(d))) != bitsOf(d)) return false;
    return true;
}

std::vector<SeriesPyramidLevel> SeriesColumns::pyramidOf(const std::vector<double>& values) {
    std::vector<SeriesPyramidLevel> levels;
    if (values.size() <= kFirstBucket) return levels;
    SeriesPyramidLevel base;
    base.bucketSize = kFirstBucket;
    const size_t buckets = (values.size() + kFirstBucket - 1) / kFirstBucket;
    base.mins.resize(buckets);
    base.maxs.resize(buckets);
    for (size_t b = 0; b < buckets; ++b) {
        const size_t start = b * kFirstBucket;
        std::tie(base.mins[b], base.maxs[b]) =
            extremes(values.data() + start, std::min<size_t>(kFirstBucket, values.size() - start));
    }
    levels.push_back(std::move(base));
    // Up while the level below has more than one bucket's worth to merge.
    while (levels.back().mins.size() > 1) {
        const SeriesPyramidLevel& below = levels.back();
        SeriesPyramidLevel level;
        level.bucketSize = below.bucketSize * kBucketGrowth;
        for (size_t start = 0; start < below.mins.size(); start += kBucketGrowth) {
            double min = NAN, max = NAN;
            for (size_t i = start; i < std::min(below.mins.size(), start + kBucketGrowth); ++i)
                widen(min, max, below.mins[i], below.maxs[i]);
            level.mins.push_back(min);
            level.maxs.push_back(max);
        }
        levels.push_back(std::move(level));
    }
    return levels;
}

std::string SeriesColumns::encode(const MetricSeries& series, bool* float32) {
    std::string out;
    const size_t n = series.size();
    putVarint(out, n);
    encodeNumbers(series.steps, out);
    const bool asFloat32 = fitsFloat32(series.values);
    if (float32) *float32 = asFloat32;
    encodeValues(series.values, asFloat32, out);
    encodeNumbers(series.wallTimesMs, out);
    encodePyramid(pyramidOf(series.values), asFloat32, out);
    return out;
}

bool SeriesColumns::decode(std::string_view block, MetricSeries& out,
                           std::vector<SeriesPyramidLevel>* pyramid) {
    ByteCursor in(block);
    const uint64_t count = in.varint();
    // Every column spends at least one byte a point: a count past that is damage.
    if (!in.ok() || count > block.size()) return false;
    bool float32 = false;
    if (!decodeNumbers(in, size_t(count), out.steps) ||
        !decodeValues(in, size_t(count), out.values, float32) ||
        !decodeNumbers(in, size_t(count), out.wallTimesMs))
        return false;
    std::vector<SeriesPyramidLevel> levels;
    return decodePyramidPart(in, count, float32, pyramid ? *pyramid : levels);
}

bool SeriesColumns::decodePyramid(std::string_view block,
                                  std::vector<SeriesPyramidLevel>& pyramid) {
    ByteCursor in(block);
    const uint64_t count = in.varint();
    in.byte();
    in.bytes();
    const uint8_t valueMode = in.byte();
    in.bytes();
    in.byte();
    in.bytes();
    if (!in.ok()) return false;
    return decodePyramidPart(in, count, valueMode & kFloat32Flag, pyramid);
}

}  // namespace runlens
