#include "ChartsPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMap>
#include <QMenu>
#include <QPainter>
#include <QPicture>
#include <QPushButton>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSet>
#include <QSignalBlocker>
#include <QSlider>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>
#include <numeric>

#include "SaveView.h"
#include "analysis/Smoothing.h"
#include "model/RunColours.h"
#include "project/FreedMemory.h"
#include "project/HistoryCache.h"
#include "project/ThreadPriority.h"

namespace runlens {

namespace {
// Lines with fewer points in all, and fewer lines, are made on the GUI thread at once (a few
// milliseconds); more go to the pool, and so do as many lines as a chart draws on its own
// thread (PlotFrame's kPlotOnPoolFromCurves): each chart then takes its lines in an event-loop
// turn of its own (a hundred lines' legend and series cost Qt Charts ~10 ms a chart).
constexpr size_t kCurvesOnPoolFrom = 100'000;
// Lines of this many points fewer (some 40 bytes a point) are worth handing back.
constexpr size_t kTrimAfterFreeing = 500'000;

quint64 mix(quint64 hash, quint64 value) {
    return (hash ^ value) * 1099511628211ull;
}

// Tells plans apart: the runs, their histories, colours, names and groups, and the options.
quint64 signatureOf(const ChartPlan& plan, XKind xKind, bool logY, const QString& xMetric) {
    quint64 h = 14695981039346656037ull;
    h = mix(h, quint64(plan.options.xKind) | quint64(plan.options.smoothing) << 8 |
                   quint64(logY) << 16 | quint64(plan.band) << 24 | quint64(xKind) << 32);
    h = mix(h, quint64(std::llround(plan.options.amount * 1e6)));
    h = mix(h, qHash(plan.groupKey) ^ qHash(xMetric) << 1);
    h = mix(h, quint64(plan.legendChars));
    for (const ChartRun& run : plan.runs) {
        h = mix(h, qHash(run.run));
        h = mix(h, quintptr(run.series.get()) ^ quintptr(run.xSeries.get()) << 1);
        h = mix(h, run.colour ^ qHash(run.group) ^ qHash(run.name) << 1);
    }
    return h;
}
}  // namespace

ChartsPanel::ChartsPanel(const Catalog* catalog, RunSelection* selection, HistoryCache* histories,
                         QWidget* parent)
    : QWidget(parent), m_catalog(catalog), m_selection(selection), m_histories(histories) {
    auto* pick = m_pick = new QPushButton(tr("Metrics…"), this);
    auto* exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setToolTip(tr("Save charts as PNG, SVG or CSV (Ctrl+E)"));
    exportButton->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
    pick->setToolTip(tr("Choose which metrics to chart"));
    m_xBox = new QComboBox(this);
    // Sized by a fixed length, not by the longest key it lists: a new style or palette, or a
    // project with long metric names, never widens the bar.
    m_xBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_xBox->setMinimumContentsLength(8);
    m_xBox->addItems({tr("Step"), tr("Wall time"), tr("Relative time")});
    m_xBox->setToolTip(tr("X axis"));
    m_smoothingBox = new QComboBox(this);
    m_smoothingBox->addItems({tr("No smoothing"), tr("EMA (TensorBoard)"), tr("Running average"),
                              tr("Time-weighted EMA")});
    m_smoothingBox->setCurrentIndex(1);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 99);
    m_slider->setValue(60);
    m_slider->setMaximumWidth(160);
    m_slider->setMinimumWidth(80);  // never a stub, whatever the bar holds
    m_slider->setToolTip(tr("Smoothing"));
    m_sliderValue = new QLabel(this);
    // Wide enough for "0.99" whatever the font, so the bar does not jump as it changes.
    m_sliderValue->setMinimumWidth(
        m_sliderValue->fontMetrics().horizontalAdvance(QStringLiteral("0.00")) + 4);
    m_sliderValue->setToolTip(m_slider->toolTip());
    m_logBox = new QCheckBox(tr("Log y"), this);
    m_clipBox = new QCheckBox(tr("Clip outliers"), this);
    m_clipBox->setToolTip(tr("Fit the y axis to the 1st–99th percentile of what is visible"));
    m_groupBox = new QComboBox(this);
    m_groupBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_groupBox->setMinimumContentsLength(10);
    m_groupBox->setToolTip(
        tr("Draw groups of runs (same value of a param or tag) as a mean with a band"));
    m_bandBox = new QComboBox(this);
    m_bandBox->addItems({tr("min–max band"), tr("±1 std band")});
    auto* bar = new QHBoxLayout;
    bar->addWidget(pick);
    bar->addWidget(exportButton);
    bar->addWidget(new QLabel(tr("x:"), this));
    bar->addWidget(m_xBox);
    bar->addWidget(m_smoothingBox);
    bar->addWidget(m_slider);
    bar->addWidget(m_sliderValue);
    bar->addWidget(m_logBox);
    bar->addWidget(m_clipBox);
    bar->addWidget(m_groupBox);
    bar->addWidget(m_bandBox);
    bar->addStretch(1);

