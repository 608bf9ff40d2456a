#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <cstdint>

#include "BrushSet.h"
#include "RunId.h"

namespace runlens {

// The one selection every view shares (DESIGN.md, "Linked views"): which runs pass the
// filter, which are checked for the charts, which one is current or hovered, and each run's
// colour. Colours are stable per run id (the same run has the same colour in every launch)
// and can be changed by the user. Kept in core, free of QtGui, so it is tested headless;
// colours are 0xRRGGBB.
class RunSelection : public QObject {
    Q_OBJECT
public:
    explicit RunSelection(QObject* parent = nullptr) : QObject(parent) {}

    bool isChecked(const RunId& id) const { return m_checked.contains(id); }
    const QSet<RunId>& checked() const { return m_checked; }
    void setChecked(const RunId& id, bool checked);
    void setCheckedRuns(const QSet<RunId>& ids);

    uint32_t colour(const RunId& id) const;
    void setColour(const RunId& id, uint32_t rgb);
    static uint32_t defaultColour(const RunId& id);

    const RunId& current() const { return m_current; }
    void setCurrent(const RunId& id);
    const RunId& hovered() const { return m_hovered; }
    void setHovered(const RunId& id);

    // Brushes from the parallel-coordinates and scatter views narrow what every view shows.
    // `runs` are all runs of the project; the matching ones are computed here once.
    const BrushSet& brushes() const { return m_brushes; }
    void setBrushes(const BrushSet& brushes, const std::vector<Run>& runs);
    bool isBrushActive() const { return !m_brushes.isEmpty(); }
    // True when brushes are set and the run is outside them.
    bool isBrushedOut(const RunId& id) const {
        return !m_brushes.isEmpty() && !m_brushed.contains(id);
    }
    const QSet<RunId>& brushedRuns() const { return m_brushed; }

signals:
    void brushesChanged();
    void checkedChanged();
    void colourChanged(const RunId& id);
    void currentChanged(const RunId& id);
    void hoveredChanged(const RunId& id);

private:
    QSet<RunId> m_checked;
    QHash<RunId, uint32_t> m_colours;
    BrushSet m_brushes;
    QSet<RunId> m_brushed;
    RunId m_current;
    RunId m_hovered;
};

}  // namespace runlens
