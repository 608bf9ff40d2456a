// The run table as a user reads it: pinned columns beside their own rows in any palette and
// font; a param and a metric of the same name told apart; short numbers on screen with the
// exact ones on hover and in copies; the row menu, Space and Ctrl+C; a running run's
// duration counting up.

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>

#include "ChartsPanel.h"
#include "DetailsPane.h"
#include "FilterBar.h"
#include "MainWindow.h"
#include "Palette.h"
#include "RunGroupModel.h"
#include "RunTableModel.h"
#include "RunTableView.h"
#include "TestSupport.h"
#include "WelcomePage.h"

using namespace runlens;
using namespace testsupport;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    file.write(bytes);
}

// Two runs of a script that logs its learning rate both as a param and as a metric.
QString writeScriptsProject(const QString& dir) {
    const QString root = dir + QStringLiteral("/scripts");
    writeFile(root + "/run-a/params.json", R"({"lr": 0.1, "batch": 32})");
    writeFile(root + "/run-a/metrics.csv", "step,lr,acc\n0,0.1,0.5\n1,0.05,0.9400000000000001\n");
    writeFile(root + "/run-b/params.json", R"({"lr": 0.01, "batch": 32})");
    writeFile(root + "/run-b/metrics.csv", "step,lr,acc\n0,0.01,0.4\n1,0.005,0.9\n");
    return root;
}

int luminance(QRgb c) {
    return (qRed(c) * 299 + qGreen(c) * 587 + qBlue(c) * 114) / 1000;
}

}  // namespace

class TestRunTable : public QObject {
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_tmp;
    QString m_scripts;

    static void waitLoaded(MainWindow& window, const QString& path) {
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(path);
        QVERIFY(loaded.wait(20000));
    }
    static int rowOf(QAbstractItemModel* model, const QString& name) {
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->index(r, RunTableModel::Name).data().toString() == name) return r;
        return -1;
    }
    static int firstColumnOf(RunTableModel* model, ColumnRef::Kind kind) {
        for (int c = 0; c < model->columnCount(); ++c)
            if (!RunTableModel::isFixed(c) && model->columnRef(c).kind == kind) return c;
        return -1;
    }
    // Where row k of the pinned pane and row k of the scrolling pane differ on screen (their
    // top in the table's coordinates, or their height), for every row shown; empty if none.
    static QString rowMismatch(RunTableView* table) {
        QTreeView* main = table->view();
        QTreeView* frozen = table->frozenView();
        if (!frozen->isVisible()) return QStringLiteral("the pinned pane is hidden");
        QAbstractItemModel* model = main->model();
        int compared = 0;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex index = model->index(r, RunTableModel::Name);
            const QRect a = main->visualRect(index);
            const QRect b = frozen->visualRect(index);
            if (!main->viewport()->rect().contains(a.center())) continue;
            const int ya = main->viewport()->mapTo(table, a.topLeft()).y();
            const int yb = frozen->viewport()->mapTo(table, b.topLeft()).y();
            if (ya != yb || a.height() != b.height())
                return QStringLiteral("row %1: y %2 / %3, height %4 / %5")
                    .arg(r)
                    .arg(ya)
                    .arg(yb)
                    .arg(a.height())
                    .arg(b.height());
            ++compared;
        }
        return compared > 3 ? QString() : QStringLiteral("only %1 rows shown").arg(compared);
    }
    // Pins the first param column of the demo project in a 1024x700 window.
    // The window at 1024x700 on the demo project, loaded.
    static bool showDemo(MainWindow& window) {
        window.resize(1024, 700);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window)) return false;
        waitLoaded(window, WelcomePage::demoProject());
        return !QTest::currentTestFailed();
    }
    static int pinFirstParam(MainWindow& window) {
        RunTableView* table = window.runTableView();
        const int param = firstColumnOf(table->tableModel(), ColumnRef::Kind::Param);
        table->pinColumn(param);
        return param;
    }
    // Opens a context menu at `pos` of `view`'s viewport; returns its action texts after
    // running `onMenu` on it (then closes it).
    static QStringList rowMenu(QTreeView* view, const QPoint& pos,
                               const std::function<void(QMenu*)>& onMenu = {}) {
        QStringList texts;
        QTimer::singleShot(0, view, [&] {
            auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
            if (!menu) return;
            for (QAction* action : menu->actions())
                if (!action->isSeparator()) texts << action->text();
            if (onMenu) onMenu(menu);
            menu->close();
        });
        QContextMenuEvent event(QContextMenuEvent::Mouse, pos, view->viewport()->mapToGlobal(pos));
        QApplication::sendEvent(view->viewport(), &event);
        return texts;
    }

