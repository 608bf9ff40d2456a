#pragma once

#include <QChartView>
#include <QThreadPool>
#include <memory>
#include <optional>
#include <vector>

#include "PlotFrame.h"
#include "analysis/AxisTicks.h"
#include "analysis/ChartCurve.h"
#include "analysis/CurveSet.h"
#include "model/RunId.h"

class QAreaSeries;
class QGraphicsLineItem;
class QLineSeries;
class QRubberBand;
class QTimer;

namespace runlens {

class PlotItem;

// One metric's chart: every checked run (or group of runs) overlaid in its colour. Points
// are reduced to the visible x range and the chart's pixel width on every zoom and resize
// (never sampled away: see analysis/Decimation). Wheel zooms x around the cursor, dragging
// pans, right-dragging draws a box to zoom into, double-click resets; a crosshair follows the
// mouse and is mirrored on the other charts, with a tooltip listing each run's value at that
// x, nearest first. Hovering a line highlights that run everywhere; clicking a legend entry
// hides its line. Past kPlotOnPoolFrom points or kPlotOnPoolFromCurves lines the reduction and
// the drawing of the lines run on a thread of the chart's own (the newest view wins); until a
// frame arrives, the last one is laid over the new view, scaled, so a resize or a zoom never
// waits for it.
class MetricChart : public QChartView {
    Q_OBJECT
public:
    using Curve = ChartCurve;
    using XKind = runlens::XKind;

    explicit MetricChart(const QString& metric, QWidget* parent = nullptr);
    ~MetricChart() override;

    const QString& metric() const { return m_metric; }
    // `xLabel` names the x axis when x is another metric.
    void setCurves(std::vector<Curve> curves, XKind xKind, bool logY, const QString& xLabel = {});
    // The same, made on the pool (ChartsPanel): the legend names and prefix come with it.
    void setCurveSet(std::shared_ptr<const CurveSet> set, XKind xKind, bool logY,
                     const QString& xLabel = {});
    const std::shared_ptr<const CurveSet>& curveSet() const { return m_set; }
    // A short note in the title ("loading 812/2,000"); empty for none.
    void setLoadingNote(const QString& note);
    // True while a frame of the lines is being made on the pool for the view shown.
    bool isDrawing() const { return m_framePending; }
    // How many frames of the lines were drawn on the chart's thread (a zoom should cost one).
    int framesDrawn() const { return m_framesDrawn; }
    void setXRange(double xMin, double xMax);
    void resetZoom();
    int curveCount() const { return int(m_set->size()); }
    std::pair<double, double> xRange() const { return {m_xMin, m_xMax}; }
    std::pair<double, double> yRange() const;
    void showCrosshair(double x);  // NaN hides it
    bool crosshairVisible() const;
    // What the tooltip says at x: one line per run, nearest point first.
    QStringList valuesAt(double x) const;
    // The tooltip at x (rich text): colour, run, smoothed and raw value, step, time.
    QString tooltipAt(double x) const;
    // Fits y to the 1st-99th percentile of what is visible; the title says values are clipped.
    void setClipOutliers(bool on);
    void setHighlighted(const RunId& run);  // drawn thicker; empty for none
    const RunId& highlighted() const { return m_highlighted; }
    // The curve drawn nearest to a widget point, within `maxPixels`, or an empty id.
    RunId curveNear(const QPoint& pos, double maxPixels = 8) const;
    void setCurveVisible(int curve, bool visible);  // what a legend click does
    bool isCurveVisible(int curve) const;
    int hiddenNonPositive() const { return logY() ? m_nonPositive : 0; }
    // Log y for this chart alone (its right-click menu), over the panel's choice; nullopt
    // follows the panel.
    void setOwnLogY(std::optional<bool> on);
    // The part of the run names the legend leaves out (they all share it), said once in the
    // title; empty for none.
    void setLegendPrefix(const QString& prefix);
    bool logY() const { return m_ownLogY.value_or(m_logY); }
    // The ticks of each axis as drawn now (values in data units, labels as shown).
    std::vector<AxisTick> xTicks() const;
    std::vector<AxisTick> yTicks() const;
    // The reduced points of a curve as drawn now (values, not pixels); empty when many were
    // drawn on the pool (into an image).
    const std::vector<QPointF>& drawnValues(int curve) const;

