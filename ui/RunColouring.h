#pragma once

#include <vector>

#include "analysis/LineDensity.h"
#include "analysis/ParallelAxis.h"
#include "model/RunSelection.h"

namespace runlens {

// How the parallel-coordinates and scatter views colour runs: by their run colour, or by a
// column through viridis (its darkest part left out on a dark background, viridisOn).
class RunColouring {
public:
    void setColumn(const QString& key, bool log);  // empty key: run colours
    const QString& key() const { return m_key; }
    bool log() const { return m_log; }
    void setDarkBackground(bool dark) { m_dark = dark; }
    bool darkBackground() const { return m_dark; }
    // Builds the colour axis over `runs`; colours of runs are then `colour(run)`.
    void prepare(const std::vector<const Run*>& runs);
    uint32_t colour(const Run& run, const RunSelection& selection) const;
    // The colour at u (0-1) of the colour scale, as lines of that value are drawn.
    uint32_t scaleColour(double u) const { return viridisOn(u, m_dark); }
    // The run's place on the colour scale, 0-254, or 255 off it (for density images).
    uint8_t shade(const Run& run) const;
    // The colours of those 256 shades, for LineDensity::compose.
    const LineDensity::Shades& shades() const;
    bool byColumn() const { return !m_key.isEmpty(); }
    const ParallelAxis& axis() const { return m_axis; }

    static constexpr uint32_t kOffScale = 0x9a9a9a;  // missing, NaN, text on a numeric column

private:
    QString m_key;
    bool m_log = false;
    bool m_dark = false;
    ParallelAxis m_axis;
};

}  // namespace runlens
