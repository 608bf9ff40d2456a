#include "RunSelection.h"

#include <array>

namespace runlens {

namespace {
// Tableau 10 then its lighter companions: distinct on white and dark backgrounds.
constexpr std::array<uint32_t, 20> kPalette = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f,
                                               0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f, 0xbab0ac,
                                               0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                               0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
}  // namespace

uint32_t RunSelection::defaultColour(const RunId& id) {
    // FNV-1a over the id's UTF-16: stable across launches and platforms (qHash is seeded).
    uint32_t h = 2166136261u;
    for (const QChar c : id.text()) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    return kPalette[h % kPalette.size()];
}

uint32_t RunSelection::colour(const RunId& id) const {
    return m_colours.value(id, defaultColour(id));
}

void RunSelection::setColour(const RunId& id, uint32_t rgb) {
    if (colour(id) == rgb) return;
    m_colours.insert(id, rgb);
    emit colourChanged(id);
}

void RunSelection::setChecked(const RunId& id, bool checked) {
    if (checked == m_checked.contains(id)) return;
    if (checked)
        m_checked.insert(id);
    else
        m_checked.remove(id);
    emit checkedChanged();
}

void RunSelection::setCheckedRuns(const QSet<RunId>& ids) {
    if (ids == m_checked) return;
    m_checked = ids;
    emit checkedChanged();
}

void RunSelection::setCurrent(const RunId& id) {
    if (id == m_current) return;
    m_current = id;
    emit currentChanged(id);
}

void RunSelection::setHovered(const RunId& id) {
    if (id == m_hovered) return;
    m_hovered = id;
    emit hoveredChanged(id);
}

void RunSelection::setBrushes(const BrushSet& brushes, const std::vector<Run>& runs) {
    m_brushes = brushes;
    m_brushed.clear();
    if (!m_brushes.isEmpty())
        for (const Run& run : runs)
            if (m_brushes.matches(run)) m_brushed.insert(run.id);
    emit brushesChanged();
}

}  // namespace runlens
