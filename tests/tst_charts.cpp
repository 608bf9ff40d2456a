// The charts as a user sees them: a run's colour in the rendered chart, every spike drawn,
// zoom and reset, the crosshair on every chart, log axes that say what they leave out.

#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QWheelEvent>
#include <QXmlStreamReader>
#include <cmath>

#include "ChartsPanel.h"
#include "ColumnCanvas.h"
#include "FilterBar.h"
#include "MainWindow.h"
#include "MetricChart.h"
#include "RunTableModel.h"
#include "RunTableView.h"
#include "TestSupport.h"
#include "WelcomePage.h"
#include "model/NumberText.h"
#include "model/RunColours.h"

using namespace runlens;
using namespace testsupport;

namespace {

int pixelsLike(const QImage& image, QRgb colour) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - qRed(colour)) < 40 &&
                std::abs(c.green() - qGreen(colour)) < 40 &&
                std::abs(c.blue() - qBlue(colour)) < 40)
                ++n;
        }
    return n;
}

// What a chart's legend lists: each entry's name and colour.
QMap<QString, uint32_t> legendEntries(MetricChart* chart) {
    QMap<QString, uint32_t> out;
    if (!chart->chart()->legend()->isVisible()) return out;
    for (QLegendMarker* marker : chart->chart()->legend()->markers())
        if (auto* series = qobject_cast<QLineSeries*>(marker->series());
            series && marker->isVisible())
            out.insert(marker->label(), series->pen().color().rgb() & 0xffffff);
    return out;
}

// The run names the table lists, in its order.
QStringList tableNames(MainWindow& window) {
    QAbstractItemModel* model = window.runTable()->model();
    QStringList names;
    for (int r = 0; r < model->rowCount(); ++r)
        names << model->index(r, RunTableModel::Name).data().toString();
    return names;
}

QSet<QString> toSet(const QStringList& list) {
    return QSet<QString>(list.begin(), list.end());
}

MetricChart::Curve line(const char* name, uint32_t colour, size_t n, double slope) {
    MetricChart::Curve c;
    c.run = RunId(QString::fromLatin1(name));
    c.name = QString::fromLatin1(name);
    c.colour = colour;
    for (size_t i = 0; i < n; ++i)
        c.xs.push_back(double(i)), c.ys.push_back(1 + slope * double(i));
    return c;
}

}  // namespace

class TestCharts : public QObject {
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_tmp;
    QString m_mlruns;

    // The window, shown, with MLflow 3.11's runs loaded; returns the mlruns path.
    QString openFixture(MainWindow& window) {
        window.resize(1400, 1000);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(m_mlruns);
        if (!loaded.wait(20000)) qFatal("the fixture project did not load");
        // The tests read the table row by row: child runs on rows of their own.
        window.runTableView()->setNestChildRuns(false);
        return m_mlruns;
    }

private slots:
    void initTestCase() {
        useOwnSettings(m_config.path());  // settings and the index cache: this test's own
        m_mlruns = extractMlruns("v3_11", m_tmp.path());
    }

    void init() { QSettings().clear(); }