    m_area = new QScrollArea(this);
    m_area->setWidgetResizable(true);
    auto* holder = new QWidget(m_area);
    m_grid = new QGridLayout(holder);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_area->setWidget(holder);
    m_area->installEventFilter(this);  // the grid's columns for a new width: see eventFilter
    m_empty = new QLabel(this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_empty);
    layout->addWidget(m_area, 1);

    // One core is left to the window; curves are made one chart at a time.
    m_pool.setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
    // Lines let go of (fewer runs, fewer charts) go back to the system once the pools are done
    // with them (glibc keeps freed memory otherwise).
    m_trim = new QTimer(this);
    m_trim->setSingleShot(true);
    m_trim->setInterval(1000);
    connect(m_trim, &QTimer::timeout, this, [this] {
        m_pool.start([] {
            lowerThreadPriority();
            returnFreedMemory();
        });
    });
    m_refresh = new QTimer(this);
    m_refresh->setSingleShot(true);
    m_refresh->setInterval(30);
    connect(m_refresh, &QTimer::timeout, this, &ChartsPanel::refresh);
    connect(pick, &QPushButton::clicked, this, &ChartsPanel::chooseMetrics);
    connect(exportButton, &QPushButton::clicked, this, [this, exportButton] {
        QMenu menu;
        auto ask = [this](const QString& name) {
            return QFileDialog::getSaveFileName(
                this, tr("Export"), name + QStringLiteral(".png"),
                tr("PNG image, 2x (*.png);;SVG drawing (*.svg);;CSV of the drawn values (*.csv)"));
        };
        menu.addAction(tr("All charts…"), this, [this, ask] {
            const QString path = ask(QStringLiteral("charts"));
            if (!path.isEmpty())
                exportAll(path, m_charts.isEmpty() ? QSize(640, 400) : m_charts.first()->size(), 2);
        });
        menu.addSeparator();
        for (MetricChart* chart : std::as_const(m_charts))
            menu.addAction(chart->metric(), this, [chart, ask] {
                const QString path = ask(chart->metric().section(u'/', -1));
                if (!path.isEmpty()) chart->saveAs(path, chart->size(), 2);
            });
        menu.exec(exportButton->mapToGlobal(QPoint(0, exportButton->height())));
    });
    connect(m_xBox, &QComboBox::activated, this, [this](int i) {
        if (i < 3)
            setXKind(MetricChart::XKind(i));
        else
            setXMetric(m_xBox->itemData(i).toString());
    });
    connect(catalog, &Catalog::reset, this, &ChartsPanel::fillXChoices);
    connect(catalog, &Catalog::runsAppended, this, &ChartsPanel::fillXChoices);
    connect(m_smoothingBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setSmoothing(Smoothing(i), m_slider->value() / 100.0); });
    connect(m_slider, &QSlider::valueChanged, this,
            [this](int v) { setSmoothing(m_smoothing, v / 100.0); });
    connect(m_logBox, &QCheckBox::toggled, this, &ChartsPanel::setLogY);
    connect(m_clipBox, &QCheckBox::toggled, this, &ChartsPanel::setClipOutliers);
    connect(m_groupBox, &QComboBox::activated, this, [this](int i) {
        setGroupBy(m_groupBox->itemData(i).toString(), BandKind(m_bandBox->currentIndex()));
    });
    connect(m_bandBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setGroupBy(m_groupBy, BandKind(i)); });
    // Hovering a line highlights its run in every chart and in the table.
    connect(selection, &RunSelection::hoveredChanged, this, [this](const RunId& run) {
        for (MetricChart* chart : std::as_const(m_charts))
            chart->setHighlighted(run);
    });
    connect(catalog, &Catalog::reset, this, &ChartsPanel::fillGroupChoices);
    connect(catalog, &Catalog::runsAppended, this, &ChartsPanel::fillGroupChoices);
    fillGroupChoices();
    fillXChoices();
    connect(selection, &RunSelection::checkedChanged, this, &ChartsPanel::scheduleRefresh);
    // The pickers offer the keys of the checked runs.
    connect(selection, &RunSelection::checkedChanged, this, &ChartsPanel::fillXChoices);
    connect(selection, &RunSelection::checkedChanged, this, &ChartsPanel::fillGroupChoices);
    connect(selection, &RunSelection::colourChanged, this, &ChartsPanel::scheduleRefresh);
    // The filter and the brushes narrow the charts to the runs the table shows.
    connect(selection, &RunSelection::shownChanged, this, &ChartsPanel::scheduleRefresh);
    // Histories arriving redraw the charts every 150 ms or so, not once per batch.
    m_arrived = new QTimer(this);
    m_arrived->setSingleShot(true);
    m_arrived->setInterval(150);
    connect(m_arrived, &QTimer::timeout, this, &ChartsPanel::refresh);
    connect(histories, &HistoryCache::arrived, this, [this] {
        if (!m_arrived->isActive() && !m_refresh->isActive()) m_arrived->start();
    });
    connect(catalog, &Catalog::reset, this, &ChartsPanel::scheduleRefresh);
    showSmoothingAmount();
    refresh();
}

