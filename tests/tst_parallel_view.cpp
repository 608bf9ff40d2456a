// The parallel coordinates and scatter as a user meets them in the window: brushing with the
// mouse narrows the table and the charts, colours on screen, reordering, exports.
#include <QApplication>
#include <QComboBox>
#include <QImageReader>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>
#include <QXmlStreamReader>

#include "AxisText.h"
#include "ChartsPanel.h"
#include "FilterBar.h"
#include "MainWindow.h"
#include "Palette.h"
#include "ParallelPanel.h"
#include "RunTableModel.h"
#include "RunTableView.h"
#include "TestSupport.h"
#include "export/RunExport.h"

using namespace runlens;
using namespace testsupport;

class TestParallelView : public QObject {
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_tmp;
    QString m_db;

    static void saveShot(QWidget& widget, const char* name) {
        const QByteArray dir = qgetenv("RUNLENS_SCREENSHOTS");
        if (!dir.isEmpty()) widget.grab().save(QString::fromUtf8(dir) + u'/' + QLatin1String(name));
    }

    // The window on Optuna's study "mlp-tpe" (30 trials), parallel coordinates showing.
    void open(MainWindow& window) {
        window.resize(1500, 950);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(m_db);
        QVERIFY(loaded.wait(20000));
        window.filterBar()->setText(QStringLiteral("attributes.experiment = 'mlp-tpe'"));
        window.views()->setCurrentWidget(window.parallel());
        QCoreApplication::processEvents();
        QCOMPARE(window.parallel()->parallel()->shownRuns().size(), size_t(30));
    }

    // The run names the table lists.
    static QSet<QString> tableNames(MainWindow& window) {
        QAbstractItemModel* model = window.runTable()->model();
        QSet<QString> names;
        for (int r = 0; r < model->rowCount(); ++r)
            names.insert(model->index(r, RunTableModel::Name).data().toString());
        return names;
    }

    static int axisIndex(ParallelView* view, const QString& key) {
        const auto columns = view->columns();
        for (size_t i = 0; i < columns.size(); ++i)
            if (columns[i].key() == key) return int(i);
        return -1;
    }

    static void drag(QWidget* widget, QPointF from, QPointF to) {
        QTest::mousePress(widget, Qt::LeftButton, {}, from.toPoint());
        QTest::mouseMove(widget, ((from + to) / 2).toPoint());
        QTest::mouseMove(widget, to.toPoint());
        QTest::mouseRelease(widget, Qt::LeftButton, {}, to.toPoint());
    }

private slots:
    void initTestCase() {
        useOwnSettings(m_config.path());
        m_db = copyFixture(QStringLiteral("optuna/sqlite/optuna.db"), m_tmp.path());
    }
    void init() { QSettings().clear(); }

    void draggingOnAnAxisBrushesTableChartsAndFilterBar() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        const int lr = axisIndex(view, QStringLiteral("params.lr"));
        QVERIFY(lr >= 0);
        QCOMPARE(view->axes()[size_t(lr)].scale(), ParallelAxis::Scale::Log);  // Optuna's log=True
        // Check every trial for the charts first: the brush must narrow them too.
        QSet<RunId> all;
        for (const Run* run : view->shownRuns())
            all.insert(run->id);
        window.selection().setCheckedRuns(all);