    // child-lr-0.1 in red and child-lr-0.01 in blue, the only runs checked, no smoothing.
    std::pair<RunId, RunId> openRedAndBlue(MainWindow& window) {
        const QString mlruns = openFixture(window);
        const RunId red = RunId::make(u"mlflow-file", mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23");
        const RunId blue = RunId::make(u"mlflow-file", mlruns, u"5a3785a2d14242df9768f098eb9591c9");
        window.selection().setCheckedRuns({red, blue});
        window.selection().setColour(red, 0xff0000);
        window.selection().setColour(blue, 0x0000ff);
        window.charts()->setSmoothing(ChartsPanel::Smoothing::None, 0);
        return {red, blue};
    }

    // Widening the window past a column boundary puts the charts side by side, and lays each
    // chart out once: for its new place, not first for the old columns and then again.
    void aResizeAcrossColumnsResizesEachChartOnce() {
        MainWindow window;
        openRedAndBlue(window);
        window.resize(900, 800);
        ChartsPanel* panel = window.charts();
        panel->setMetrics({"train/loss", "val/loss", "val/acc"});
        QTRY_COMPARE(panel->charts().size(), 3);
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(panel->charts()[2]->isVisible());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        const auto sideBySide = [&] {
            return panel->charts()[0]->y() == panel->charts()[1]->y() &&
                   panel->charts()[1]->width() > 100;
        };
        QVERIFY(!sideBySide());
        struct Counter : QObject {
            int resizes = 0;
            bool eventFilter(QObject*, QEvent* event) override {
                if (event->type() == QEvent::Resize) ++resizes;
                return false;
            }
        };
        std::vector<std::unique_ptr<Counter>> counters;
        for (MetricChart* chart : panel->charts()) {
            counters.push_back(std::make_unique<Counter>());
            chart->installEventFilter(counters.back().get());
        }
        window.resize(2000, 800);
        QTRY_VERIFY(sideBySide());
        // A second layout would be a posted layout request: every one is handled now.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
        for (const auto& counter : counters)
            QCOMPARE(counter->resizes, 1);
    }

    // Resized while a chart is scrolled out of view, the charts area shows whole charts: one
    // it shows in part never has its legend cut off below the plot (read as "no runs").
    void everyChartInViewShowsItsLegend() {
        MainWindow window;
        openRedAndBlue(window);
        window.resize(1024, 700);
        ChartsPanel* panel = window.charts();
        panel->setMetrics({"val/loss", "test_acc", "val/acc", "train/loss"});
        QTRY_COMPARE(panel->charts().size(), 4);
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        for (MetricChart* chart : panel->charts())
            if (chart->metric() != u"val/loss") QTRY_COMPARE(legendEntries(chart).size(), 2);
        auto* area = panel->findChild<QScrollArea*>();
        QWidget* viewport = area->viewport();
        // A chart's legend as the charts area shows it: the red run's entry, in red.
        const auto legendShown = [&](MetricChart* chart) {
            const QRect legend =
                chart->mapFromScene(chart->chart()->legend()->sceneBoundingRect()).boundingRect();
            const QRect inView(chart->mapTo(viewport, legend.topLeft()), legend.size());
            return viewport->rect().contains(inView) &&
                   pixelsLike(viewport->grab(inView).toImage(), 0xff0000) > 0;
        };
        const auto inView = [&](MetricChart* chart) {
            return QRect(chart->mapTo(viewport, QPoint()), chart->size())
                .intersects(viewport->rect());
        };
        QVERIFY(!inView(panel->charts()[3]));
        window.resize(1700, 1000);
        QTRY_VERIFY(panel->charts()[0]->y() == panel->charts()[1]->y());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
        for (MetricChart* chart : panel->charts())
            if (chart->metric() != u"val/loss" && inView(chart))
                QVERIFY2(legendShown(chart), qPrintable(chart->metric()));
        MetricChart* last = panel->charts()[3];
        area->verticalScrollBar()->setValue(last->y());  // scrolled down to it
        QVERIFY(legendShown(last));
    }

    void checkedRunsAreDrawnInTheirColours() {
        MainWindow window;
        const auto [red, blue] = openRedAndBlue(window);
        ChartsPanel* panel = window.charts();
        panel->setMetrics({"train/loss"});
        QCOMPARE(panel->charts().size(), 1);
        MetricChart* chart = panel->charts().first();
        QTRY_COMPARE(chart->drawnPoints(), size_t(100));  // 2 runs x 50 points: all kept
        const QImage image = chart->grab().toImage();
        if (const QByteArray dir = qgetenv("RUNLENS_SCREENSHOTS"); !dir.isEmpty()) {
            window.grab().save(QString::fromUtf8(dir) + "/charts.png");
        }
        QVERIFY2(pixelsLike(image, 0xff0000) > 40, "the red run is drawn");
        QVERIFY2(pixelsLike(image, 0x0000ff) > 40, "the blue run is drawn");
        // Unchecking a run takes its line away.
        window.selection().setChecked(blue, false);
        QTRY_COMPARE(chart->drawnPoints(), size_t(50));
        QCOMPARE(pixelsLike(chart->grab().toImage(), 0x0000ff), 0);
        // The default choice: metrics every checked run shares.
        panel->setMetrics({});
        QVERIFY(panel->metrics().contains("train/loss"));
        QVERIFY(panel->metrics().contains("val/acc"));
    }

    // Four metrics are charted by default; the Charts tab says how many more there are, so one
    // left out is not taken for one the runs never logged.
    void theChartsTabSaysWhatIsLeftOut() {
        MainWindow window;
        openFixture(window);
        QTabWidget* views = nullptr;
        for (QTabWidget* t : window.findChildren<QTabWidget*>())
            if (t->indexOf(window.charts()) >= 0) views = t;
        QVERIFY(views);
        const int tab = views->indexOf(window.charts());
        QSet<RunId> all;
        QSet<QString> keys;
        for (const Run& run : window.catalog().runs()) {
            all.insert(run.id);
            for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it)
                keys.insert(*it);
        }
        QVERIFY(keys.size() > 4);
        window.selection().setCheckedRuns(all);
        QTRY_COMPARE(window.charts()->charts().size(), 4);
        QTRY_COMPARE(views->tabText(tab),
                     QStringLiteral("Charts (4 of %1 metrics)").arg(keys.size()));
        window.charts()->setMetrics(keys.values());
        QTRY_COMPARE(views->tabText(tab), QStringLiteral("Charts"));
    }

    // The charts draw exactly the checked runs the table lists: the filter and the brushes
    // narrow both; a checked run hidden by them stays checked and comes back with them.
    void chartsFollowTheFilterAndTheBrushes() {
        MainWindow window;
        openFixture(window);
        QSet<RunId> checked;
        QStringList checkedNames;
        for (const Run& run : window.catalog().runs())
            if (run.metrics.contains(QStringLiteral("train/loss")))
                checked.insert(run.id), checkedNames << run.name;
        QCOMPARE(checked.size(), 4);  // the three children and "crashed"
        window.selection().setCheckedRuns(checked);
        ChartsPanel* panel = window.charts();
        panel->setMetrics({"train/loss"});
        MetricChart* chart = panel->charts().first();
        // The legend follows the lines once they are drawn: wait for both.
        QTRY_COMPARE(chart->curveCount(), 4);
        QTRY_COMPARE(toSet(legendEntries(chart).keys()), toSet(checkedNames));
        auto drawnAsTableShows = [&] {
            QSet<QString> expected;
            for (const QString& name : tableNames(window))
                if (checkedNames.contains(name)) expected.insert(name);
            return expected;
        };

        window.filterBar()->setText(QStringLiteral("params.lr < 0.05"));
        QCOMPARE(toSet(tableNames(window)), (QSet<QString>{"child-lr-0.01", "child-lr-0.001"}));
        QTRY_COMPARE(chart->curveCount(), 2);
        QTRY_COMPARE(toSet(legendEntries(chart).keys()), drawnAsTableShows());
        for (const RunId& id : checked)
            QVERIFY(window.selection().isChecked(id));  // hidden, still checked

        // A chart whose checked runs are all hidden says so in its title instead of showing
        // bare axes: check every run, and chart a metric only hidden runs log.
        QSet<RunId> all;
        for (const Run& run : window.catalog().runs())
            all.insert(run.id);
        window.selection().setCheckedRuns(all);
        QString hiddenOnly;
        for (const Run& run : window.catalog().runs()) {
            if (window.selection().isShown(run)) continue;
            for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it) {
                bool shownLogsIt = false;
                for (const Run& other : window.catalog().runs())
                    shownLogsIt = shownLogsIt || (window.selection().isShown(other) &&
                                                  other.metrics.contains(*it));
                if (!shownLogsIt) hiddenOnly = *it;
            }
        }
        QVERIFY(!hiddenOnly.isEmpty());
        panel->setMetrics({"train/loss", hiddenOnly});
        QTRY_COMPARE(panel->charts().size(), 2);
        MetricChart* empty = panel->charts().at(1);
        QTRY_VERIFY(empty->chart()->title().contains(u"hidden by the filter"));
        QCOMPARE(empty->curveCount(), 0);
        QVERIFY(!panel->charts().at(0)->chart()->title().contains(u"hidden"));
        window.selection().setCheckedRuns(checked);
        panel->setMetrics({"train/loss"});
        QTRY_COMPARE(panel->charts().size(), 1);
        chart = panel->charts().first();
        QTRY_COMPARE(chart->curveCount(), 2);