ChartsPanel::~ChartsPanel() {
    for (const ChartState& state : std::as_const(m_states))
        if (state.cancel) *state.cancel = true;
    m_pool.waitForDone();
}

void ChartsPanel::showSmoothingAmount() {
    m_sliderValue->setText(QString::number(m_slider->value() / 100.0, 'f', 2));
    m_sliderValue->setEnabled(m_smoothing != Smoothing::None);
    m_slider->setEnabled(m_smoothing != Smoothing::None);
}

// Charts side by side as the width allows: about 560 px each (two at 1280 px, four at 2560).
int ChartsPanel::gridColumns() const {
    return std::clamp(width() / 560, 1, 4);
}

void ChartsPanel::layOutCharts(int viewportHeight) {
    const int columns = std::min<int>(gridColumns(), std::max<int>(1, int(m_charts.size())));
    if (columns != m_gridColumns || m_laidOut != m_charts) {
        for (MetricChart* chart : std::as_const(m_laidOut))
            m_grid->removeWidget(chart);
        for (int i = 0; i < m_charts.size(); ++i)
            m_grid->addWidget(m_charts[i], i / columns, i % columns);
        for (int c = 0; c < 4; ++c)
            m_grid->setColumnStretch(c, c < columns ? 1 : 0);
        m_gridColumns = columns;
        m_laidOut = m_charts;
    }
    fitRows(viewportHeight);
}

