#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <cstdint>

#include "BrushSet.h"
#include "Run.h"
#include "RunId.h"
#include "query/RunFilter.h"

namespace runlens {

// A run colour kept across launches, by the run's portable key (RunId::portableKey).
struct RememberedColour {
    uint32_t rgb = 0;     // 0xRRGGBB
    bool chosen = false;  // by the user (kept whatever else is checked), not assigned
    friend bool operator==(const RememberedColour&, const RememberedColour&) = default;
};
using ColourMemory = QHash<QString, RememberedColour>;

// The one selection every view shares (DESIGN.md, "Linked views"): which runs pass the
// filter and the brushes (isShown: what the table lists and every view draws), which are
// checked for the charts, which one is current or hovered, and each run's colour. Kept in
// core, free of QtGui, so it is tested headless; colours are 0xRRGGBB.
//
// Colours: a run never checked has a colour from its portable key. Checked, it keeps the
// colour it shows when no other checked run has it, else takes the first palette colour no
// checked run has (runPalette), so runs compared together differ as much as the palette allows
// and a run is not recoloured for nothing; it keeps that colour afterwards, and the user can
// choose another. Both are remembered by portable key (colourMemory), so the runs keep their
// colours in later launches, wherever the project is opened from.
class RunSelection : public QObject {
    Q_OBJECT
public:
    explicit RunSelection(QObject* parent = nullptr) : QObject(parent) {}

    bool isChecked(const RunId& id) const { return m_checked.contains(id); }
    const QSet<RunId>& checked() const { return m_checked; }
    void setChecked(const RunId& id, bool checked);
    void setCheckedRuns(const QSet<RunId>& ids);

    uint32_t colour(const RunId& id) const;
    void setColour(const RunId& id, uint32_t rgb);  // the user's choice
    static uint32_t defaultColour(const RunId& id);
    const ColourMemory& colourMemory() const { return m_memory; }
    void setColourMemory(ColourMemory memory);

    const RunId& current() const { return m_current; }
    void setCurrent(const RunId& id);
    const RunId& hovered() const { return m_hovered; }
    void setHovered(const RunId& id);

    // The filter bar's filter. Runs it hides stay checked, and come back when it lets them.
    const RunFilter& filter() const { return m_filter; }
    void setFilter(const RunFilter& filter);
    bool passesFilter(const Run& run) const { return m_filter.matches(run); }

    // Brushes from the parallel-coordinates and scatter views narrow what every view shows.
    // `runs` are all runs of the project; the matching ones are computed here once.
    const BrushSet& brushes() const { return m_brushes; }
    void setBrushes(const BrushSet& brushes, const std::vector<Run>& runs);
    bool isBrushActive() const { return !m_brushes.isEmpty(); }
    // True when brushes are set and the run is outside them.
    bool isBrushedOut(const RunId& id) const {
        return !m_brushes.isEmpty() && !m_brushed.contains(id);
    }

    // What every view shows: the runs that pass the filter and are not brushed out.
    bool isShown(const Run& run) const { return passesFilter(run) && !isBrushedOut(run.id); }

signals:
    void brushesChanged();
    void filterChanged();
    void shownChanged();  // after either of the two above
    void checkedChanged();
    void colourChanged(const RunId& id);  // an empty id: several runs' colours changed
    void currentChanged(const RunId& id);
    void hoveredChanged(const RunId& id);

private:
    void assignColours(QList<RunId> newlyChecked);

    QSet<RunId> m_checked;
    ColourMemory m_memory;
    RunFilter m_filter;
    BrushSet m_brushes;
    QSet<RunId> m_brushed;
    RunId m_current;
    RunId m_hovered;
};

// The runs a project opened for the first time shows on its charts: the first `count` (the
// newest, as the table lists them) with a curve to draw, not single summary values like
// TensorBoard's hparams sessions.
QSet<RunId> defaultChartedRuns(const std::vector<Run>& runs, int count = 5);

}  // namespace runlens
