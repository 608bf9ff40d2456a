#pragma once

#include <QHash>
#include <QImage>
#include <QTimer>
#include <QWidget>
#include <vector>

#include "RunColouring.h"
#include "analysis/LineDensity.h"
#include "analysis/ParallelAxis.h"
#include "model/Catalog.h"
#include "model/RunSelection.h"

namespace runlens {

// Parallel coordinates: one vertical axis per column (numeric linear or log, categorical, with
// extra ticks for stray, special and missing values), one polyline per run the filter (the
// shared RunSelection's) lets through; runs outside the brushes are drawn grey beneath the
// others, which are exactly the runs the table lists.
// Drag on an axis to brush a range (several per axis; drag a brush to move it, its edge to
// resize it, click it to remove it); brushes go to the shared RunSelection, so the table and
// the charts show the same runs. Drag a title to reorder; right-click a title for log, invert,
// colour by, remove. Hover highlights a run everywhere, click makes it current.
//
// Up to densityThreshold() runs are drawn as opaque QPainter lines; past it (Qt's raster
// engine takes ~50 us per semi-transparent segment) as a LineDensity image, updated
// incrementally when a brush moves: only the runs that entered or left the brushed set are
// added to or taken from the two layers.
class ParallelView : public QWidget {
    Q_OBJECT
public:
    ParallelView(const Catalog* catalog, RunSelection* selection, QWidget* parent = nullptr);

    void setColumns(const std::vector<ColumnRef>& columns);  // empty: the default choice
    std::vector<ColumnRef> columns() const;
    // The axes the user chose (empty while the default choice applies).
    const std::vector<ColumnRef>& chosenColumns() const { return m_chosen; }
    // When the runs shown come from several experiments (or studies) and the axes are the
    // default ones: the experiment they were chosen from (largestExperiment). Else empty.
    const QString& axesExperiment() const { return m_axesExperiment; }
    // What the view says of it, above the axes (empty when it says nothing).
    QString axesNote() const;
    const std::vector<ParallelAxis>& axes() const { return m_axes; }
    void moveAxis(int from, int to);
    void removeAxis(int index);
    void setAxisLog(int index, bool log);
    void setAxisInverted(int index, bool inverted);
    RunColouring& colouring() { return m_colouring; }
    void setColouring(const QString& key, bool log);
    // The runs through the filter, and which of them are drawn in colour (inside the brushes:
    // the runs the table lists); the others are drawn grey beneath, for context.
    const std::vector<const Run*>& shownRuns() const { return m_runs; }
    bool isInColour(size_t shownRun) const { return m_in[shownRun] != 0; }
    int densityThreshold() const { return m_densityThreshold; }
    void setDensityThreshold(int runs);
    bool densityMode() const { return int(m_runs.size()) > m_densityThreshold; }

    // Widget coordinates of u on an axis (tests drive the mouse with these).
    QPointF pointOf(int axis, float u) const;
    // What an axis' title reads at the view's size: its kind line, then its name's lines.
    QStringList titleText(int axis) const;
    // The tick labels an axis shows at the view's size (those with no room are left out).
    QStringList tickLabels(int axis) const;
    // A brush over u0..u1 on an axis, as dragging there would make it.
    void brushAxis(int axis, float u0, float u1);
    void clearBrushes();

    QByteArray toCsv() const;
    bool saveAs(const QString& path, QSize size, qreal scale = 1);
    void renderInto(QPainter& painter, QSize size);

    // Time of the last full density build and of the last brush update, for the benchmark.
    double lastFullBuildMs() const { return m_fullBuildMs; }
    double lastBrushUpdateMs() const { return m_brushUpdateMs; }
    // Runs drawn into the density layers so far: every shown run at a full build, only those
    // that entered or left the brushed set at a brush change (tests check that work).
    qint64 densityRunsDrawn() const { return m_densityRunsDrawn; }

signals:
    void columnsChanged();
    void coloursChanged();  // run colours, the colour column or the palette changed

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Layout {
        QSize size;
        QRectF plot;
        float spacing = 200;  // between axes
        // The width of the title of the axis at x: its share, centred on it, in the view.
        qreal titleWidth(float x) const {
            const float edge = std::min(x, float(size.width()) - x) - 2;
            return std::max(40.f, std::min(spacing - 8, 2 * edge));
        }
        float top = 0, mainHeight = 1;
        std::vector<float> xs;
        float y(float u) const { return top + (1.f - u) * mainHeight; }
        float u(float y) const { return 1.f - (y - top) / mainHeight; }
    };
    Layout layoutFor(QSize size) const;
    QFont smallFont() const;
    QFont titleFont(const ParallelAxis& axis) const;
    bool isHiddenTab() const;
    void runsChanged();
    void rebuild();
    void rebuildPositions();
    void rebuildColours();
    void brushesChanged();
    void buildDensity(const Layout& layout, LineDensity& in, LineDensity& out) const;
    void polyline(size_t run, const Layout& layout, float* xs, float* ys) const;
    const QImage& densityImage(const Layout& layout);
    void commit(const BrushSet& brushes);
    int axisAt(QPointF pos, const Layout& layout, bool titles) const;
    int brushAt(int axis, float y, const Layout& layout, int* edge) const;
    int runAt(QPointF pos, const Layout& layout) const;
    void paintView(QPainter& painter, const Layout& layout, bool forExport);
    void drawAxes(QPainter& painter, const Layout& layout) const;
    static qreal labelWidth(const Layout& layout, int axis);
    void drawTitle(QPainter& painter, const Layout& layout, const ParallelAxis& axis,
                   float x) const;
    void drawColourBar(QPainter& painter, const Layout& layout) const;
    void drawAxesNote(QPainter& painter, const Layout& layout) const;
    QColor outColour() const;
    uint32_t densityColour() const;

    const Catalog* m_catalog;
    RunSelection* m_selection;
    std::vector<ColumnRef> m_chosen;  // empty: defaults
    QString m_axesExperiment;
    int m_axesExperimentRuns = 0;
    struct AxisOptions {
        int log = -1;  // -1: the axis' own choice
        bool inverted = false;
    };
    QHash<QString, AxisOptions> m_options;  // by column key, kept across rebuilds
    std::vector<ParallelAxis> m_axes;
    std::vector<const Run*> m_runs;
    std::vector<float> m_u;  // m_runs.size() x m_axes.size()
    std::vector<uint32_t> m_colours;
    std::vector<uint8_t> m_shades;
    std::vector<char> m_in;  // per shown run: inside the brushes
    RunColouring m_colouring;
    QTimer m_rebuildSoon;
    int m_densityThreshold = 400;

    LineDensity m_densityIn, m_densityOut;
    QImage m_densityImage;
    QSize m_densitySize;
    bool m_densityStale = true;
    bool m_stale = false;    // runs changed while a hidden tab: rebuilt when shown
    int m_densityScale = 1;  // the most lines through one pixel at the last full build
    double m_fullBuildMs = 0, m_brushUpdateMs = 0;
    qint64 m_densityRunsDrawn = 0;

    enum class Drag { None, NewBrush, MoveBrush, ResizeLow, ResizeHigh, MoveAxis };
    Drag m_drag = Drag::None;
    int m_dragAxis = -1;
    int m_dragBrush = -1;
    QPointF m_pressPos;
    float m_pressU0 = 0, m_pressU1 = 0;  // the brush's span when pressed
    float m_dragU0 = 0, m_dragU1 = 0;    // the range being dragged
    bool m_moved = false;
    QPointF m_axisDragPos;
};

}  // namespace runlens