// The rows that fit in the area at the charts' least height share its height, and the others
// are as tall, below them: the area never shows a chart cut across at its bottom edge, where
// the legend is (a plot with no legend under it reads as a chart of no runs).
void ChartsPanel::fitRows(int viewportHeight) {
    const int columns = std::max(1, m_gridColumns);
    const int rows = int((m_charts.size() + columns - 1) / columns);
    const int spacing = std::max(0, m_grid->verticalSpacing());
    const int least = m_charts.isEmpty() ? 1 : m_charts.first()->minimumHeight();
    const int fit = std::max(1, (viewportHeight + spacing) / (least + spacing));
    const int height = rows > fit ? (viewportHeight + spacing) / fit - spacing : 0;
    for (int r = 0; r < m_grid->rowCount(); ++r)
        if (const int minimum = r < rows ? height : 0; m_grid->rowMinimumHeight(r) != minimum)
            m_grid->setRowMinimumHeight(r, minimum);  // each change lays the grid out again
}

// The grid takes the columns of a new width (and the rows' heights) as the scroll area is
// resized, before the area resizes the charts: a resize across a column boundary lays each
// chart out once, for its new place (in the panel's own resizeEvent the charts had already been
// laid out for the old columns, and were laid out again for the new).
bool ChartsPanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Resize)
        layOutCharts(static_cast<QResizeEvent*>(event)->size().height() - 2 * m_area->frameWidth());
    return QWidget::eventFilter(watched, event);
}

void ChartsPanel::scheduleRefresh() {
    m_refresh->start();
}

void ChartsPanel::setMetrics(const QStringList& metrics) {
    m_chosen = metrics;
    refresh();
}

QStringList ChartsPanel::metrics() const {
    return m_chosen.isEmpty() ? defaultMetrics() : m_chosen;
}

void ChartsPanel::setXKind(MetricChart::XKind kind) {
    m_xKind = kind;
    if (kind != MetricChart::XKind::Metric) m_xMetric.clear();
    const QSignalBlocker block(m_xBox);
    m_xBox->setCurrentIndex(
        kind == MetricChart::XKind::Metric ? std::max(0, m_xBox->findData(m_xMetric)) : int(kind));
    refresh();
}

void ChartsPanel::setXMetric(const QString& key) {
    m_xMetric = key;
    m_xKind = MetricChart::XKind::Metric;
    const QSignalBlocker block(m_xBox);
    m_xBox->setCurrentIndex(std::max(0, m_xBox->findData(key)));
    refresh();
}

// The runs whose keys the pickers offer: the checked ones, or every run while none is.
std::vector<const Run*> ChartsPanel::pickerRuns() const {
    std::vector<const Run*> checked, all;
    for (const Run& run : m_catalog->runs()) {
        all.push_back(&run);
        if (m_selection->isChecked(run.id)) checked.push_back(&run);
    }
    return checked.empty() ? all : checked;
}

// The metrics the pickers offer: those of pickerRuns().
QSet<QString> ChartsPanel::pickerMetrics() const {
    QSet<QString> keys;
    for (const Run* run : pickerRuns())
        for (auto it = run->metrics.keyBegin(); it != run->metrics.keyEnd(); ++it)
            keys.insert(*it);
    return keys;
}

void ChartsPanel::fillXChoices() {
    QSet<QString> keys = pickerMetrics();
    if (m_xKind == MetricChart::XKind::Metric) keys.insert(m_xMetric);  // the one in use stays
    QStringList sorted(keys.begin(), keys.end());
    sorted.sort();
    const QSignalBlocker block(m_xBox);
    while (m_xBox->count() > 3)
        m_xBox->removeItem(3);
    for (const QString& key : sorted)
        m_xBox->addItem(tr("metric %1").arg(key), key);
    m_xBox->setCurrentIndex(m_xKind == MetricChart::XKind::Metric
                                ? std::max(0, m_xBox->findData(m_xMetric))
                                : int(m_xKind));
}