        drag(view, view->pointOf(lr, 0.7f), view->pointOf(lr, 0.3f));
        const std::vector<AxisBrush>& brushes =
            window.selection().brushes().brushes(ColumnRef::parse(QStringLiteral("params.lr")));
        QCOMPARE(brushes.size(), size_t(1));
        const AxisBrush brush = brushes.front();
        QVERIFY(brush.lo > 0 && brush.lo < brush.hi);
        // Exactly the trials whose lr lies in the brushed range.
        int inside = 0;
        for (const Run* run : view->shownRuns()) {
            const double value = run->params.value(QStringLiteral("lr")).toDouble();
            const bool expected = value >= brush.lo && value <= brush.hi;
            QCOMPARE(!window.selection().isBrushedOut(run->id), expected);
            inside += expected;
        }
        QVERIFY(inside > 2 && inside < 28);
        // The table shows the same runs; the filter bar the same set as an expression.
        QCOMPARE(window.runTableView()->visibleRunCount(), inside);
        const QString text = window.filterBar()->brushText();
        QVERIFY2(text.contains(QStringLiteral("params.lr >= ")), qPrintable(text));
        const RunFilter filter = RunFilter::parse(window.selection().brushes().expression());
        for (const Run& run : window.catalog().runs())
            QCOMPARE(filter.matches(run), !window.selection().isBrushedOut(run.id));
        // The charts draw only the brushed runs.
        window.charts()->refresh();
        QVERIFY(!window.charts()->charts().isEmpty());

        saveShot(window, "parallel-brushed.png");

