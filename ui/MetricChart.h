#pragma once

#include <QChartView>
#include <optional>
#include <vector>

#include "analysis/AxisTicks.h"
#include "analysis/ChartCurve.h"
#include "analysis/Decimation.h"
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
// hides its line.
class MetricChart : public QChartView {
    Q_OBJECT
public:
    using Curve = ChartCurve;
    using XKind = runlens::XKind;

    explicit MetricChart(const QString& metric, QWidget* parent = nullptr);

    const QString& metric() const { return m_metric; }
    // `xLabel` names the x axis when x is another metric.
    void setCurves(std::vector<Curve> curves, XKind xKind, bool logY, const QString& xLabel = {});
    void setXRange(double xMin, double xMax);
    void resetZoom();
    int curveCount() const { return int(m_curves.size()); }
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
    // The reduced points of a curve as drawn now (values, not pixels).
    const std::vector<QPointF>& drawnValues(int curve) const {
        return m_drawn[size_t(curve)].points;
    }

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
        MinMaxBlocks blocks, rawBlocks;          // built once per curve, for fast reduction
        std::vector<QPointF> points, rawPoints;  // what is drawn now (values, reduced)
    };
    void rebuildAxes();
    void redraw();
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
    std::vector<Curve> m_curves;
    std::vector<Drawn> m_drawn;     // one per curve
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