void ChartsPanel::setSmoothing(Smoothing kind, double amount) {
    m_smoothing = kind;
    m_amount = std::clamp(amount, 0.0, 0.99);
    const QSignalBlocker blockBox(m_smoothingBox), blockSlider(m_slider);
    m_smoothingBox->setCurrentIndex(int(kind));
    m_slider->setValue(int(std::lround(m_amount * 100)));
    showSmoothingAmount();
    refresh();
}

void ChartsPanel::setClipOutliers(bool on) {
    m_clip = on;
    if (m_clipBox->isChecked() != on) m_clipBox->setChecked(on);
    for (MetricChart* chart : std::as_const(m_charts))
        chart->setClipOutliers(on);
}

void ChartsPanel::setGroupBy(const QString& key, BandKind band) {
    m_groupBy = key;
    m_band = band;
    const QSignalBlocker blockGroup(m_groupBox), blockBand(m_bandBox);
    m_groupBox->setCurrentIndex(std::max(0, m_groupBox->findData(key)));
    m_bandBox->setCurrentIndex(int(band));
    m_bandBox->setEnabled(!key.isEmpty());
    refresh();
}

void ChartsPanel::fillGroupChoices() {
    QSet<QString> params, tags;
    for (const Run* run : pickerRuns()) {
        for (auto it = run->params.keyBegin(); it != run->params.keyEnd(); ++it)
            params.insert(*it);
        for (auto it = run->tags.keyBegin(); it != run->tags.keyEnd(); ++it)
            tags.insert(*it);
    }
    // The grouping in use stays on offer.
    if (m_groupBy.startsWith(u"params.")) params.insert(m_groupBy.mid(7));
    if (m_groupBy.startsWith(u"tags.")) tags.insert(m_groupBy.mid(5));
    QStringList p(params.begin(), params.end()), t(tags.begin(), tags.end());
    p.sort();
    t.sort();
    const QSignalBlocker block(m_groupBox);
    m_groupBox->clear();
    m_groupBox->addItem(tr("One line per run"), QString());
    for (const QString& k : p)
        m_groupBox->addItem(tr("Group by %1").arg(k), QStringLiteral("params.") + k);
    for (const QString& k : t)
        m_groupBox->addItem(tr("Group by tag %1").arg(k), QStringLiteral("tags.") + k);
    m_groupBox->setCurrentIndex(std::max(0, m_groupBox->findData(m_groupBy)));
    m_bandBox->setEnabled(!m_groupBy.isEmpty());
}

QString ChartsPanel::groupOf(const Run& run) const {
    if (m_groupBy.startsWith(u"params.")) {
        const auto it = run.params.find(m_groupBy.mid(7));
        return it == run.params.end() ? tr("(none)") : it->text();
    }
    return run.tags.value(m_groupBy.mid(5), tr("(none)"));
}

void ChartsPanel::setLogY(bool on) {
    m_logY = on;
    if (m_logBox->isChecked() != on) m_logBox->setChecked(on);
    refresh();
}

// The first metrics every checked run has (up to four), else the most common ones. Of the
// checked runs, not of those the filter lets through: the charts stay while the filter changes.
// Series the tracker logs by itself (hardware, console) are charted only when chosen.
QStringList ChartsPanel::defaultMetrics() const {
    QMap<QString, int> counts;
    QSet<QString> curves;  // logged more than once by some checked run
    int checked = 0;
    for (const Run& run : m_catalog->runs()) {
        if (!m_selection->isChecked(run.id)) continue;
        ++checked;
        for (auto it = run.metrics.begin(); it != run.metrics.end(); ++it) {
            if (it->systemMetric) continue;
            ++counts[it.key()];
            if (it->count > 1 || !it->hasStats) curves.insert(it.key());
        }
    }
    QStringList common, rest;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        (it.value() == checked ? common : rest) << it.key();
    std::stable_sort(rest.begin(), rest.end(),
                     [&](const QString& a, const QString& b) { return counts[a] > counts[b]; });
    // Curves before values logged once (TensorBoard's hparam/* metrics, a final score).
    QStringList ordered = common + rest;
    std::stable_partition(ordered.begin(), ordered.end(),
                          [&](const QString& key) { return curves.contains(key); });
    return ordered.mid(0, 4);
}