private slots:
    void initTestCase() {
        useOwnSettings(m_config.path());
        m_scripts = writeScriptsProject(m_tmp.path());
    }
    void init() { QSettings().clear(); }
    void cleanup() { applyPalette(QStringLiteral("light")); }

    // Issue 14: the pinned pane's rows were taller than the scrolling pane's, so a name sat
    // beside another run's metrics and a click selected a run rows away.
    void pinnedRowsLineUpWithTheirRuns() {
        MainWindow window;
        QVERIFY(showDemo(window));
        RunTableView* table = window.runTableView();
        pinFirstParam(window);
        QTreeView* main = table->view();
        QTreeView* frozen = table->frozenView();
        QTRY_COMPARE(rowMismatch(table), QString());

        // A click on row k of the pinned pane selects run k, drawn at the same height in both.
        const int k = 7;
        const QModelIndex name = main->model()->index(k, RunTableModel::Name);
        QTest::mouseClick(frozen->viewport(), Qt::LeftButton, {},
                          frozen->visualRect(name).center() + QPoint(30, 0));
        QCOMPARE(table->selectedRuns().size(), size_t(1));
        QCOMPARE(table->selectedRuns().front()->name, name.data().toString());
        QCOMPARE(frozen->viewport()->mapTo(table, frozen->visualRect(name).topLeft()).y(),
                 main->viewport()->mapTo(table, main->visualRect(name).topLeft()).y());

        // Scrolled to the end, both panes still show the same rows.
        main->verticalScrollBar()->setValue(main->verticalScrollBar()->maximum());
        QVERIFY(main->verticalScrollBar()->value() > 0);
        QCOMPARE(frozen->verticalScrollBar()->value(), main->verticalScrollBar()->value());
        QTRY_COMPARE(rowMismatch(table), QString());

        // A larger font, and the dark palette: still one row height.
        QFont font = table->font();
        font.setPointSizeF(font.pointSizeF() * 1.6);
        table->setFont(font);
        QTRY_COMPARE(rowMismatch(table), QString());
        applyPalette(QStringLiteral("dark"));
        QTRY_COMPARE(rowMismatch(table), QString());
        main->verticalScrollBar()->setValue(main->verticalScrollBar()->maximum() / 2);
        QTRY_COMPARE(rowMismatch(table), QString());
    }

    // The pinned pane takes the palette like the rest (light, dark, light again), and the
    // check boxes in it stay visible in the dark one.
    void pinnedPaneFollowsThePalette() {
        MainWindow window;
        QVERIFY(showDemo(window));
        RunTableView* table = window.runTableView();
        const int param = pinFirstParam(window);
        QTreeView* main = table->view();
        QTreeView* frozen = table->frozenView();
        main->clearSelection();
        QAbstractItemModel* model = main->model();
        int unchecked = 0;  // a row whose box is empty
        while (unchecked < model->rowCount() &&
               model->index(unchecked, 0).data(Qt::CheckStateRole).toInt() == Qt::Checked)
            ++unchecked;
        QVERIFY(unchecked < model->rowCount());
        for (const char* name : {"light", "dark", "light", "dark"}) {
            applyPalette(QString::fromLatin1(name));
            const QColor base = QApplication::palette().color(QPalette::Base);
            QTRY_COMPARE(frozen->palette().color(QPalette::Base), base);
            // The empty end of a pinned cell (an even row: no alternate colour) is the base.
            const int row = unchecked % 2 == 0 ? unchecked : unchecked + 1;
            const QRect cell = frozen->visualRect(model->index(row, param));
            const QImage pixels = frozen->viewport()->grab().toImage();
            QCOMPARE(QColor(pixels.pixel(cell.right() - 2, cell.center().y())).name(), base.name());
            // The empty check box of a row still has an outline a user can see (it was the
            // colour of the base in the dark palette: a contrast of 3).
            const QModelIndex nameCell = model->index(unchecked, RunTableModel::Name);
            QStyleOptionViewItem option;
            option.initFrom(frozen->viewport());
            option.rect = frozen->visualRect(nameCell);
            option.features = QStyleOptionViewItem::HasCheckIndicator |
                              QStyleOptionViewItem::HasDecoration |
                              QStyleOptionViewItem::HasDisplay;
            option.decorationSize = QSize(16, 16);
            option.text = nameCell.data().toString();
            const QRect box = frozen->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator,
                                                              &option, frozen);
            QVERIFY(box.width() >= 8 && option.rect.contains(box.center()));
            const QColor rowBase = QColor(pixels.pixel(cell.right() - 2, box.center().y()));
            int contrast = 0;
            for (int x = box.left(); x <= box.right(); ++x)
                for (int y = box.top(); y <= box.bottom(); ++y)
                    contrast = std::max(contrast, std::abs(luminance(pixels.pixel(x, y)) -
                                                           luminance(rowBase.rgb())));
            QVERIFY2(contrast >= 40, qPrintable(QStringLiteral("%1: check box contrast %2")
                                                    .arg(QLatin1String(name))
                                                    .arg(contrast)));
        }
    }

    // Palette switches leave the toolbars as they were, and the window fits a 1024x700 screen.
    void paletteSwitchKeepsTheLayout() {
        MainWindow window;
        QVERIFY(showDemo(window));
        pinFirstParam(window);
        QSlider* smoothing = window.charts()->findChild<QSlider*>();
        QVERIFY(smoothing);
        // As the window first showed (its combo boxes sized to their items then), before the
        // user switches palettes.
        const int chartsBar = window.charts()->minimumSizeHint().width();
        const int sliderWidth = smoothing->width();
        QCOMPARE(window.size(), QSize(1024, 700));
        for (const char* name : {"dark", "light", "dark"}) {
            applyPalette(QString::fromLatin1(name));
            // Polishing and the layouts it asks for are posted events: they run first.
            QCoreApplication::processEvents();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            QCoreApplication::processEvents();
            QVERIFY2(window.minimumSizeHint().width() <= 1024,
                     qPrintable(QString::number(window.minimumSizeHint().width())));
            QVERIFY(window.minimumSizeHint().height() <= 700);
            QCOMPARE(window.charts()->minimumSizeHint().width(), chartsBar);
            QCOMPARE(smoothing->width(), sliderWidth);
            QCOMPARE(window.size(), QSize(1024, 700));
        }
    }

    // A param and a metric both called "lr": the header says which is which, and a bare `lr`
    // in the filter says which one it read.
    void sharedNamesAreToldApart() {
        MainWindow window;
        window.show();
        waitLoaded(window, m_scripts);
        RunTableModel* model = window.runTableView()->tableModel();
        const int param = model->columnOf(ColumnRef::param("lr"));
        const int metric = model->columnOf(ColumnRef::metric("lr"));
        QVERIFY(param > 0 && metric > 0);
        QAbstractItemModel* shown = window.runTable()->model();
        QCOMPARE(shown->headerData(param, Qt::Horizontal).toString(), QStringLiteral("lr (param)"));
        QCOMPARE(shown->headerData(metric, Qt::Horizontal).toString(),
                 QStringLiteral("lr (metric)"));
        QVERIFY(shown->headerData(metric, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .startsWith(u"metric lr"));
        // Names only one kind of column has stay bare.
        const int acc = model->columnOf(ColumnRef::metric("acc"));
        QCOMPARE(shown->headerData(acc, Qt::Horizontal).toString(), QStringLiteral("acc"));
        model->setMetricStat(metric, RunTableModel::MetricStat::Max);
        QCOMPARE(shown->headerData(metric, Qt::Horizontal).toString(),
                 QStringLiteral("lr (metric, max)"));

        FilterBar* bar = window.filterBar();
        bar->setText(QStringLiteral("lr > 0.02"));
        QCOMPARE(bar->noteText(),
                 QStringLiteral("“lr” reads metrics.lr; write params.lr for the other"));
        QCOMPARE(window.runTableView()->visibleRunCount(), 1);  // run-a's last lr is 0.05
        bar->setText(QStringLiteral("params.lr > 0.02 and acc > 0.5"));
        QCOMPARE(bar->noteText(), QString());
    }

    // 0.9400000000000001 reads 0.94 in the table, a group row and the details; the tooltip and
    // Ctrl+C carry the exact value.
    void numbersShortOnScreenExactOnHoverAndCopy() {
        MainWindow window;
        window.show();
        waitLoaded(window, m_scripts);
        RunTableView* table = window.runTableView();
        QTreeView* view = table->view();
        const int acc = table->tableModel()->columnOf(ColumnRef::metric("acc"));
        QAbstractItemModel* shown = view->model();
        const int a = rowOf(shown, "run-a");
        QVERIFY(a >= 0);
        const QModelIndex cell = shown->index(a, acc);
        QCOMPARE(cell.data().toString(), QStringLiteral("0.94"));
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(u"last 0.9400000000000001"));

        view->selectionModel()->select(
            cell, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
        const QStringList lines = QApplication::clipboard()->text().split(u'\n');
        const QStringList header = lines.value(0).split(u'\t');
        const QStringList values = lines.value(1).split(u'\t');
        QCOMPARE(values.value(header.indexOf(QStringLiteral("acc"))),
                 QStringLiteral("0.9400000000000001"));

        // The details of the run: short, exact on hover.
        const auto items =
            window.details()->tree()->findItems("acc", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0]->text(1),
                 QStringLiteral("0.94 at step 1  (min 0.5, max 0.94, 2 points)"));
        QVERIFY(items[0]->toolTip(1).startsWith(u"0.9400000000000001 at step 1"));

        // A group row: mean [min – max], short on screen, exact when copied.
        table->setGroupColumn(table->tableModel()->columnOf(ColumnRef::param("batch")));
        const QModelIndex group = shown->index(0, acc);
        QCOMPARE(group.data().toString(), QStringLiteral("0.92  [0.9 – 0.94]"));
        QCOMPARE(group.data(RunTableModel::ExactTextRole).toString(),
                 QStringLiteral("0.92  [0.9 – 0.9400000000000001]"));
        QVERIFY(view->columnWidth(acc) >=
                view->fontMetrics().horizontalAdvance(group.data().toString()));
    }

    // Right-click gives the row menu on a pinned cell and on a name, for the row under the
    // mouse; the menu and Space set the chart checkboxes; Ctrl+C starts with a header line.
    void rowMenuSpaceAndCopy() {
        MainWindow window;
        QVERIFY(showDemo(window));
        RunTableView* table = window.runTableView();
        const int param = pinFirstParam(window);
        QTreeView* main = table->view();
        QTreeView* frozen = table->frozenView();
        QAbstractItemModel* model = main->model();
        QTRY_VERIFY(frozen->isVisible());

        // A pinned cell of row 3 (not selected): the menu is for run 3.
        const QModelIndex pinned = model->index(3, param);
        const QStringList texts =
            rowMenu(frozen, frozen->visualRect(pinned).center(), [](QMenu* menu) {
                for (QAction* action : menu->actions())
                    if (action->text() == u"Show Only Selected in Charts") action->trigger();
            });
        QVERIFY2(texts.contains("Show Only Selected in Charts"), qPrintable(texts.join(u',')));
        QVERIFY(texts.contains("Show All in Charts") && texts.contains("Hide All from Charts"));
        QCOMPARE(table->selectedRuns().size(), size_t(1));
        const RunId third = table->selectedRuns().front()->id;
        QCOMPARE(table->selectedRuns().front()->name,
                 model->index(3, RunTableModel::Name).data().toString());
        QCOMPARE(window.selection().checked(), QSet<RunId>{third});

        // Unpinned, the name cell of row 5 gives the same menu, for run 5.
        table->restoreState({});
        QTRY_VERIFY(!frozen->isVisible());
        const QModelIndex name = model->index(5, RunTableModel::Name);
        QCOMPARE(rowMenu(main, main->visualRect(name).center() + QPoint(40, 0)), texts);
        QCOMPARE(table->selectedRuns().front()->name, name.data().toString());
        rowMenu(main, main->visualRect(name).center(), [](QMenu* menu) {
            for (QAction* action : menu->actions())
                if (action->text() == u"Hide All from Charts") action->trigger();
        });
        QVERIFY(window.selection().checked().isEmpty());

        // Space on rows 1, 2 (and 3): all checked; again: all unchecked. A mixed selection
        // becomes all checked.
        main->selectionModel()->select(
            QItemSelection(model->index(1, 0), model->index(2, 0)),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        main->setFocus();
        QTest::keyClick(main, Qt::Key_Space);
        QCOMPARE(window.selection().checked().size(), 2);
        QTest::keyClick(main, Qt::Key_Space);
        QCOMPARE(window.selection().checked().size(), 0);
        window.selection().setChecked(window.runTableView()->selectedRuns().front()->id, true);
        QTest::keyClick(main, Qt::Key_Space);
        QCOMPARE(window.selection().checked().size(), 2);

        // The View menu has the same three.
        QMenu* viewMenu = nullptr;
        for (QAction* action : window.menuBar()->actions())
            if (action->text() == u"&View") viewMenu = action->menu();
        QVERIFY(viewMenu);
        auto trigger = [&](const QString& text) {
            for (QAction* action : viewMenu->actions())
                if (action->text() == text) return action->trigger(), true;
            return false;
        };
        QVERIFY(trigger("Show All in Charts"));
        QCOMPARE(window.selection().checked().size(), table->visibleRunCount());
        QVERIFY(trigger("Show Only Selected in Charts"));
        QCOMPARE(window.selection().checked().size(), 2);
        QVERIFY(trigger("Hide All from Charts"));
        QVERIFY(window.selection().checked().isEmpty());

        // Ctrl+C: the visible columns' names in on-screen order, then one line per row.
        main->header()->moveSection(main->header()->visualIndex(RunTableModel::Status), 1);
        window.activateWindow();  // the menus took it
        QVERIFY(QTest::qWaitForWindowActive(&window));
        main->setFocus();
        QTest::keyClick(main, Qt::Key_C, Qt::ControlModifier);
        const QStringList lines = QApplication::clipboard()->text().split(u'\n');
        QCOMPARE(lines.size(), 4);  // header, two rows, the final newline
        const QStringList header = lines[0].split(u'\t');
        QCOMPARE(header.mid(0, 2), (QStringList{"Name", "Status"}));
        QCOMPARE(lines[1].split(u'\t').size(), header.size());
        QCOMPARE(lines[1].split(u'\t').value(0), model->index(1, 0).data().toString());
    }

    // Columns are saved by their one name (ColumnRef: "params.lr"); a view saved before, with
    // "<kind>:<key>" names, is read once in that form and saved back in the new one.
    void savedColumnsUseTheirOneName() {
        QTemporaryDir dir;
        const QString mlruns = extractMlruns("v3_11", dir.path());
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        waitLoaded(window, mlruns);
        RunTableView* table = window.runTableView();
        RunTableModel* model = table->tableModel();
        const int lr = model->columnOf(ColumnRef::param("lr"));
        QVERIFY(lr >= RunTableModel::kFixedColumns);
        QVariantMap old;
        old[QStringLiteral("pinned")] = QStringList{QStringLiteral("1:lr")};
        old[QStringLiteral("hidden")] = QStringList{QStringLiteral("0:Experiment")};
        old[QStringLiteral("sortColumn")] = QStringLiteral("1:lr");
        old[QStringLiteral("sortOrder")] = int(Qt::DescendingOrder);
        table->restoreState(old);
        QCOMPARE(table->pinnedKeys(), QStringList{"params.lr"});
        QVERIFY(table->view()->isColumnHidden(RunTableModel::Experiment));
        QCOMPARE(table->view()->header()->sortIndicatorSection(), lr);
        const QVariantMap saved = table->saveState();
        QCOMPARE(saved.value("pinned").toStringList(), QStringList{"params.lr"});
        QCOMPARE(saved.value("hidden").toStringList(), QStringList{"attributes.experiment"});
        QCOMPARE(saved.value("sortColumn").toString(), QStringLiteral("params.lr"));
        QVERIFY(saved.value("order").toStringList().contains(QStringLiteral("metrics.loss")) ||
                saved.value("order").toStringList().size() == model->columnCount());
    }

    // MLflow's nested runs sit under their parent, closed, as in the MLflow UI; opened, they
    // stay open across a re-sort; a child whose parent is filtered out stands alone; and
    // the table can show every run on its own row instead.
    void childRunsSitUnderTheirParent() {
        QTemporaryDir dir;
        const QString mlruns = extractMlruns("v3_11", dir.path());
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        waitLoaded(window, mlruns);
        RunTableView* table = window.runTableView();
        QTreeView* view = table->view();
        QAbstractItemModel* shown = view->model();
        QCOMPARE(table->visibleRunCount(), 10);
        QCOMPARE(shown->rowCount(), 7);  // the three child-lr-* runs are under parent-sweep
        const int parentRow = rowOf(shown, "parent-sweep");
        QVERIFY(parentRow >= 0 && rowOf(shown, "child-lr-0.1") < 0);
        const QModelIndex parent = shown->index(parentRow, RunTableModel::Name);
        QCOMPARE(shown->rowCount(parent), 3);
        QVERIFY(!view->isExpanded(parent));
        QVERIFY(view->rootIsDecorated());
        QStringList children;
        for (int r = 0; r < 3; ++r)
            children << shown->index(r, RunTableModel::Name, parent).data().toString();
        children.sort();
        QCOMPARE(children, (QStringList{"child-lr-0.001", "child-lr-0.01", "child-lr-0.1"}));

        // Opened (and pinned beside), it stays open when the table is sorted again.
        table->pinColumn(table->tableModel()->columnOf(ColumnRef::param("lr")));
        view->expand(parent);
        view->sortByColumn(RunTableModel::Name, Qt::AscendingOrder);
        const QModelIndex again = shown->index(rowOf(shown, "parent-sweep"), 0);
        QVERIFY(view->isExpanded(again));
        QVERIFY(table->frozenView()->isExpanded(again));
        QTRY_COMPARE(rowMismatch(table), QString());
        // A child's own values, and selecting it selects that run.
        view->selectionModel()->select(
            shown->index(0, 0, again),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(table->selectedRuns().front()->name, QStringLiteral("child-lr-0.001"));

        // Filtered to the children: their parent is not shown, so they stand alone.
        table->setRunFilter(RunFilter::parse("child"));
        QCOMPARE(shown->rowCount(), 3);
        QVERIFY(rowOf(shown, "child-lr-0.1") >= 0);
        table->setRunFilter({});

        // Every run on its own row, and so it stays for this project.
        table->setNestChildRuns(false);
        QCOMPARE(shown->rowCount(), 10);
        QVERIFY(!view->rootIsDecorated());
        waitLoaded(window, m_scripts);
        QVERIFY(table->nestsChildRuns());
        waitLoaded(window, mlruns);
        QVERIFY(!table->nestsChildRuns());
        QCOMPARE(shown->rowCount(), 10);
    }

    // A neptune-scale fork sits under the run it forked, as MLflow's child runs do.
    void neptuneForkSitsUnderItsParent() {
        QTemporaryDir dir;
        copyTree(fixtures() + "/neptune/neptune-scale-0.25.1", dir.path() + "/scale");
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        waitLoaded(window, dir.path() + "/scale");
        QAbstractItemModel* shown = window.runTableView()->view()->model();
        QCOMPARE(shown->rowCount(), 1);
        const QModelIndex parent = shown->index(rowOf(shown, "exp-baseline"), RunTableModel::Name);
        QVERIFY(parent.isValid());
        QCOMPARE(shown->rowCount(parent), 1);
        QCOMPARE(shown->index(0, RunTableModel::Name, parent).data().toString(),
                 QStringLiteral("exp-finetune"));
    }

    // A running run's duration counts up by itself, once a second, without re-sorting.
    void runningDurationCountsUp() {
        Catalog catalog;
        RunSelection selection;
        RunTableModel model(&catalog, &selection);
        qint64 now = 1'700'000'005'000;
        model.setClock([&now] { return now; });
        ScanDelta delta;
        Run running;
        running.id = RunId(QStringLiteral("test:running"));
        running.name = QStringLiteral("training");
        running.status = RunStatus::Running;
        running.startTimeMs = 1'700'000'000'000;
        Run done = running;
        done.id = RunId(QStringLiteral("test:done"));
        done.status = RunStatus::Finished;
        done.endTimeMs = 1'700'000'002'000;
        delta.runs = {running, done};
        catalog.apply(delta);
        const int row = catalog.indexOf(running.id);
        const QModelIndex duration = model.index(row, RunTableModel::Duration);
        QCOMPARE(duration.data().toString(), QStringLiteral("5.0 s"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        now += 1000;
        QVERIFY(changed.wait(3000));
        QCOMPARE(changed.first().at(0).value<QModelIndex>(), duration);
        QCOMPARE(changed.first().at(2).value<QList<int>>(), QList<int>{Qt::DisplayRole});
        QCOMPARE(duration.data().toString(), QStringLiteral("6.0 s"));
        QCOMPARE(model.index(catalog.indexOf(done.id), RunTableModel::Duration).data().toString(),
                 QStringLiteral("2.0 s"));
        // Quiet for an hour with no end record: stale, and its duration stops at its last write
        // (a metric point 3 s in); the status column says so.
        now += 3600'000;
        Run quiet = running;
        quiet.metrics["loss"].add(1, 0.5, 1'700'000'003'000);
        catalog.apply({{quiet}, {}, {}, false});
        QCOMPARE(duration.data().toString(), QStringLiteral("3.0 s"));
        QCOMPARE(model.index(row, RunTableModel::Status).data().toString(),
                 QStringLiteral("stale"));
        QVERIFY(model.index(row, RunTableModel::Status)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .startsWith(u"no end record · last write 1 h"));
        // With a longer quiet period (View ▸ Stale After) it is running, and counting.
        model.setStaleAfter(2 * 3600'000);
        QCOMPARE(model.index(row, RunTableModel::Status).data().toString(),
                 QStringLiteral("running"));
        QCOMPARE(duration.data().toString(), QStringLiteral("1.0 h"));
        model.setStaleAfter(kStaleAfterMs);
        // Once it ends, it stays at its end.
        running.status = RunStatus::Finished;
        running.endTimeMs = 1'700'000'007'000;
        catalog.apply({{running}, {}, {}, false});
        now += 60'000;
        QCOMPARE(duration.data().toString(), QStringLiteral("7.0 s"));
    }
};

QTEST_MAIN(TestRunTable)
#include "tst_run_table.moc"
