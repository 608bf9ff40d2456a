#pragma once

#include <QGraphicsItem>

#include "MetricChart.h"

namespace runlens {

// Draws the chart's frame over the plot area: its image when made on the pool, else every
// visible curve's reduced polyline with cosmetic 1 px pens.
// Qt Charts rebuilds each QLineSeries' geometry on replace() (0.7 us a point here); drawing
// the few thousand reduced points ourselves keeps a pan or zoom to a few milliseconds.
class PlotItem : public QGraphicsItem {
public:
    explicit PlotItem(MetricChart* chart) : m_chart(chart) { setZValue(500); }
    QRectF boundingRect() const override { return m_chart->chart()->plotArea(); }
    void refresh() {
        prepareGeometryChange();
        update();
    }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) override;

private:
    void paintFrameImage(QPainter& painter, const QRectF& area);
    void paintPoints(QPainter& painter, const QRectF& area);

    MetricChart* m_chart;
};

}  // namespace runlens