void ChartsPanel::refresh() {
    m_refresh->stop();
    m_arrived->stop();
    const QStringList wanted = metrics();
    // Keep charts that stay (their zoom survives), drop the others, add new ones.
    QList<MetricChart*> kept;
    for (MetricChart* chart : std::as_const(m_charts)) {
        if (wanted.contains(chart->metric())) {
            kept << chart;
        } else {
            m_grid->removeWidget(chart);
            if (ChartState& state = m_states[chart]; state.cancel) *state.cancel = true;
            m_states.remove(chart);
            chart->deleteLater();
            m_trim->start();
        }
    }
    m_charts.clear();
    for (const QString& metric : wanted) {
        MetricChart* chart = nullptr;
        for (MetricChart* k : std::as_const(kept))
            if (k->metric() == metric) chart = k;
        if (!chart) {
            chart = new MetricChart(metric, this);
            connect(chart, &MetricChart::hovered, this, [this](double x) {
                for (MetricChart* c : std::as_const(m_charts))
                    c->showCrosshair(x);
            });
            connect(chart, &MetricChart::hoveredRun, m_selection, &RunSelection::setHovered);
        }
        m_charts << chart;
    }
    layOutCharts(m_area->viewport()->height());
    sayHowManyCharted(wanted.size());

    // The runs drawn (checked, and shown by the filter and the brushes), once for all charts.
    std::vector<const Run*> drawn;
    for (const Run& run : m_catalog->runs())
        if (isDrawn(run)) drawn.push_back(&run);
    const bool byMetric = m_xKind == MetricChart::XKind::Metric;
    std::vector<std::pair<const Run*, QString>> histories;
    for (MetricChart* chart : std::as_const(m_charts))
        for (const Run* run : drawn)
            if (run->metrics.contains(chart->metric()) &&
                (!byMetric || run->metrics.contains(m_xMetric))) {
                histories.push_back({run, chart->metric()});
                if (byMetric) histories.push_back({run, m_xMetric});
            }
    m_loading = m_histories->want(histories);

    bool anyDrawn = false;
    for (MetricChart* chart : std::as_const(m_charts)) {
        Job job;
        job.plan.options = {m_xKind, m_smoothing, m_amount};
        job.plan.groupKey = m_groupBy;
        job.plan.band = m_band;
        const int charWidth =
            std::max(1, QFontMetrics(chart->chart()->legend()->font()).averageCharWidth());
        job.plan.legendChars = std::max(10, 110 / charWidth);
        job.xKind = m_xKind;
        job.logY = m_logY;
        job.xMetric = m_xMetric;
        int total = 0;
        for (const Run* run : drawn) {
            if (!run->metrics.contains(chart->metric())) continue;
            anyDrawn = true;
            if (byMetric && !run->metrics.contains(m_xMetric)) continue;
            ++total;
            ChartRun line;
            line.series = m_histories->peek(*run, chart->metric());
            if (byMetric) line.xSeries = m_histories->peek(*run, m_xMetric);
            if (!line.series || (byMetric && !line.xSeries)) continue;  // drawn when here
            line.run = run->id;
            line.name = run->name;
            line.experiment = run->experiment;
            line.colour = m_selection->colour(run->id);
            if (!m_groupBy.isEmpty()) line.group = groupOf(*run);
            job.plan.runs.push_back(std::move(line));
        }
        const int here = int(job.plan.runs.size());
        chart->setLoadingNote(
            here < total
                ? tr("loading %1/%2").arg(QLocale().toString(here), QLocale().toString(total))
            : total == 0 ? emptyNote(chart->metric())
                         : QString());
        submit(chart, std::move(job));
    }
    m_empty->setText(m_selection->checked().isEmpty()
                         ? tr("Check runs in the table (the box by each name) to see their "
                              "curves here.")
                         : tr("The runs checked are hidden by the filter or the brushes; they "
                              "come back when these let them through."));
    m_empty->setVisible(!anyDrawn);
}