        // "Use as Filter" moves the brushes into the filter line: same runs, no brushes.
        emit window.filterBar()->useBrushesAsFilterRequested();
        QVERIFY(window.filterBar()->lineEdit()->text().contains(u"params.lr >= "));
        QVERIFY(!window.selection().isBrushActive());
        QCOMPARE(window.runTableView()->visibleRunCount(), inside);
        QCOMPARE(int(view->shownRuns().size()), inside);
    }

    // The parallel coordinates and the scatter show the runs the filter lets through, those
    // the table lists in colour; a checked run the filter hides stays checked.
    void parallelAndScatterFollowTheFilter() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        ScatterView* scatter = window.parallel()->scatter();
        QSet<RunId> all;
        for (const Run* run : view->shownRuns())
            all.insert(run->id);
        window.selection().setCheckedRuns(all);
        auto inColour = [view] {
            QSet<QString> names;
            for (size_t r = 0; r < view->shownRuns().size(); ++r)
                if (view->isInColour(r)) names.insert(view->shownRuns()[r]->name);
            return names;
        };
        auto names = [](const std::vector<const Run*>& runs) {
            QSet<QString> out;
            for (const Run* run : runs)
                out.insert(run->name);
            return out;
        };
        window.filterBar()->setText(
            QStringLiteral("attributes.experiment = 'mlp-tpe' and params.optimizer = 'adam'"));
        const QSet<QString> adam = tableNames(window);
        QVERIFY(adam.size() > 3 && adam.size() < 30);
        QCOMPARE(names(view->shownRuns()), adam);
        QCOMPARE(inColour(), adam);
        QCOMPARE(names(scatter->runs()), adam);
        QCOMPARE(window.selection().checked(), all);  // hidden runs stay checked

        // A brush: the same runs in colour as in the table, the rest grey.
        const int lr = axisIndex(view, QStringLiteral("params.lr"));
        view->brushAxis(lr, 0.4f, 1.f);
        const QSet<QString> brushed = tableNames(window);
        QVERIFY(!brushed.isEmpty() && brushed.size() < adam.size());
        QCOMPARE(inColour(), brushed);
        QCOMPARE(names(scatter->runs()), adam);
        for (const Run* run : scatter->runs())
            QCOMPARE(window.selection().isShown(*run), brushed.contains(run->name));

        view->clearBrushes();
        window.filterBar()->setText(QStringLiteral("attributes.experiment = 'mlp-tpe'"));
        QCOMPARE(view->shownRuns().size(), size_t(30));
        QCOMPARE(inColour().size(), 30);
    }

    // Issue 20: a hidden parallel tab costs an open nothing; it gathers the runs when shown,
    // those of the project open then (after two opens and a filter made while hidden).
    void aHiddenTabGathersItsRunsWhenShown() {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        ParallelView* view = window.parallel()->parallel();
        ScatterView* scatter = window.parallel()->scatter();
        for (int open = 0; open < 2; ++open) {
            QSignalSpy loaded(&window, &MainWindow::projectLoaded);
            window.openPath(m_db);
            QVERIFY(loaded.wait(20000));
            QVERIFY(view->shownRuns().empty());
            QVERIFY(scatter->runs().empty());
        }
        window.filterBar()->setText(QStringLiteral("attributes.experiment = 'mlp-tpe'"));
        QVERIFY(view->shownRuns().empty());
        window.views()->setCurrentWidget(window.parallel());
        QCOMPARE(view->shownRuns().size(), size_t(30));
        QCOMPARE(scatter->runs().size(), size_t(30));
        const QSet<QString> table = tableNames(window);
        for (const Run* run : view->shownRuns())
            QVERIFY(table.contains(run->name));
        QVERIFY(axisIndex(view, QStringLiteral("params.lr")) >= 0);
        QVERIFY(!scatter->xKey().isEmpty());

        // Back to the charts: a filter typed there is taken when the tab is shown again.
        window.views()->setCurrentWidget(window.charts());
        window.filterBar()->setText(
            QStringLiteral("attributes.experiment = 'mlp-tpe' and params.optimizer = 'adam'"));
        const QSet<QString> adam = tableNames(window);
        window.views()->setCurrentWidget(window.parallel());
        QCOMPARE(int(view->shownRuns().size()), adam.size());
        QCOMPARE(int(scatter->runs().size()), adam.size());
    }

    void clickOnBrushRemovesItAndBrushesCanMove() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        const int dropout = axisIndex(view, QStringLiteral("params.dropout"));
        QVERIFY(dropout >= 0);
        // Drag over the upper part of the axis: dropout 0.4 and 0.5.
        drag(view, view->pointOf(dropout, 1.f), view->pointOf(dropout, 0.75f));
        const ColumnRef column = ColumnRef::parse(QStringLiteral("params.dropout"));
        QCOMPARE(window.selection().brushes().brushes(column).size(), size_t(1));
        const auto count = [&] {
            int n = 0;
            for (const Run* run : view->shownRuns())
                n += !window.selection().isBrushedOut(run->id);
            return n;
        };
        int high = 0;
        for (const Run* run : view->shownRuns())
            high += run->params.value(QStringLiteral("dropout")).toDouble() >= 0.4;
        QCOMPARE(count(), high);
        // Move it down: the brush keeps its height, now covers dropout 0 and 0.1.
        drag(view, view->pointOf(dropout, 0.88f), view->pointOf(dropout, 0.11f));
        const AxisBrush moved = window.selection().brushes().brushes(column).front();
        QVERIFY2(moved.hi < 0.35 && moved.lo <= 0.1, qPrintable(moved.expression(column)));
        // A second brush on the same axis adds its runs.
        drag(view, view->pointOf(dropout, 1.f), view->pointOf(dropout, 0.9f));
        QCOMPARE(window.selection().brushes().brushes(column).size(), size_t(2));
        // A click on a brush removes it.
        const QPointF onTop = view->pointOf(dropout, 0.98f);
        QTest::mouseClick(view, Qt::LeftButton, {}, onTop.toPoint());
        QCOMPARE(window.selection().brushes().brushes(column).size(), size_t(1));
        view->clearBrushes();
        QVERIFY(!window.selection().isBrushActive());
        QCOMPARE(window.runTableView()->visibleRunCount(), 30);
    }

    void linesHaveTheRunColourAndGreyOutsideTheBrush() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        QVERIFY(!view->densityMode());
        // Only one run, to read its colour off the screen without others crossing it.
        window.filterBar()->setText(
            QStringLiteral("attributes.experiment = 'mlp-tpe' and name = 'trial 29'"));
        QCOMPARE(view->shownRuns().size(), size_t(1));
        const Run* run = view->shownRuns().front();
        const QColor colour = QColor::fromRgb(window.selection().colour(run->id));
        // Halfway between the first two axes, on the line.
        const QPointF a =
            view->pointOf(0, view->axes()[0].position(cellValue(*run, view->axes()[0].column())));
        const QPointF b =
            view->pointOf(1, view->axes()[1].position(cellValue(*run, view->axes()[1].column())));
        const QPoint mid = ((a + b) / 2).toPoint();
        auto near = [](const QImage& image, QPoint p, QColor want) {
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx) {
                    const QColor c = image.pixelColor(p + QPoint(dx, dy));
                    if (std::abs(c.red() - want.red()) < 30 &&
                        std::abs(c.green() - want.green()) < 30 &&
                        std::abs(c.blue() - want.blue()) < 30)
                        return true;
                }
            return false;
        };
        QImage image = view->grab().toImage();
        if (!near(image, mid, colour))
            image.save(QDir::tempPath() + QStringLiteral("/runlens-colour.png"));
        QVERIFY2(near(image, mid, colour),
                 qPrintable(colour.name() + u' ' + image.pixelColor(mid).name()));
        // Brushed out, the same line is grey.
        BrushSet elsewhere;
        AxisBrush negative;
        negative.lo = -2;
        negative.hi = -1;
        elsewhere.setBrushes(view->axes()[0].column(), {negative});
        window.selection().setBrushes(elsewhere, window.catalog().runs());
        QVERIFY(window.selection().isBrushActive());
        image = view->grab().toImage();
        QVERIFY(!near(image, mid, colour));
        view->clearBrushes();

        // Colour by a column: viridis from low to high.
        window.filterBar()->setText(QStringLiteral("attributes.experiment = 'mlp-tpe'"));
        window.parallel()->setColourBy(QStringLiteral("metrics.value"), false);
        const ParallelAxis& colourAxis = view->colouring().axis();
        QCOMPARE(colourAxis.column().key(), QStringLiteral("metrics.value"));
        for (const Run* r : view->shownRuns()) {
            const CellValue v = cellValue(*r, colourAxis.column());
            if (v.kind == CellValue::Kind::Missing)
                QCOMPARE(view->colouring().colour(*r, window.selection()), 0x9a9a9au);
            else if (v.number == colourAxis.highest())
                QCOMPARE(view->colouring().colour(*r, window.selection()), viridis(1));
        }
    }

    // Coloured by a column on a dark palette, the lowest values are not the near-black violet
    // that vanishes there: lines and dots keep a readable contrast with the background.
    void columnColoursStayVisibleOnADarkPalette() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        ScatterView* scatter = window.parallel()->scatter();
        window.parallel()->setColourBy(QStringLiteral("metrics.value"), false);
        scatter->setColumns(QStringLiteral("metrics.value"), QStringLiteral("metrics.value"));
        const QPalette light = QApplication::palette();
        applyPalette(QStringLiteral("dark"));
        QTRY_VERIFY(view->palette().color(QPalette::Base).lightness() < 128);
        const QColor base = view->palette().color(QPalette::Base);
        auto luminance = [](QColor c) {
            auto linear = [](double v) {
                return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
            };
            return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) +
                   0.0722 * linear(c.blueF());
        };
        const ParallelAxis& axis = view->colouring().axis();
        const Run* lowest = nullptr;
        for (const Run* r : view->shownRuns()) {
            const CellValue v = cellValue(*r, axis.column());
            if (v.kind == CellValue::Kind::Number && v.number == axis.lowest()) lowest = r;
        }
        QVERIFY(lowest);
        const QColor colour =
            QColor::fromRgb(view->colouring().colour(*lowest, window.selection()));
        QVERIFY(colour.rgb() != QColor::fromRgb(viridis(0)).rgb());
        const double contrast = (luminance(colour) + 0.05) / (luminance(base) + 0.05);
        QVERIFY2(contrast > 2.5, qPrintable(QString::number(contrast)));
        // The scatter draws the lowest dot in that colour.
        const float u = axis.position(cellValue(*lowest, axis.column()));
        const QPoint dot =
            scatter
                ->pointOf(scatter->xAxis().position(cellValue(*lowest, axis.column())),
                          scatter->yAxis().position(cellValue(*lowest, axis.column())))
                .toPoint();
        QVERIFY(u >= 0);
        const QColor drawn = scatter->grab().toImage().pixelColor(dot);
        QVERIFY2(std::abs(drawn.red() - colour.red()) < 8 &&
                     std::abs(drawn.green() - colour.green()) < 8 &&
                     std::abs(drawn.blue() - colour.blue()) < 8,
                 qPrintable(drawn.name() + u' ' + colour.name()));
        saveShot(window, "parallel-dark-colour-by.png");
        applyPalette(QStringLiteral("system"));
        QApplication::setPalette(light);
        QTRY_COMPARE(view->colouring().colour(*lowest, window.selection()), viridis(0));
    }

    // Titles and labels read whole in the room an axis has: a title wraps onto two lines at a
    // separator, a namespace moves up beside the kind, a word is cut at its end, never to a
    // stub like "r…p", and a number is not cut at all.
    void axisTextWrapsInsteadOfBecomingStubs() {
        QFont font;
        font.setPixelSize(12);
        const QFontMetricsF fm(font);
        const qreal narrow = fm.horizontalAdvance(QStringLiteral("batch_")) + 2;
        QCOMPARE(wrapText(QStringLiteral("lr"), fm, narrow), QStringList{"lr"});
        QCOMPARE(wrapText(QStringLiteral("batch_size"), fm, narrow),
                 (QStringList{"batch_", "size"}));
        QCOMPARE(wrapText(QStringLiteral("model/depth"), fm, fm.horizontalAdvance("model/") + 2),
                 (QStringList{"model/", "depth"}));
        const qreal sevenChars = fm.horizontalAdvance(QStringLiteral("rmsprop"));
        QCOMPARE(fitLabel(QStringLiteral("rmsprop"), fm, sevenChars), QStringLiteral("rmsprop"));
        const QString cut = fitLabel(QStringLiteral("rmsprop"), fm, sevenChars * 0.8);
        QVERIFY2(cut.startsWith(u"rms") && cut.endsWith(QChar(0x2026)), qPrintable(cut));
        QVERIFY(fitLabel(QStringLiteral("rmsprop"), fm, fm.horizontalAdvance("r…")).isEmpty());
        QVERIFY(fitLabel(QStringLiteral("0.00012"), fm, fm.horizontalAdvance("0.0001")).isEmpty());

        const ParallelAxis pruned(
            ColumnRef::parse(QStringLiteral("params.user_attrs.pruned_at_epoch")), {});
        QFont smallFont;
        smallFont.setPixelSize(8);
        const QFontMetricsF small(smallFont);
        const AxisTitle title = axisTitle(pruned, fm, small, fm.horizontalAdvance("at_epoch") + 4);
        QCOMPARE(title.lines, (QStringList{"pruned_", "at_epoch"}));
        QVERIFY2(title.kind.contains(u"user_attrs"), qPrintable(title.kind));
        // Room enough: one line, the kind alone.
        const AxisTitle wide = axisTitle(pruned, fm, small, 400);
        QCOMPARE(wide.lines, QStringList{"user_attrs.pruned_at_epoch"});
        QCOMPARE(wide.kind, QStringLiteral("param"));
    }

    // On the study in a small window, every default axis' title reads whole and categories
    // keep at least their first three letters.
    void axesReadWholeInASmallWindow() {
        MainWindow window;
        open(window);
        window.resize(1024, 700);
        ParallelView* view = window.parallel()->parallel();
        QTRY_VERIFY(view->width() < 800);
        for (int a = 0; a < int(view->axes().size()); ++a) {
            const ParallelAxis& axis = view->axes()[size_t(a)];
            const QStringList title = view->titleText(a);
            const QString shown = title.mid(1).join(QString());
            const QString name = axis.column().name;
            // Whole (its namespace perhaps moved to the kind line); a name too long for two
            // lines keeps the start of each line.
            if (name.size() <= 16)
                QVERIFY2((title.first() + u'.' + shown).contains(name.section(u'.', -1)),
                         qPrintable(title.join(u'|')));
            for (const QString& line : title.mid(1))
                QVERIFY2(!line.contains(QChar(0x2026)) || line.indexOf(QChar(0x2026)) >= 5,
                         qPrintable(line));
            if (axis.scale() != ParallelAxis::Scale::Categorical) continue;
            for (const QString& label : view->tickLabels(a)) {
                QVERIFY2(!label.contains(QChar(0x2026)) || label.indexOf(QChar(0x2026)) >= 3,
                         qPrintable(label));
                QVERIFY2(!label.contains(QChar(0x2026)) || label.endsWith(QChar(0x2026)),
                         qPrintable(label));
            }
        }
        const int optimizer = axisIndex(view, QStringLiteral("params.optimizer"));
        QCOMPARE(view->tickLabels(optimizer), (QStringList{"adam", "sgd", "rmsprop"}));
        saveShot(window, "parallel-1024.png");
    }

    // A project with several studies: the default axes come from the one whose runs say most,
    // and the view says which.
    void defaultAxesComeFromOneStudy() {
        MainWindow window;
        window.resize(1500, 950);
        window.show();
        window.views()->setCurrentWidget(window.parallel());
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(m_db);
        QVERIFY(loaded.wait(20000));
        ParallelView* view = window.parallel()->parallel();
        QCOMPARE(view->shownRuns().size(), size_t(54));  // three studies
        QCOMPARE(view->axesExperiment(), QStringLiteral("mlp-tpe"));
        QVERIFY(view->axesNote().contains(u"mlp-tpe"));
        QVERIFY(view->axesNote().contains(u"30"));
        QVERIFY(axisIndex(view, QStringLiteral("params.lr")) >= 0);
        QVERIFY(axisIndex(view, QStringLiteral("params.optimizer")) >= 0);
        QCOMPARE(axisIndex(view, QStringLiteral("params.activation")), -1);  // multi-obj's
        // The note is drawn above the axes.
        const QImage image = view->grab().toImage();
        const QColor base = view->palette().color(QPalette::Base);
        int ink = 0;
        for (int x = 0; x < 300; ++x)
            for (int y = 2; y < 16; ++y)
                ink += image.pixelColor(x, y) != base;
        QVERIFY(ink > 50);
        // One study shown: its own axes, no note.
        window.filterBar()->setText(QStringLiteral("attributes.experiment = 'multi-obj'"));
        QVERIFY(view->axesExperiment().isEmpty());
        QVERIFY(view->axesNote().isEmpty());
        QVERIFY(axisIndex(view, QStringLiteral("params.activation")) >= 0);
        // Axes the user chose: no note either.
        window.filterBar()->setText({});
        view->setColumns({ColumnRef::parse(QStringLiteral("params.x"))});
        QVERIFY(view->axesNote().isEmpty());
    }

    void densityModeForManyRunsUpdatesIncrementally() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        view->setDensityThreshold(0);  // as with thousands of runs
        QVERIFY(view->densityMode());
        const QImage before = view->grab().toImage();
        const qint64 built = view->densityRunsDrawn();
        QVERIFY(built >= qint64(view->shownRuns().size()));  // one full build at least
        const int dropout = axisIndex(view, QStringLiteral("params.dropout"));
        view->brushAxis(dropout, 0.f, 0.6f);
        const QImage brushed = view->grab().toImage();
        QVERIFY(brushed != before);
        // Only the runs the brush took out were drawn again (moved to the grey layer).
        qint64 brushedOut = 0;
        for (const Run* run : view->shownRuns())
            brushedOut += window.selection().isBrushedOut(run->id);
        QVERIFY(brushedOut > 0 && brushedOut < qint64(view->shownRuns().size()));
        QCOMPARE(view->densityRunsDrawn() - built, brushedOut);
        // Taking the brush away again gives back exactly the first picture: the density
        // layers add and subtract integer counts. The same runs move back, no others.
        view->clearBrushes();
        QCOMPARE(view->grab().toImage(), before);
        QCOMPARE(view->densityRunsDrawn() - built, 2 * brushedOut);
        saveShot(*view, "parallel-density.png");
    }

    void axesReorderByDraggingTitles() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        const auto before = view->columns();
        QVERIFY(before.size() >= 3);
        const QPointF title0 = view->pointOf(0, 1.f) - QPointF(0, 30);
        const QPointF title2 = view->pointOf(2, 1.f) - QPointF(0, 30);
        drag(view, title0, title2);
        const auto after = view->columns();
        QCOMPARE(after[2], before[0]);
        QCOMPARE(after[0], before[1]);
        view->removeAxis(2);
        QCOMPARE(view->columns().size(), before.size() - 1);
    }

    void hoverAndClickSelectTheRunEverywhere() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        const Run* run = view->shownRuns().front();
        const float u0 = view->axes()[0].position(cellValue(*run, view->axes()[0].column()));
        const float u1 = view->axes()[1].position(cellValue(*run, view->axes()[1].column()));
        const QPointF a = view->pointOf(0, u0), b = view->pointOf(1, u1);
        // A point on the run's line, a fifth of the way along (away from crossings at axes).
        const QPointF on = a + (b - a) * 0.2;
        QTest::mouseMove(view, on.toPoint());
        QVERIFY(!window.selection().hovered().isEmpty());
        const RunId hovered = window.selection().hovered();
        QTest::mouseClick(view, Qt::LeftButton, {}, on.toPoint());
        QCOMPARE(window.selection().current(), hovered);
        // The table selects it.
        const auto selected = window.runTableView()->selectedRuns();
        QCOMPARE(selected.size(), size_t(1));
        QCOMPARE(selected.front()->id, hovered);
    }

    void scatterBrushesBothColumns() {
        MainWindow window;
        open(window);
        ScatterView* scatter = window.parallel()->scatter();
        scatter->setColumns(QStringLiteral("params.dropout"), QStringLiteral("metrics.value"));
        QVERIFY(!scatter->xAxis().isNumeric() ||
                scatter->xAxis().scale() == ParallelAxis::Scale::Linear);
        // Drag a rectangle over the lower-left quarter with the mouse.
        drag(scatter, scatter->pointOf(-0.01f, 0.5f), scatter->pointOf(0.5f, -0.01f));
        const BrushSet& brushes = window.selection().brushes();
        QCOMPARE(brushes.axes().size(), size_t(2));
        for (const Run* run : window.parallel()->parallel()->shownRuns()) {
            const double d = run->params.value(QStringLiteral("dropout")).toDouble();
            const CellValue v = cellValue(*run, ColumnRef::parse(QStringLiteral("metrics.value")));
            const AxisBrush& xb = brushes.axes()[0].brushes.front();
            const AxisBrush& yb = brushes.axes()[1].brushes.front();
            const bool expected = d >= xb.lo && d <= xb.hi && v.kind == CellValue::Kind::Number &&
                                  v.number >= yb.lo && v.number <= yb.hi;
            QCOMPARE(!window.selection().isBrushedOut(run->id), expected);
        }
        saveShot(window, "parallel-scatter.png");
        // A click on empty space clears them.
        QTest::mouseClick(scatter, Qt::LeftButton, {}, scatter->pointOf(0.99f, 0.99f).toPoint());
        QVERIFY(!window.selection().isBrushActive());
    }

    void chosenAxesAreKeptPerProject() {
        const std::vector<ColumnRef> chosen = {ColumnRef::parse(QStringLiteral("params.optimizer")),
                                               ColumnRef::parse(QStringLiteral("metrics.value"))};
        {
            MainWindow window;
            open(window);
            window.parallel()->parallel()->setColumns(chosen);
            window.close();
        }
        MainWindow window;
        open(window);
        QCOMPARE(window.parallel()->parallel()->columns(), chosen);
        QCOMPARE(window.views()->currentWidget(), window.parallel());
    }

    void cliDrawsAndExportsParallelCoordinates() {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("p.csv"));
        CliResult r =
            runCli({QStringLiteral("parallel"), m_db, QStringLiteral("--filter"),
                    QStringLiteral("attributes.experiment = 'mlp-tpe'"), QStringLiteral("--axes"),
                    QStringLiteral("lr,params.optimizer,value"), QStringLiteral("--out"), csv});
        QCOMPARE(r.exitCode, 0);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.front(), QByteArray("id,name,params.lr,params.optimizer,metrics.value\r"));
        QCOMPARE(lines.size(), 32);
        bool found = false;
        for (const QByteArray& line : lines)
            if (line.contains(",trial 29,"))
                found =
                    line.endsWith(",trial 29,0.00029126562048490014,adam,0.18119860336614343\r");
        QVERIFY(found);
        const QString png = dir.filePath(QStringLiteral("p.png"));
        r = runCli({QStringLiteral("parallel"), m_db, QStringLiteral("--color-by"),
                    QStringLiteral("value"), QStringLiteral("--size"), QStringLiteral("700x400"),
                    QStringLiteral("--out"), png});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QImageReader(png).size(), QSize(700, 400));
        r = runCli({QStringLiteral("parallel"), m_db, QStringLiteral("--axes"),
                    QStringLiteral("no_such_key"), QStringLiteral("--out"), png});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("no run has 'no_such_key'"));
        r = runCli({QStringLiteral("parallel"), m_db});
        QCOMPARE(r.exitCode, 2);
    }

    void exportsAreValid() {
        MainWindow window;
        open(window);
        ParallelView* view = window.parallel()->parallel();
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("p.png"));
        QVERIFY(view->saveAs(png, QSize(800, 500), 2));
        QImageReader reader(png);
        QCOMPARE(reader.size(), QSize(1600, 1000));
        const QString svg = dir.filePath(QStringLiteral("p.svg"));
        QVERIFY(view->saveAs(svg, QSize(800, 500)));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&svgFile);
        int polylines = 0;
        bool hasTitleText = false;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isStartElement() && xml.name() == u"polyline") ++polylines;
            if (xml.isCharacters() && xml.text().toString().contains(u"dropout"))
                hasTitleText = true;
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(polylines >= 30);  // one per run, plus nothing rasterised
        QVERIFY(hasTitleText);     // text stays text
        // CSV: the shown runs x the axes, values as written.
        const QString csv = dir.filePath(QStringLiteral("p.csv"));
        QVERIFY(view->saveAs(csv, QSize(800, 500)));
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QByteArray bytes = csvFile.readAll();
        QCOMPARE(bytes, columnsToCsv(view->shownRuns(), view->columns()));
        const QList<QByteArray> lines = bytes.split('\n');
        QCOMPARE(lines.size(), 32);  // header, 30 runs, the empty piece after the last CRLF
        QVERIFY(bytes.contains("0.00029126562048490014"));  // trial 29's lr in full precision
        // Scatter exports too.
        const QString scatterPng = dir.filePath(QStringLiteral("s.png"));
        QVERIFY(window.parallel()->scatter()->saveAs(scatterPng, QSize(400, 300), 1));
        QCOMPARE(QImageReader(scatterPng).size(), QSize(400, 300));
        saveShot(window, "parallel.png");
    }
};

QTEST_MAIN(TestParallelView)
#include "tst_parallel_view.moc"