    // What is drawn, whole (see export/CurveCsv), less the lines hidden in the legend.
    QByteArray toCsv() const;
    // By the file's suffix: PNG at `size` logical pixels times `scale` (2 for print), SVG
    // (text stays text) or CSV. Returns false if the file cannot be written.
    bool saveAs(const QString& path, QSize size, qreal scale = 1);
    // Paints the chart as it looks at `size` (laid out and reduced for that size).
    void renderInto(QPainter& painter, QSize size);
    size_t drawnPoints() const;

signals:
    void hovered(double x);
    void hoveredRun(const RunId& run);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Drawn {
        QLineSeries* legend = nullptr;  // empty: names the line in the legend, on the axes
        QAreaSeries* band = nullptr;
        bool visible = true;
    };
    const Curve& curve(size_t i) const { return m_set->curve(i); }
    void rebuildAxes();
    void redraw();
    PlotView currentView() const;
    bool drawsOnPool() const;
    void requestFrame();
    void takeReduced(std::shared_ptr<PlotFrame> frame, const std::shared_ptr<const CurveSet>& set);
    void takeFrame(std::shared_ptr<const PlotFrame> frame,
                   const std::shared_ptr<const CurveSet>& set);
    void setYAxis(double yMin, double yMax);  // and the x axis' ticks, for the plot area
    void placeAxisTicks(QSizeF plot);         // both axes' ticks for a plot area of that size
    std::vector<AxisTick> xTicksFor(double plotWidth) const;
    std::vector<AxisTick> yTicksFor(double plotHeight) const;
    void showFrame(std::shared_ptr<const PlotFrame> frame);
    void updateTitle();
    void applyPens();
    void addLegendOverflow();
    void fitLegend();
    void showMenu(const QPoint& pos);
    void followPalette();

    double xAt(const QPoint& pos) const;
    struct Hit {
        double distance;
        size_t curve, point;
    };
    std::vector<Hit> hitsAt(double x) const;  // each visible curve's point nearest x
    QString xText(double x) const;

    QString m_metric;
    std::shared_ptr<const CurveSet> m_set;
    std::vector<Drawn> m_drawn;  // one per curve
    std::shared_ptr<const PlotFrame> m_frame;
    QThreadPool m_pool;  // one thread: this chart's frames, one at a time
    bool m_framePending = false;
    PlotView m_pendingView;  // what the frame being made shows
    int m_framesDrawn = 0;
    QTimer* m_refitCheck = nullptr;  // the plot area once the axes are laid out
    bool m_frameAgain = false;       // the view changed while a frame was being made
    bool m_refit = false;            // a frame may follow the plot area once after a redraw
    std::shared_ptr<std::atomic_bool> m_frameCancel;
    QString m_loadingNote;
    QStringList m_legendKey;        // what the legend shows: kept while it stays the same
    QLineSeries* m_more = nullptr;  // the legend's "+N more" entry
    QString m_moreText;
    QString m_legendPrefix;
    XKind m_xKind = XKind::Step;
    QString m_xLabel;
    bool m_logY = false;
    bool m_clip = false;
    bool m_clipped = false;  // the last redraw cut values off
    double m_fullMin = 0, m_fullMax = 1;
    double m_xMin = 0, m_xMax = 1;
    double m_yMin = 0, m_yMax = 1;
    std::optional<std::pair<double, double>> m_boxY;  // y range chosen by box zoom
    int m_nonPositive = 0;                            // values a log axis cannot show
    std::optional<bool> m_ownLogY;
    RunId m_highlighted;
    bool m_dragging = false;
    QPoint m_dragStart;
    double m_dragMin = 0, m_dragMax = 0;
    QRubberBand* m_box = nullptr;
    QPoint m_boxStart;
    QGraphicsLineItem* m_crosshair = nullptr;
    PlotItem* m_plot = nullptr;
    // While the user zooms or pans, lines are drawn without antialiasing; once the view has
    // been still for a moment it is drawn again, smooth.
    bool m_moving = false;
    QTimer* m_idle = nullptr;  // draws the reduced lines itself (Qt Charts keeps axes, legend)
    friend class PlotItem;
};

}  // namespace runlens