        // A brush narrows both further.
        BrushSet brushes;
        AxisBrush big;
        big.lo = 90;
        big.hi = 100;
        brushes.setBrushes(ColumnRef::parse(QStringLiteral("params.batch_size")), {big});
        window.selection().setBrushes(brushes, window.catalog().runs());
        QCOMPARE(tableNames(window), QStringList{"child-lr-0.001"});
        QTRY_COMPARE(chart->curveCount(), 1);
        QTRY_COMPARE(toSet(legendEntries(chart).keys()), drawnAsTableShows());

        // Nothing checked passes: the charts say why instead of looking empty.
        window.filterBar()->setText(QStringLiteral("name = 'parent-sweep'"));
        QTRY_COMPARE(chart->curveCount(), 0);
        bool said = false;
        for (QLabel* label : panel->findChildren<QLabel*>())
            said = said || (label->isVisible() && label->text().contains(u"hidden by the filter"));
        QVERIFY(said);

        // Filter and brushes gone: every checked run is back, in the same colours.
        window.selection().setBrushes({}, window.catalog().runs());
        window.filterBar()->setText({});
        QTRY_COMPARE(chart->curveCount(), 4);
        QTRY_COMPARE(legendEntries(chart).size(), 4);
        const QMap<QString, uint32_t> legend = legendEntries(chart);
        for (const RunId& id : checked)
            QCOMPARE(legend.value(window.catalog().find(id)->name), window.selection().colour(id));
    }

    // Neptune's monitoring/* series (hardware, console) are readable but not charted by
    // default; the run's own series are, like any tracker's.
    void monitoringSeriesAreNotChartedByDefault() {
        QTemporaryDir tmp;
        copyTree(fixtures() + "/neptune/neptune-client-1.14.0/.neptune", tmp.path() + "/.neptune");
        MainWindow window;
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(tmp.path());
        QVERIFY(loaded.wait(20000));
        const Run* defaults = nullptr;
        for (const Run& run : window.catalog().runs())
            if (run.name == u"Untitled") defaults = &run;
        QVERIFY(defaults);
        QVERIFY(defaults->metrics.contains("monitoring/59768755/cpu"));
        window.selection().setCheckedRuns({defaults->id});
        window.charts()->setMetrics({});
        QCOMPARE(window.charts()->metrics(), QStringList{"score"});
        window.charts()->setMetrics({"monitoring/59768755/cpu"});
        QTRY_COMPARE(window.charts()->charts().first()->drawnPoints(), size_t(1));
    }

    // Runs named alike (TensorBoard run paths) read apart in the legend: the folder they share
    // goes; the whole names stay in the CSV export.
    void legendNamesReadApart() {
        MainWindow window;
        window.resize(1400, 1000);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(WelcomePage::demoProject());
        QVERIFY(loaded.wait(20000));
        QSet<RunId> trials;
        for (const Run& run : window.catalog().runs())
            if (run.name.startsWith(u"hparam-search/trial_")) trials.insert(run.id);
        QVERIFY(trials.size() >= 4);
        window.selection().setCheckedRuns(trials);
        // By default curves come first, not hparam/* values logged once.
        const QStringList defaults = window.charts()->metrics();
        QVERIFY2(defaults.contains("train/loss") && !defaults.first().startsWith(u"hparam/"),
                 qPrintable(defaults.join(' ')));
        window.charts()->setMetrics({"train/loss"});
        MetricChart* chart = window.charts()->charts().first();
        QTRY_COMPARE(chart->curveCount(), int(trials.size()));
        QStringList labels;  // as listed, "+N more" aside
        for (QLegendMarker* marker : chart->chart()->legend()->markers())
            if (marker->isVisible() && !marker->label().startsWith(u'+')) labels << marker->label();
        QVERIFY(labels.size() >= 3);
        for (const QString& label : labels)
            QVERIFY2(label.startsWith(u"trial_"), qPrintable(label));
        QCOMPARE(toSet(labels).size(), labels.size());  // none reads like another
        // What they all share is said once, in the title.
        QVERIFY2(chart->chart()->title().contains(u"runs hparam-search/"),
                 qPrintable(chart->chart()->title()));
        const QByteArray csv = chart->toCsv();
        QVERIFY(csv.contains("hparam-search/trial_0,"));
    }

    // Two runs checked in the table get two different palette colours, and the chart shows
    // both; groups get different colours too.
    void runsCheckedTogetherGetDifferentPaletteColours() {
        MainWindow window;
        openFixture(window);
        window.selection().setCheckedRuns({});
        window.charts()->setSmoothing(ChartsPanel::Smoothing::None, 0);
        window.charts()->setMetrics({"train/loss"});
        QAbstractItemModel* model = window.runTable()->model();
        QList<RunId> ids;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex name = model->index(r, RunTableModel::Name);
            if (name.data().toString() != u"child-lr-0.1" &&
                name.data().toString() != u"child-lr-0.01")
                continue;
            QVERIFY(model->setData(name, Qt::Checked, Qt::CheckStateRole));  // the user's click
        }
        for (const Run& run : window.catalog().runs())
            if (window.selection().isChecked(run.id)) ids << run.id;
        QCOMPARE(ids.size(), 2);
        const uint32_t a = window.selection().colour(ids[0]), b = window.selection().colour(ids[1]);
        QVERIFY(a != b);
        const auto palette = runPalette();
        QVERIFY(std::find(palette.begin(), palette.end(), a) != palette.end());
        QVERIFY(std::find(palette.begin(), palette.end(), b) != palette.end());
        MetricChart* chart = window.charts()->charts().first();
        QTRY_COMPARE(chart->curveCount(), 2);
        const QImage image = chart->grab().toImage();
        QVERIFY(pixelsLike(image, a) > 40);
        QVERIFY(pixelsLike(image, b) > 40);
        // The table's swatch is the chart's colour.
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex name = model->index(r, RunTableModel::Name);
            if (name.data(Qt::CheckStateRole).toInt() != Qt::Checked) continue;
            const uint32_t swatch = name.data(Qt::DecorationRole).value<QColor>().rgb() & 0xffffff;
            QVERIFY(swatch == a || swatch == b);
        }

        // Groups: three batch sizes, three different palette colours in the legend.
        QSet<RunId> children;
        for (const Run& run : window.catalog().runs())
            if (run.name.startsWith(u"child")) children.insert(run.id);
        window.selection().setCheckedRuns(children);
        window.charts()->setGroupBy("params.batch_size");
        QTRY_COMPARE(chart->curveCount(), 3);
        const QList<uint32_t> groupColours = legendEntries(chart).values();
        QCOMPARE(QSet<uint32_t>(groupColours.begin(), groupColours.end()).size(), 3);
        for (uint32_t c : groupColours)
            QVERIFY(std::find(palette.begin(), palette.begin() + 3, c) != palette.begin() + 3);
    }

    // The metric, x-axis and group pickers offer what the checked runs have (every run's
    // keys while none is checked), and follow the checkboxes.
    void pickersOfferTheCheckedRunsKeys() {
        MainWindow window;
        const QString mlruns = openFixture(window);
        ChartsPanel* panel = window.charts();
        QComboBox *xBox = nullptr, *groupBox = nullptr;
        for (QComboBox* box : panel->findChildren<QComboBox*>()) {
            if (box->toolTip() == u"X axis") xBox = box;
            if (box->findData(QString()) == 0 && box->itemText(0) == u"One line per run")
                groupBox = box;
        }
        QVERIFY(xBox && groupBox);
        auto items = [](QComboBox* box) {
            QSet<QString> out;
            for (int i = 0; i < box->count(); ++i)
                if (!box->itemData(i).toString().isEmpty()) out.insert(box->itemData(i).toString());
            return out;
        };
        auto offeredMetrics = [panel] {
            QStringList offered;
            QTimer::singleShot(0, panel, [&offered] {
                auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
                if (!dialog) return;
                auto* list = dialog->findChild<QListWidget*>();
                for (int i = 0; i < list->count(); ++i)
                    offered << list->item(i)->text();
                dialog->reject();
            });
            panel->chooseMetrics();
            return QSet<QString>(offered.begin(), offered.end());
        };
        const RunId child =
            RunId::make(u"mlflow-file", mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23");
        const RunId parent =
            RunId::make(u"mlflow-file", mlruns, u"f027864205fb4049be4921f04deb8aec");
        window.selection().setCheckedRuns({child});
        panel->setMetrics({"train/loss"});
        const QSet<QString> childMetrics = {"test_acc", "train/loss", "val/acc"};
        QCOMPARE(items(xBox), childMetrics);
        QCOMPARE(offeredMetrics(), childMetrics);
        QVERIFY(items(groupBox).contains("params.lr"));
        QVERIFY(items(groupBox).contains("params.model/depth"));
        QVERIFY(!items(groupBox).contains("params.optimizer"));  // the parent's
        QVERIFY(!items(groupBox).contains("params.epochs"));     // another experiment's

        // Checking the parent adds its keys at once.
        window.selection().setChecked(parent, true);
        QVERIFY(items(xBox).contains("best_val_acc"));
        QVERIFY(items(groupBox).contains("params.optimizer"));
        QVERIFY(offeredMetrics().contains("best_val_acc"));

        // The x metric in use stays offered and shown when its run is unchecked.
        panel->setXMetric("best_val_acc");
        window.selection().setChecked(parent, false);
        QCOMPARE(xBox->currentData().toString(), QStringLiteral("best_val_acc"));
        panel->setXKind(MetricChart::XKind::Step);

        // Nothing checked: every run's keys.
        window.selection().setCheckedRuns({});
        QVERIFY(items(xBox).contains("eval/score"));
        QVERIFY(items(groupBox).contains("params.epochs"));
        QVERIFY(offeredMetrics().contains("neg_step"));
    }

    void exportsPngSvgAndCsv() {
        MainWindow window;
        const auto [red, blue] = openRedAndBlue(window);
        ChartsPanel* panel = window.charts();
        panel->setMetrics({"train/loss", "val/acc"});
        MetricChart* chart = panel->charts().first();
        QTRY_COMPARE(chart->drawnPoints(), size_t(100));
        QTRY_VERIFY(panel->charts().last()->drawnPoints() > 0);
        QTemporaryDir out;

        // PNG at the size asked, 2x for print, with both runs' colours.
        QVERIFY(chart->saveAs(out.path() + "/loss.png", QSize(600, 300), 2));
        const QImage png(out.path() + "/loss.png");
        QCOMPARE(png.size(), QSize(1200, 600));
        QVERIFY(pixelsLike(png, 0xff0000) > 40);
        QVERIFY(pixelsLike(png, 0x0000ff) > 40);

        // SVG: well-formed, both lines as paths in their colours, the title as text.
        QVERIFY(chart->saveAs(out.path() + "/loss.svg", QSize(600, 300)));
        QFile svgFile(out.path() + "/loss.svg");
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray svg = svgFile.readAll();
        QXmlStreamReader xml(svg);
        int paths = 0;
        bool title = false;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement) continue;
            if (xml.name() == u"path" || xml.name() == u"polyline") ++paths;
            if (xml.name() == u"text" &&
                xml.readElementText(QXmlStreamReader::IncludeChildElements).contains(u"train/loss"))
                title = true;
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(paths >= 2);
        QVERIFY(title);
        QVERIFY(svg.contains("#ff0000"));
        QVERIFY(svg.contains("#0000ff"));
        QVERIFY(svg.size() < 400'000);

        // CSV: every point, full precision, in long form.
        const QByteArray csv = chart->toCsv();
        const QList<QByteArray> lines = csv.split('\n');
        QCOMPARE(lines.first(), QByteArray("run,metric,step,wall_time,value\r"));
        QCOMPARE(csv.count('\n'), 101);
        QVERIFY(csv.contains("child-lr-0.1,train/loss,49,1795811563.262,0.37531109885139957\r\n"));
        QVERIFY(csv.contains("child-lr-0.01,train/loss,0,"));

        // The whole grid: one CSV header, a PNG of two charts side by side.
        QVERIFY(panel->exportAll(out.path() + "/all.csv", QSize(500, 300)));
        QFile all(out.path() + "/all.csv");
        QVERIFY(all.open(QIODevice::ReadOnly));
        const QByteArray allCsv = all.readAll();
        QCOMPARE(allCsv.count("run,metric,step,wall_time,value"), 1);
        QVERIFY(allCsv.contains(",val/acc,"));
        QVERIFY(panel->exportAll(out.path() + "/all.png", QSize(500, 300), 1));
        QCOMPARE(QImage(out.path() + "/all.png").size(), QSize(1000, 300));
        QVERIFY(panel->exportAll(out.path() + "/all.svg", QSize(500, 300)));
        QVERIFY(QFileInfo(out.path() + "/all.svg").size() > 1000);
    }

    void everySpikeIsDrawnAndPointsStayBounded() {
        MetricChart chart("loss");
        chart.resize(800, 400);
        chart.show();
        MetricChart::Curve c = line("a", 0x336699, 2'000'000, 0);
        c.ys[1'234'567] = 50;
        chart.setCurves({c}, MetricChart::XKind::Step, false);
        QVERIFY(chart.isDrawing());  // 2 M points: reduced and drawn on the chart's thread
        QTRY_VERIFY(!chart.isDrawing());
        QVERIFY(chart.drawnPoints() <= size_t(4 * 800 + 2));
        bool spike = false;
        for (const QPointF& p : chart.drawnValues(0))
            spike = spike || p.y() == 50;
        QVERIFY(spike);
    }

    // A zoom of many lines draws one frame: when the y axis takes new ticks it passes through
    // a plot area with no labels, and that passing size made a second frame. The lines lie
    // between 1 and 2 in the first half of the steps and between 3 and 4 in the second, so
    // the labels change (1.2, 1.4, ... or 3.2, 3.4, ...) but keep their width.
    void aZoomDrawsOneFrame() {
        MetricChart chart("loss");
        chart.resize(900, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        std::vector<MetricChart::Curve> curves;
        for (int i = 0; i < 40; ++i) {
            MetricChart::Curve c = line(QByteArray::number(i).constData(), 0x336699, 20'000, 0);
            for (size_t k = 0; k < c.ys.size(); ++k)
                c.ys[k] = (k < 10'000 ? 1 : 3) + double((k + size_t(i)) % 10) / 10;
            curves.push_back(std::move(c));
        }
        chart.setCurves(std::move(curves), MetricChart::XKind::Step, false);
        QTRY_VERIFY(!chart.isDrawing());
        const auto yLabels = [&] {
            QStringList labels;
            for (const AxisTick& t : chart.yTicks())
                if (!t.label.isEmpty()) labels << t.label;
            return labels;
        };
        chart.setXRange(1000, 9000);
        QTRY_VERIFY(!chart.isDrawing());
        for (const double from : {11'000.0, 1000.0, 11'000.0}) {
            const QStringList before = yLabels();
            const int frames = chart.framesDrawn();
            chart.setXRange(from, from + 8000);
            QTRY_VERIFY(!chart.isDrawing());
            const QStringList after = yLabels();
            QVERIFY2(after != before && after.join("").size() == before.join("").size(),
                     qPrintable(before.join(' ') + " / " + after.join(' ')));
            QCOMPARE(chart.framesDrawn() - frames, 1);
        }
    }

    void manyPointsDrawOnThePoolInEveryColour() {
        // Enough points that the curves are reduced and drawn on the chart's thread: every
        // curve still shows in its colour, and the highlighted one lies on top of the others.
        MetricChart chart("loss");
        chart.resize(900, 500);
        chart.show();
        std::vector<MetricChart::Curve> curves;
        const uint32_t colours[] = {0xff0000, 0x00aa00, 0x0000ff, 0xff00ff, 0x00cccc, 0x888800};
        for (int i = 0; i < 30; ++i) {
            MetricChart::Curve c = line(QByteArray::number(i).constData(),
                                        i == 5 ? 0x994400 : colours[i % 6], 50'000, 0);
            for (size_t k = 0; k < c.ys.size(); ++k)
                c.ys[k] = (i == 6 ? 5 : i) + 0.4 * std::sin(double(k) * 0.37);  // 4 a column
            curves.push_back(std::move(c));
        }
        chart.setCurves(std::move(curves), MetricChart::XKind::Step, false);
        QTRY_VERIFY(!chart.isDrawing());
        QVERIFY(chart.drawnPoints() > 40000);
        QImage image = chart.grab().toImage();
        for (const uint32_t colour : colours)
            QVERIFY2(pixelsLike(image, colour) > 500, qPrintable(QString::number(colour, 16)));
        // Curve 6 lies exactly over curve 5 (its own colour) and hides it, being drawn later;
        // highlighted, curve 5 is drawn last, on top.
        const int before = pixelsLike(image, 0x994400);
        QVERIFY(before < 200);
        chart.setHighlighted(RunId(QStringLiteral("5")));
        image = chart.grab().toImage();
        QVERIFY2(pixelsLike(image, 0x994400) > 3000,
                 qPrintable(QStringLiteral("%1 %2").arg(before).arg(pixelsLike(image, 0x994400))));
    }

    // Many smoothed lines are drawn on the chart's thread: the raw values beneath stay faint
    // (their colour blended over the white background), never dark.
    void rawLinesStayFaintOnThePool() {
        MetricChart chart("loss");
        chart.resize(900, 500);
        chart.show();
        std::vector<MetricChart::Curve> curves;
        for (int i = 0; i < 40; ++i) {
            MetricChart::Curve c = line(QByteArray::number(i).constData(), 0x2060c0, 500, 0);
            std::vector<double> raw = c.ys;
            for (size_t k = 0; k < c.ys.size(); ++k) {
                c.ys[k] = double(i);
                raw[k] = double(i) + (k % 2 ? 0.3 : -0.3);  // noise around the smooth line
            }
            c.rawYs = std::move(raw);
            curves.push_back(std::move(c));
        }
        chart.setCurves(std::move(curves), MetricChart::XKind::Step, false);
        QTRY_VERIFY(!chart.isDrawing());
        // The plot area only: the axes' labels are dark too.
        const QRect plot = chart.chart()->plotArea().toRect().adjusted(2, 2, -2, -2);
        const QImage image = chart.grab(plot).toImage();
        const QRgb faint = qRgb((0x20 * 60 + 255 * 195) / 255, (0x60 * 60 + 255 * 195) / 255,
                                (0xc0 * 60 + 255 * 195) / 255);
        QVERIFY2(pixelsLike(image, faint) > 1000, "the raw lines are drawn, faint");
        QCOMPARE(pixelsLike(image, qRgb(0x20 * 60 / 255, 0x60 * 60 / 255, 0xc0 * 60 / 255)), 0);
    }

    // Dense lines are written column by column: a vertical run covers exactly its rows, a
    // slanted line leaves no column out and its columns join, and what lies off the canvas
    // (or would overflow it) is clipped; pixels never drawn keep the image's own.
    void columnCanvasDrawsJoinedLines() {
        auto drawn = [](const std::vector<std::pair<QPolygonF, QRgb>>& lines) {
            ColumnCanvas canvas(20, 12);
            for (const auto& [points, colour] : lines)
                canvas.polyline(points, colour);
            QImage image(20, 12, QImage::Format_ARGB32_Premultiplied);
            image.fill(qRgb(1, 2, 3));
            canvas.copyInto(image);
            return image;
        };
        const QImage straight =
            drawn({{QPolygonF({QPointF(5.2, 2.7), QPointF(5.9, 8.1)}), 0x112233},
                   {QPolygonF({QPointF(-1e12, 3), QPointF(1e12, 3)}), 0x778899},
                   {QPolygonF({QPointF(-5, -5), QPointF(-1, -2)}), 0xaabbcc}});  // off it
        for (int y = 0; y < 12; ++y)
            QCOMPARE(straight.pixel(5, y) == qRgb(0x11, 0x22, 0x33), y >= 2 && y <= 8 && y != 3);
        for (int x = 0; x < 20; ++x)
            QCOMPARE(straight.pixel(x, 3), qRgb(0x77, 0x88, 0x99));
        QCOMPARE(straight.pixel(15, 1), qRgb(1, 2, 3));
        QCOMPARE(straight.pixel(0, 0), qRgb(1, 2, 3));

        const QImage slanted = drawn({{QPolygonF({QPointF(0, 0), QPointF(19, 11)}), 0x445566}});
        int previousLow = -1, previousHigh = -1;
        for (int x = 0; x < 20; ++x) {
            int low = 99, high = -1;
            for (int y = 0; y < 12; ++y)
                if (slanted.pixel(x, y) == qRgb(0x44, 0x55, 0x66))
                    low = std::min(low, y), high = std::max(high, y);
            QVERIFY2(high >= 0, qPrintable(QStringLiteral("column %1 is empty").arg(x)));
            QCOMPARE(high - low + 1 <= 2, true);  // a shallow line: a row or two a column
            if (x > 0) QVERIFY(low <= previousHigh + 1 && high >= previousLow - 1);
            previousLow = low, previousHigh = high;
        }
        QCOMPARE(slanted.pixel(0, 0), qRgb(0x44, 0x55, 0x66));
        QCOMPARE(slanted.pixel(19, 11), qRgb(0x44, 0x55, 0x66));
    }

    // A hundred noisy runs drawn on the pool (the faint raw lines beneath): one spike of one
    // run still reaches the top of the plot in its colour.
    void aSpikeAmongManyDenseRunsReachesTheTop() {
        MetricChart chart("loss");
        chart.resize(900, 500);
        chart.show();
        std::vector<MetricChart::Curve> curves;
        for (int i = 0; i < 100; ++i) {
            MetricChart::Curve c =
                line(QByteArray::number(i).constData(), i == 42 ? 0xd62728 : 0x1f77b4, 20'000, 0);
            std::vector<double> raw = c.ys;
            for (size_t k = 0; k < c.ys.size(); ++k)
                raw[k] = std::sin(double(k * (i + 1))) * 0.5;
            if (i == 42) raw[12'345] = 10;
            c.rawYs = std::move(raw);
            curves.push_back(std::move(c));
        }
        chart.setCurves(std::move(curves), MetricChart::XKind::Step, false);
        QTRY_VERIFY(!chart.isDrawing());
        const QRect plot = chart.chart()->plotArea().toRect();
        const QImage image = chart.grab(plot.adjusted(0, 0, 0, -plot.height() * 3 / 4)).toImage();
        const QRgb spike = qRgb((0xd6 * 60 + 255 * 195) / 255, (0x27 * 60 + 255 * 195) / 255,
                                (0x28 * 60 + 255 * 195) / 255);
        QVERIFY2(pixelsLike(image, spike) >= plot.height() / 8,
                 "the spike's faint line runs up through the top quarter");
    }

    void zoomPanAndReset() {
        MetricChart chart("loss");
        chart.resize(800, 400);
        chart.show();
        chart.setCurves({line("a", 0x336699, 1000, 0.5)}, MetricChart::XKind::Step, false);
        QCOMPARE(chart.xRange(), std::make_pair(0.0, 999.0));
        const QPoint centre(int(chart.chart()->plotArea().center().x()),
                            int(chart.chart()->plotArea().center().y()));
        QWheelEvent wheel(centre, chart.mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(chart.viewport(), &wheel);
        const auto zoomed = chart.xRange();
        QVERIFY(zoomed.second - zoomed.first < 999 * 0.9);
        QTest::mousePress(chart.viewport(), Qt::LeftButton, {}, centre);
        QTest::mouseMove(chart.viewport(), centre + QPoint(100, 0));
        QTest::mouseRelease(chart.viewport(), Qt::LeftButton, {}, centre + QPoint(100, 0));
        QVERIFY(chart.xRange().first < zoomed.first);  // dragged right: earlier steps come in
        QTest::mouseDClick(chart.viewport(), Qt::LeftButton, {}, centre);
        QCOMPARE(chart.xRange(), std::make_pair(0.0, 999.0));
    }

    void tooltipListsNearestFirst() {
        MetricChart chart("loss");
        MetricChart::Curve a = line("a", 0x111111, 0, 0), b = line("b", 0x222222, 0, 0);
        a.xs = {0, 10, 20};
        a.ys = {1, 2, 3};
        b.xs = {0, 14, 30};
        b.ys = {5, 6, 7};
        chart.setCurves({a, b}, MetricChart::XKind::Step, false);
        QCOMPARE(chart.valuesAt(13), (QStringList{"b: 6 (at 14)", "a: 2 (at 10)"}));
    }

    void logAxisCountsWhatItCannotShow() {
        MetricChart chart("loss");
        MetricChart::Curve c = line("a", 0x111111, 0, 0);
        c.xs = {0, 1, 2, 3};
        c.ys = {1, 0, -2, 10};
        chart.setCurves({c}, MetricChart::XKind::Step, true);
        QCOMPARE(chart.hiddenNonPositive(), 2);
        QVERIFY(chart.chart()->title().contains(u"2 values ≤ 0 not shown"));
        // Decades on the log axis, in one notation.
        QStringList yLabels;
        for (const AxisTick& t : chart.yTicks())
            if (!t.label.isEmpty()) yLabels << t.label;
        QVERIFY2(yLabels.contains("1") && yLabels.contains("10"), qPrintable(yLabels.join(' ')));
        chart.setCurves({c}, MetricChart::XKind::WallTime, false);
        QCOMPARE(chart.hiddenNonPositive(), 0);
        for (const AxisTick& t : chart.xTicks())
            if (!t.label.isEmpty())
                QVERIFY2(
                    QRegularExpression("^\\d\\d:\\d\\d(:\\d\\d(\\.\\d{3})?)?$|^[A-Z][a-z]{2} \\d+$")
                        .match(t.label)
                        .hasMatch(),
                    qPrintable(t.label));
    }

    void groupsDrawAMeanWithABand() {
        MainWindow window;
        const QString mlruns = openFixture(window);
        QSet<RunId> children;
        for (const Run& run : window.catalog().runs())
            if (run.name.startsWith(u"child")) children.insert(run.id);
        window.selection().setCheckedRuns(children);
        ChartsPanel* panel = window.charts();
        panel->setSmoothing(ChartsPanel::Smoothing::None, 0);
        panel->setMetrics({"train/loss"});
        MetricChart* chart = panel->charts().first();
        QTRY_COMPARE(chart->drawnPoints(), size_t(150));
        panel->setGroupBy("tags.mlflow.parentRunId");  // the three children share their parent
        QCOMPARE(chart->drawnPoints(), size_t(50));    // one mean line
        int bands = 0;
        for (QAbstractSeries* s : chart->chart()->series())
            bands += s->type() == QAbstractSeries::SeriesTypeArea ? 1 : 0;
        QCOMPARE(bands, 1);
        QVERIFY(chart->valuesAt(49).first().contains(u"(3 runs)"));
        // At step 49 the mean of 0.3753..., 0.9166..., 1.0102...
        const double mean = (0.37531109885139957 + 0.9166489037539209 + 1.0102478635182346) / 3;
        QVERIFY2(chart->valuesAt(49).first().contains(shortNumberText(mean)),
                 qPrintable(chart->valuesAt(49).first()));
        panel->setGroupBy({});
        QCOMPARE(chart->drawnPoints(), size_t(150));
    }

    void outlierClippingSaysSo() {
        MetricChart chart("loss");
        chart.resize(800, 400);
        chart.show();
        MetricChart::Curve c = line("a", 0x111111, 1000, 0);
        c.ys[500] = 1e6;
        chart.setCurves({c}, MetricChart::XKind::Step, false);
        QVERIFY(chart.yRange().second > 1e5);
        chart.setClipOutliers(true);
        QVERIFY(chart.yRange().second < 10);
        QVERIFY(chart.chart()->title().contains(u"clipped"));
        chart.setClipOutliers(false);
        QVERIFY(!chart.chart()->title().contains(u"clipped"));
    }

    void boxZoomLegendAndHover() {
        MetricChart chart("loss");
        chart.resize(800, 400);
        chart.show();
        chart.setCurves({line("a", 0xff0000, 1000, 0.01), line("b", 0x0000ff, 1000, 0.02)},
                        MetricChart::XKind::Step, false);
        const QRectF area = chart.chart()->plotArea();
        const QPoint from = area.topLeft().toPoint() + QPoint(100, 20),
                     to = from + QPoint(200, 100);
        QTest::mousePress(chart.viewport(), Qt::RightButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, to, chart.viewport()->mapToGlobal(to), Qt::NoButton,
                         Qt::RightButton, Qt::NoModifier);
        QApplication::sendEvent(chart.viewport(), &move);
        QTest::mouseRelease(chart.viewport(), Qt::RightButton, {}, to);
        QVERIFY(chart.xRange().second - chart.xRange().first < 999 / 2.0);
        QVERIFY(chart.yRange().second - chart.yRange().first < 20);
        QTest::mouseDClick(chart.viewport(), Qt::LeftButton, {}, from);
        QCOMPARE(chart.xRange(), std::make_pair(0.0, 999.0));

        // A legend click hides a line, and its values leave the tooltip.
        const auto markers = chart.chart()->legend()->markers();
        QLegendMarker* second = nullptr;
        for (QLegendMarker* m : markers)
            if (m->label() == u"b") second = m;
        QVERIFY(second);
        emit second->clicked();
        QVERIFY(!chart.isCurveVisible(1));
        QCOMPARE(chart.drawnPoints(), size_t(1000));
        QCOMPARE(chart.valuesAt(10).size(), 1);
        emit second->clicked();
        QVERIFY(chart.isCurveVisible(1));

        // The line under the mouse is found by its drawn position.
        const double yA = 1 + 0.01 * 500;
        const double py = area.bottom() - (yA - chart.yRange().first) /
                                              (chart.yRange().second - chart.yRange().first) *
                                              area.height();
        const int px = int(area.left() + area.width() / 2);
        QCOMPARE(chart.curveNear(QPoint(px, int(std::lround(py)))).text(), QStringLiteral("a"));
    }

    void hoverHighlightsTheRunEverywhere() {
        MainWindow window;
        const QString mlruns = openFixture(window);
        const RunId run = RunId::make(u"mlflow-file", mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23");
        window.selection().setCheckedRuns({run});
        window.charts()->setMetrics({"train/loss", "val/acc"});
        const QList<MetricChart*> charts = window.charts()->charts();
        emit charts[0]->hoveredRun(run);
        QCOMPARE(window.selection().hovered(), run);
        QCOMPARE(charts[1]->highlighted(), run);
        QAbstractItemModel* table = window.runTable()->model();
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->index(r, 0).data().toString() == u"child-lr-0.1")
                QVERIFY(table->index(r, 0).data(Qt::FontRole).value<QFont>().bold());
        emit charts[0]->hoveredRun({});
        QVERIFY(charts[1]->highlighted().isEmpty());
    }

    // x can be another metric of the run, matched by step (epoch, say).
    void anotherMetricAsX() {
        MainWindow window;
        const QString mlruns = openFixture(window);
        window.selection().setCheckedRuns(
            {RunId::make(u"mlflow-file", mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23")});
        ChartsPanel* panel = window.charts();
        panel->setSmoothing(ChartsPanel::Smoothing::None, 0);
        panel->setMetrics({"train/loss"});
        panel->setXMetric("val/acc");
        MetricChart* chart = panel->charts().first();
        QTRY_COMPARE(chart->drawnPoints(), size_t(50));
        QCOMPARE(chart->chart()->axes(Qt::Horizontal).first()->titleText(),
                 QStringLiteral("val/acc"));
        // Step 49: val/acc 0.8123444505743003, train/loss 0.37531109885139957.
        QCOMPARE(chart->valuesAt(0.8123444505743003).first(),
                 QStringLiteral("child-lr-0.1: 0.37531 (at 0.81234)"));  // short form on screen
        panel->setXKind(MetricChart::XKind::Step);
        QCOMPARE(chart->chart()->axes(Qt::Horizontal).first()->titleText(), QStringLiteral("step"));
    }

    void crosshairOnEveryChart() {
        MainWindow window;
        const QString mlruns = openFixture(window);
        window.selection().setCheckedRuns(
            {RunId::make(u"mlflow-file", mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23")});
        window.charts()->setMetrics({"train/loss", "val/acc"});
        const QList<MetricChart*> charts = window.charts()->charts();
        QCOMPARE(charts.size(), 2);
        QTRY_VERIFY(charts[1]->drawnPoints() > 0);
        emit charts[0]->hovered(25);
        QVERIFY(charts[0]->crosshairVisible());
        QVERIFY(charts[1]->crosshairVisible());
        emit charts[0]->hovered(NAN);
        QVERIFY(!charts[1]->crosshairVisible());
    }
};

QTEST_MAIN(TestCharts)
#include "tst_charts.moc"
