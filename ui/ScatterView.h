#pragma once

#include <QWidget>

#include "ParallelView.h"

namespace runlens {

// Any two columns against each other, one dot per run the filter shows, coloured as in the
// parallel coordinates. Drag a rectangle to brush both columns (the brushes are the same
// ones the parallel coordinates use); click a dot to make its run current, click empty space
// to clear this view's brushes. Axes are ParallelAxis too: log, categorical and the extra
// ticks for stray, special and missing values work the same.
class ScatterView : public QWidget {
    Q_OBJECT
public:
    ScatterView(const Catalog* catalog, RunSelection* selection, const RunColouring* colouring,
                QWidget* parent = nullptr);

    void setRuns(const std::vector<const Run*>& runs);
    // One dot each; those outside the brushes grey (ParallelView::isInColour).
    const std::vector<const Run*>& runs() const { return m_runs; }
    void setColumns(const QString& xKey, const QString& yKey);
    QString xKey() const { return m_x.column().key(); }
    QString yKey() const { return m_y.column().key(); }
    void setLog(bool xLog, bool yLog);
    const ParallelAxis& xAxis() const { return m_x; }
    const ParallelAxis& yAxis() const { return m_y; }
    void refreshColours();

    QPointF pointOf(float ux, float uy) const;  // widget coordinates of axis units
    // Brushes the rectangle ux0..ux1 x uy0..uy1 (axis units), as a drag would.
    void brushRect(float ux0, float ux1, float uy0, float uy1);

    QByteArray toCsv() const;
    bool saveAs(const QString& path, QSize size, qreal scale = 1);
    void renderInto(QPainter& painter, QSize size);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Layout {
        QRectF plot;
        float xb = 0, yb = 0;  // lowest u on each axis
        float x(float u) const { return float(plot.left() + (u - xb) / (1 - xb) * plot.width()); }
        float y(float u) const {
            return float(plot.bottom() - (u - yb) / (1 - yb) * plot.height());
        }
        float ux(float px) const {
            return xb + float((px - plot.left()) / plot.width()) * (1 - xb);
        }
        float uy(float py) const {
            return yb + float((plot.bottom() - py) / plot.height()) * (1 - yb);
        }
    };
    Layout layoutFor(QSize size) const;
    void rebuildAxes();
    int runAt(QPointF pos, const Layout& layout) const;
    void paintView(QPainter& painter, const Layout& layout, bool forExport);

    const Catalog* m_catalog;
    RunSelection* m_selection;
    const RunColouring* m_colouring;
    std::vector<const Run*> m_runs;
    ParallelAxis m_x, m_y;
    int m_xLog = -1, m_yLog = -1;
    std::vector<QPointF> m_u;  // per run: (ux, uy)
    std::vector<uint32_t> m_colours;
    bool m_dragging = false;
    QPointF m_pressPos, m_dragPos;
};

}  // namespace runlens
