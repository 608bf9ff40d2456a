#include "RunColours.h"

#include <array>

namespace runlens {

namespace {
constexpr std::array<uint32_t, 16> kPalette = {
    // Tableau 10 without its grey: blue, orange, red, teal, green, yellow, purple, pink, brown.
    0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f,
    // Tableau 20's others that stand apart from those, the most distinct first (CIE76 colour
    // difference, at least 12 from every other): olive, raspberry, light blue, light green,
    // light orange, lilac, dark teal. Its light red, light teal and light yellow are too close
    // to a colour above; its tan and greys to the grey of runs brushed out.
    0xb6992d, 0xd37295, 0xa0cbe8, 0x8cd17d, 0xffbe7d, 0xd4a6c8, 0x499894};
// A run's colour from its key is one of the first nine: a run checked keeps it when free, and
// the lighter shades after them are close to some of those.
constexpr size_t kSaturated = 9;
}  // namespace

std::span<const uint32_t> runPalette() {
    return kPalette;
}

uint32_t firstFreeColour(const ColourUses& taken) {
    size_t best = 0;
    qsizetype bestUses = -1;
    for (size_t i = 0; i < kPalette.size(); ++i) {
        const qsizetype uses = taken.count(kPalette[i]);
        if (uses == 0) return kPalette[i];
        if (bestUses < 0 || uses < bestUses) best = i, bestUses = uses;
    }
    return kPalette[best];
}

uint32_t hashedColour(QStringView portableKey) {
    // FNV-1a over the UTF-16 code units: stable across launches and platforms (qHash is
    // seeded per process).
    uint32_t h = 2166136261u;
    for (const QChar c : portableKey) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    return kPalette[h % kSaturated];
}

}  // namespace runlens
