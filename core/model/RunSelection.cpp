#include "RunSelection.h"

#include <algorithm>

#include "RunColours.h"

namespace runlens {

uint32_t RunSelection::defaultColour(const RunId& id) {
    return hashedColour(id.portableKey());
}

uint32_t RunSelection::colour(const RunId& id) const {
    const auto it = m_memory.constFind(id.portableKey());
    return it != m_memory.constEnd() ? it->rgb : defaultColour(id);
}

void RunSelection::setColour(const RunId& id, uint32_t rgb) {
    const RememberedColour chosen{rgb, true};
    RememberedColour& entry = m_memory[id.portableKey()];
    if (entry == chosen) return;
    entry = chosen;
    emit colourChanged(id);
}

void RunSelection::setColourMemory(ColourMemory memory) {
    m_memory = std::move(memory);
    emit colourChanged({});
}

// Runs newly checked keep a colour the user chose, and the one they show (remembered, or from
// their key) when no other checked run has it; the others take the first colours free among
// the checked runs.
void RunSelection::assignColours(QList<RunId> newlyChecked) {
    std::sort(newlyChecked.begin(), newlyChecked.end());  // the same colours whatever the order
    ColourUses taken;
    for (const RunId& id : std::as_const(m_checked))
        if (!std::binary_search(newlyChecked.begin(), newlyChecked.end(), id))
            taken.add(colour(id));
    QList<RunId> uncoloured;
    for (const RunId& id : std::as_const(newlyChecked)) {
        const auto it = m_memory.constFind(id.portableKey());
        if (it != m_memory.constEnd() && (it->chosen || taken.count(it->rgb) == 0))
            taken.add(it->rgb);
        else
            uncoloured << id;
    }
    bool changed = false;
    for (const RunId& id : std::as_const(uncoloured)) {
        // The colour its swatch showed while unchecked, when no checked run has it: checking a
        // run does not recolour it for nothing.
        const uint32_t shown = colour(id);
        const uint32_t rgb = taken.count(shown) == 0 ? shown : firstFreeColour(taken);
        taken.add(rgb);
        changed = changed || shown != rgb;
        m_memory.insert(id.portableKey(), {rgb, false});
    }
    if (changed) emit colourChanged(uncoloured.size() == 1 ? uncoloured.front() : RunId());
}

void RunSelection::setChecked(const RunId& id, bool checked) {
    if (checked == m_checked.contains(id)) return;
    if (checked)
        m_checked.insert(id);
    else
        m_checked.remove(id);
    if (checked) assignColours({id});
    emit checkedChanged();
}

void RunSelection::setCheckedRuns(const QSet<RunId>& ids) {
    if (ids == m_checked) return;
    QList<RunId> added;
    for (const RunId& id : ids)
        if (!m_checked.contains(id)) added << id;
    m_checked = ids;
    assignColours(added);
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

void RunSelection::setFilter(const RunFilter& filter) {
    m_filter = filter;
    emit filterChanged();
    emit shownChanged();
}

void RunSelection::setBrushes(const BrushSet& brushes, const std::vector<Run>& runs) {
    m_brushes = brushes;
    m_brushed.clear();
    if (!m_brushes.isEmpty())
        for (const Run& run : runs)
            if (m_brushes.matches(run)) m_brushed.insert(run.id);
    emit brushesChanged();
    emit shownChanged();
}

QSet<RunId> defaultChartedRuns(const std::vector<Run>& runs, int count) {
    QSet<RunId> first;
    for (const Run& run : runs) {
        if (first.size() >= count) break;
        const bool hasCurve =
            std::any_of(run.metrics.begin(), run.metrics.end(),
                        [](const MetricSummary& m) { return m.count > 1 || !m.hasStats; });
        if (hasCurve) first.insert(run.id);
    }
    return first;
}

}  // namespace runlens
