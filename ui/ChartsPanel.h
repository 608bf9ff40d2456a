#pragma once

#include <QHash>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <QWidget>
#include <optional>

#include "MetricChart.h"
#include "analysis/ChartCurve.h"
#include "analysis/CurveSet.h"
#include "analysis/GroupBand.h"
#include "model/Catalog.h"
#include "model/MetricSeries.h"
#include "model/RunSelection.h"

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QScrollArea;
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
//
// Nothing slow runs on the GUI thread: the histories the charts want are loaded by the
// HistoryCache on its pool, and the lines (sorting, smoothing, grouping) are made on this
// panel's pool, one job per chart at a time; a newer choice of runs supersedes an older one.
// Runs appear as their histories arrive, the chart's title saying "loading 812/2,000".
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
    // True while histories load or lines are being made for what the charts should show.
    bool isBusy() const;
    ~ChartsPanel() override;

signals:
    // How many metrics are charted of those the checked runs log (up to four by default);
    // `available` is `charted` when none is left out.
    void metricsCharted(int charted, int available);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QStringList defaultMetrics() const;
    // Checked, and shown by the filter and the brushes: what the table lists.
    bool isDrawn(const Run& run) const;
    QString emptyNote(const QString& metric) const;
    void sayHowManyCharted(qsizetype charted);
    int gridColumns() const;
    void layOutCharts(int viewportHeight);
    void fitRows(int viewportHeight);
    void showSmoothingAmount();
    // One chart's job: what its lines are made from, and how they are drawn.
    struct Job {
        ChartPlan plan;
        XKind xKind = XKind::Step;
        bool logY = false;
        QString xMetric;
        quint64 signature = 0;
    };
    struct ChartState {
        quint64 shown = 0;  // signature of the plan the chart shows (or is being made)
        bool running = false;
        std::shared_ptr<std::atomic_bool> cancel;
        std::optional<Job> next;  // asked for while one was running
        QSet<RunId> runningRuns;
    };
    void submit(MetricChart* chart, Job job);
    void start(MetricChart* chart, Job job);
    void apply(MetricChart* chart, const Job& job, std::shared_ptr<const CurveSet> set);
    std::vector<const Run*> pickerRuns() const;
    QSet<QString> pickerMetrics() const;
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
    QScrollArea* m_area;
    QPushButton* m_pick;
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
    QTimer* m_trim;     // hands freed memory back, a while after many lines went
    QTimer* m_arrived;  // redraws at most a few times a second while histories arrive
    QThreadPool m_pool;
    QHash<MetricChart*, ChartState> m_states;
    int m_loading = 0;  // histories wanted and not here yet
};

}  // namespace runlens
