#pragma once

#include <QHash>
#include <QList>
#include <QStringView>
#include <cstdint>
#include <span>

namespace runlens {

// The colours runs are drawn in (0xRRGGBB): a categorical palette made for telling lines
// apart, Tableau 10 first, then the companions Tableau 20 adds that differ from it. Its greys
// are left out: a grey line reads as the faint raw line beneath a smoothed curve, or as a run
// brushed out. Values: Tableau's 2016 "Tableau 10" and "Tableau 20" palettes.
std::span<const uint32_t> runPalette();

// The colour for a run joining runs drawn in `taken`: the first palette colour none of them
// has; once every colour is taken, the one taken least often (the earliest on a tie). Checked
// runs get their colours this way, so a few runs compared are as far apart as the palette goes.
// How many runs have each colour: checking 2,000 runs asks it 2,000 times.
class ColourUses {
public:
    ColourUses() = default;
    ColourUses(std::initializer_list<uint32_t> colours) : ColourUses(QList<uint32_t>(colours)) {}
    ColourUses(const QList<uint32_t>& colours) {  // NOLINT: a list of colours reads as one
        for (const uint32_t rgb : colours)
            add(rgb);
    }
    void add(uint32_t rgb) { ++m_uses[rgb]; }
    qsizetype count(uint32_t rgb) const { return m_uses.value(rgb); }

private:
    QHash<uint32_t, qsizetype> m_uses;
};

uint32_t firstFreeColour(const ColourUses& taken);

// A run's colour before one is assigned: one of the palette's first nine colours (Tableau 10's)
// from its portable key (RunId::portableKey), the same in every launch and wherever the
// project lies.
uint32_t hashedColour(QStringView portableKey);

}  // namespace runlens
