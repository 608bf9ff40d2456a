#pragma once

#include <QWidget>

#include "MetricChart.h"
#include "analysis/ChartCurve.h"
#include "analysis/GroupBand.h"
#include "model/Catalog.h"
#include "model/MetricSeries.h"
#include "model/RunSelection.h"

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QSlider;
class QTimer;

namespace runlens {

class HistoryCache;

// The charts area: one chart per chosen metric in a grid (small multiples), each overlaying
// the checked runs the table shows (filter and brushes alike) in their colours; a searchable metric
// picker (default: the first metrics the checked runs share), the x axis (step, wall time, time
// since the run started), the y axis (linear or log10) and smoothing (TensorBoard's EMA, a centred
// running average or a time-weighted EMA, the raw line drawn faint beneath). Hovering one chart
// shows the crosshair on all of them.
class ChartsPanel : public QWidget {
    Q_OBJECT
public:
    using Smoothing = runlens::Smoothing;

    ChartsPanel(const Catalog* catalog, RunSelection* selection, HistoryCache* histories,
                QWidget* parent = nullptr);

    void setMetrics(const QStringList& metrics);  // empty: the default choice
    QStringList metrics() const;
    void setXKind(MetricChart::XKind kind);
    // Plots against another metric of each run (epoch, say), matched by step.
    void setXMetric(const QString& key);
    void setSmoothing(Smoothing kind, double amount);  // amount 0..0.99 (EMA weight; window share)
    void setLogY(bool on);
    void setClipOutliers(bool on);
    // Draws each group of checked runs (by a param or tag: "params.<key>" / "tags.<key>")
    // as its mean with a band; empty for one line per run.
    void setGroupBy(const QString& key, BandKind band = BandKind::MinMax);
    QList<MetricChart*> charts() const { return m_charts; }
    void chooseMetrics();
    // Every chart at once: CSV (all drawn values), or PNG/SVG of the grid, each chart at
    // `chartSize` times `scale`. One chart: MetricChart::saveAs.
    bool exportAll(const QString& path, QSize chartSize, qreal scale = 1);
    // Rebuilds every chart from the histories at hand (missing ones are requested).
    void refresh();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QStringList defaultMetrics() const;
    // Checked, and shown by the filter and the brushes: what the table lists.
    bool isDrawn(const Run& run) const;
    int gridColumns() const;
    void layOutCharts();
    void showSmoothingAmount();
    MetricChart::Curve curve(const Run& run, const MetricSeries& series,
                             const MetricSeries* xSeries) const;
    std::vector<const Run*> pickerRuns() const;
    void fillXChoices();
    QString groupOf(const Run& run) const;
    void fillGroupChoices();
    void scheduleRefresh();

    const Catalog* m_catalog;
    RunSelection* m_selection;
    HistoryCache* m_histories;
    QStringList m_chosen;  // empty: default
    MetricChart::XKind m_xKind = MetricChart::XKind::Step;
    QString m_xMetric;
    Smoothing m_smoothing = Smoothing::Ema;
    double m_amount = 0.6;
    bool m_logY = false;
    bool m_clip = false;
    QString m_groupBy;
    BandKind m_band = BandKind::MinMax;
    QComboBox* m_groupBox;
    QComboBox* m_bandBox;
    QCheckBox* m_clipBox;
    QList<MetricChart*> m_charts;
    QGridLayout* m_grid;
    QLabel* m_empty;
    QTimer* m_refresh;
    QComboBox* m_xBox;
    QComboBox* m_smoothingBox;
    QSlider* m_slider;
    QLabel* m_sliderValue;
    int m_gridColumns = 0;
    QList<MetricChart*> m_laidOut;
    QCheckBox* m_logBox;
};

}  // namespace runlens