bool ChartsPanel::isBusy() const {
    if (m_loading > 0 || m_refresh->isActive() || m_arrived->isActive()) return true;
    for (const ChartState& state : m_states)
        if (state.running || state.next) return true;
    for (MetricChart* chart : m_charts)
        if (chart->isDrawing()) return true;
    return false;
}

// A plan like the one shown does nothing; a small one is made at once; a large one on the
// pool, after the one running there if it only adds runs to it (progressive loading), else
// in its place.
void ChartsPanel::submit(MetricChart* chart, Job job) {
    job.signature = signatureOf(job.plan, job.xKind, job.logY, job.xMetric);
    ChartState& state = m_states[chart];
    if (job.signature == state.shown && !state.running) {
        state.next.reset();
        return;
    }
    size_t points = 0;
    for (const ChartRun& run : job.plan.runs)
        points += run.series->size();
    if (points < kCurvesOnPoolFrom && job.plan.runs.size() < kPlotOnPoolFromCurves) {
        if (state.cancel) *state.cancel = true;
        state.running = false;
        state.next.reset();
        state.shown = job.signature;
        apply(chart, job, buildCurveSet(job.plan, chart->curveSet().get()));
        return;
    }
    if (!state.running) {
        start(chart, std::move(job));
        return;
    }
    QSet<RunId> next;
    next.reserve(qsizetype(job.plan.runs.size()));
    for (const ChartRun& run : job.plan.runs)
        next.insert(run.run);
    const bool addsRuns = std::all_of(state.runningRuns.begin(), state.runningRuns.end(),
                                      [&](const RunId& id) { return next.contains(id); });
    if (!addsRuns && state.cancel) *state.cancel = true;  // superseded
    state.next = std::move(job);
}

void ChartsPanel::start(MetricChart* chart, Job job) {
    ChartState& state = m_states[chart];
    state.running = true;
    state.shown = job.signature;
    state.runningRuns.clear();
    for (const ChartRun& run : job.plan.runs)
        state.runningRuns.insert(run.run);
    auto cancel = std::make_shared<std::atomic_bool>(false);
    state.cancel = cancel;
    // The lines the chart shows now: those made from the same histories are taken up.
    std::shared_ptr<const CurveSet> before = chart->curveSet();
    QPointer<MetricChart> target(chart);
    m_pool.start([this, target, job = std::move(job), before, cancel] {
        lowerThreadPriority();
        std::shared_ptr<const CurveSet> set = buildCurveSet(job.plan, before.get(), cancel.get());
        QMetaObject::invokeMethod(
            this,
            [this, target, job, set, cancel] {
                if (!target) return;
                ChartState& state = m_states[target];
                state.running = false;
                if (set && !*cancel) apply(target, job, set);
                if (state.next) {
                    Job next = std::move(*state.next);
                    state.next.reset();
                    submit(target, std::move(next));
                }
            },
            Qt::QueuedConnection);
    });
}

void ChartsPanel::apply(MetricChart* chart, const Job& job, std::shared_ptr<const CurveSet> set) {
    const size_t before = chart->curveSet() ? chart->curveSet()->points() : 0;
    if (before > set->points() + kTrimAfterFreeing) m_trim->start();
    chart->setCurveSet(std::move(set), job.xKind, job.logY, job.xMetric);
    chart->setClipOutliers(m_clip);
}

