#pragma once

#include <QChartView>
#include <QPointer>
#include <vector>

#include "model/RunId.h"

class QGraphicsLineItem;
class QLineSeries;

namespace runlens {

// One metric's chart: every checked run overlaid in its colour. Points are reduced to the
// visible x range and the chart's pixel width on every zoom and resize (never sampled away:
// see analysis/Decimation). Wheel zooms x around the cursor, dragging pans, double-click
// resets; a crosshair follows the mouse and is mirrored on the other charts, with a tooltip
// listing each run's value at that x, nearest first.
class MetricChart : public QChartView {
    Q_OBJECT
public:
    struct Curve {
        RunId run;
        QString name;
        uint32_t colour = 0;
        std::vector<double> xs;     // sorted ascending
        std::vector<double> ys;     // smoothed (or raw when not smoothing)
        std::vector<double> rawYs;  // empty when not smoothing
    };
    enum class XKind { Step, WallTime, RelativeTime };

    explicit MetricChart(const QString& metric, QWidget* parent = nullptr);

    const QString& metric() const { return m_metric; }
    void setCurves(std::vector<Curve> curves, XKind xKind, bool logY);
    void setXRange(double xMin, double xMax);
    void resetZoom();
    std::pair<double, double> xRange() const { return {m_xMin, m_xMax}; }
    void showCrosshair(double x);  // NaN hides it
    // What the tooltip says at x: one line per run, nearest point first.
    QStringList valuesAt(double x) const;
    int hiddenNonPositive() const { return m_hiddenNonPositive; }
    bool crosshairVisible() const;
    size_t drawnPoints() const;

signals:
    void hovered(double x);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void rebuildAxes();
    void redraw();
    double xAt(const QPoint& pos) const;

    QString m_metric;
    std::vector<Curve> m_curves;
    std::vector<QLineSeries*> m_series;  // per curve: smoothed, then raw (faint)
    XKind m_xKind = XKind::Step;
    bool m_logY = false;
    double m_fullMin = 0, m_fullMax = 1;
    double m_xMin = 0, m_xMax = 1;
    int m_hiddenNonPositive = 0;
    bool m_dragging = false;
    QPoint m_dragStart;
    double m_dragMin = 0, m_dragMax = 0;
    QGraphicsLineItem* m_crosshair = nullptr;
};

}  // namespace runlens