// Why a chart of the checked runs has no line: axes alone read as data that is not there.
QString ChartsPanel::emptyNote(const QString& metric) const {
    int hidden = 0;
    for (const Run& run : m_catalog->runs())
        if (m_selection->isChecked(run.id) && run.metrics.contains(metric) && !isDrawn(run))
            ++hidden;
    if (hidden == 1) return tr("its checked run is hidden by the filter or the brushes");
    if (hidden > 1)
        return tr("its %1 checked runs are hidden by the filter or the brushes").arg(hidden);
    return tr("no checked run shown logs it");
}

bool ChartsPanel::isDrawn(const Run& run) const {
    return m_selection->isChecked(run.id) && m_selection->isShown(run);
}

bool ChartsPanel::exportAll(const QString& path, QSize chartSize, qreal scale) {
    // The grid as on screen.
    const int columns = std::min<int>(gridColumns(), std::max<int>(1, int(m_charts.size())));
    const int rows = int((m_charts.size() + columns - 1) / columns);
    const QSize total(chartSize.width() * columns, chartSize.height() * std::max(rows, 1));
    auto render = [&](QPainter& painter) {
        painter.setRenderHint(QPainter::Antialiasing);
        // Each chart renders into a picture of its own, then at its place in the grid.
        for (int i = 0; i < m_charts.size(); ++i) {
            QPicture one;
            {
                QPainter inner(&one);
                m_charts[i]->renderInto(inner, chartSize);
            }
            painter.drawPicture((i % columns) * chartSize.width(),
                                (i / columns) * chartSize.height(), one);
        }
    };
    auto csv = [&] {
        QByteArray all;
        for (MetricChart* chart : std::as_const(m_charts)) {
            const QByteArray part = chart->toCsv();
            all += all.isEmpty() ? part : part.mid(part.indexOf('\n') + 1);  // one header
        }
        return all;
    };
    return saveView(path, total, scale, tr("Charts"), palette().color(QPalette::Window), render,
                    csv);
}

// Up to four metrics are charted by default: the window says when there are more to choose
// from (in the Charts tab's title: the bar has no width to spare at 1024 px), so a metric left
// out is not taken for one the runs never logged.
void ChartsPanel::sayHowManyCharted(qsizetype charted) {
    // Nothing charted (no run checked): nothing said to be left out.
    const qsizetype available = charted > 0 ? std::max(charted, pickerMetrics().size()) : 0;
    m_pick->setToolTip(
        available > charted
            ? tr("%1 of the %2 metrics are charted: choose which").arg(charted).arg(available)
            : tr("Choose which metrics to chart"));
    emit metricsCharted(int(charted), int(available));
}

void ChartsPanel::chooseMetrics() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Metrics to chart"));
    auto* search = new QLineEdit(&dialog);
    search->setPlaceholderText(tr("Search metrics"));
    auto* list = new QListWidget(&dialog);
    // The checked runs' metrics (every run's while none is checked), and those charted now.
    const QStringList current = metrics();
    QSet<QString> all = pickerMetrics();
    for (const QString& key : current)
        all.insert(key);
    QStringList keys(all.begin(), all.end());
    keys.sort();
    for (const QString& key : keys) {
        auto* item = new QListWidgetItem(key, list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(current.contains(key) ? Qt::Checked : Qt::Unchecked);
    }
    connect(search, &QLineEdit::textChanged, &dialog, [list](const QString& text) {
        for (int i = 0; i < list->count(); ++i)
            list->item(i)->setHidden(!list->item(i)->text().contains(text, Qt::CaseInsensitive));
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(search);
    layout->addWidget(list);
    layout->addWidget(buttons);
    if (dialog.exec() != QDialog::Accepted) return;
    QStringList chosen;
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->checkState() == Qt::Checked) chosen << list->item(i)->text();
    setMetrics(chosen);
}

}  // namespace runlens
