// The desktop window as a user meets it: open a project, see its runs in the table.

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCompleter>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>

#include "ChartsPanel.h"
#include "ColumnChooser.h"
#include "DetailsPane.h"
#include "FilterBar.h"
#include "MainWindow.h"
#include "ProblemsPanel.h"
#include "RunGroupModel.h"
#include "RunTableModel.h"
#include "RunTableView.h"
#include "TestSupport.h"
#include "WelcomePage.h"
#include "project/CacheFolder.h"

using namespace runlens;
using namespace testsupport;

class TestMainWindow : public QObject {
    Q_OBJECT

    static QStringList column(QAbstractItemModel* model, const QString& header) {
        int c = 0;
        while (c < model->columnCount() &&
               model->headerData(c, Qt::Horizontal).toString() != header)
            ++c;
        QStringList values;
        for (int r = 0; r < model->rowCount(); ++r)
            values << model->index(r, c).data().toString();
        return values;
    }

    QTemporaryDir m_config;
    QTemporaryDir m_tmp;
    QString m_mlruns;

    static void waitLoaded(MainWindow& window, const QString& path) {
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(path);
        QVERIFY(loaded.wait(20000));
    }
    // For tests that read the table row by row: every run on a row of its own, child runs
    // not under their parent.
    static void waitLoadedFlat(MainWindow& window, const QString& path) {
        waitLoaded(window, path);
        window.runTableView()->setNestChildRuns(false);
    }
    // With RUNLENS_SCREENSHOTS=DIR set, views are saved there as PNGs to look at.
    static void saveShot(QWidget& window, const char* name) {
        const QByteArray dir = qgetenv("RUNLENS_SCREENSHOTS");
        if (dir.isEmpty()) return;
        window.resize(1500, 900);
        QCoreApplication::processEvents();
        window.grab().save(QString::fromUtf8(dir) + u'/' + QLatin1String(name));
    }
    static int rowOf(MainWindow& window, const QString& name) {
        QAbstractItemModel* model = window.runTable()->model();
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->index(r, RunTableModel::Name).data().toString() == name) return r;
        return -1;
    }

private slots:
    void initTestCase() {
        useOwnSettings(m_config.path());
        m_mlruns = extractMlruns("v3_11", m_tmp.path());
    }

    void init() { QSettings().clear(); }  // every test starts with no saved view state

    void viewStateIsRestoredPerProject() {
        QString lrId;
        {
            MainWindow window;
            window.show();
            waitLoaded(window, m_mlruns);
            RunTableView* view = window.runTableView();
            RunTableModel* model = view->tableModel();
            const int lr = model->columnOf(ColumnRef::param("lr"));
            const int experiment = RunTableModel::Experiment;
            view->setColumnHiddenByUser(experiment, true);
            view->pinColumn(lr);
            window.runTable()->setColumnWidth(lr, 133);
            window.runTable()->sortByColumn(lr, Qt::DescendingOrder);
            window.filterBar()->setText("child");
            const RunId run =
                RunId::make(u"mlflow-file", m_mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23");
            window.selection().setCheckedRuns({run});
            window.selection().setColour(run, 0x123456);
            window.close();  // saves
        }
        MainWindow again;
        again.show();
        waitLoaded(again, m_mlruns);
        RunTableModel* model = again.runTableView()->tableModel();
        const int lr = model->columnOf(ColumnRef::param("lr"));
        QVERIFY(again.runTable()->isColumnHidden(RunTableModel::Experiment));
        QCOMPARE(again.runTable()->header()->visualIndex(lr), 1);
        QCOMPARE(again.runTable()->columnWidth(lr), 133);
        QCOMPARE(again.runTable()->header()->sortIndicatorSection(), lr);
        QCOMPARE(again.runTable()->header()->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(again.filterBar()->lineEdit()->text(), QStringLiteral("child"));
        QCOMPARE(again.runTableView()->visibleRunCount(), 3);
        const RunId run =
            RunId::make(u"mlflow-file", m_mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23");
        QCOMPARE(again.selection().checked(), QSet<RunId>{run});
        QCOMPARE(again.selection().colour(run), 0x123456u);
        // Another project has a state of its own.
        QTemporaryDir other;
        const QString otherRuns = extractMlruns("v1_30", other.path());
        waitLoaded(again, otherRuns);
        QVERIFY(!again.runTable()->isColumnHidden(RunTableModel::Experiment));
        QVERIFY(again.filterBar()->lineEdit()->text().isEmpty());
    }

    // Runs keep their colours in the next launch, also when the project is opened through a
    // link or from a copy (their run ids then differ: they hash the store's path).
    void runColoursFollowTheProjectToAnotherPath() {
        QTemporaryDir elsewhere;
        const QString link = elsewhere.path() + QStringLiteral("/linked-mlruns");
        QVERIFY(QFile::link(m_mlruns, link));
        QVERIFY(QDir().mkpath(elsewhere.path() + QStringLiteral("/copy")));
        QCOMPARE(QProcess::execute(QStringLiteral("cp"),
                                   {QStringLiteral("-r"), m_mlruns, elsewhere.path() + "/copy/"}),
                 0);
        const QString copy = elsewhere.path() + QStringLiteral("/copy/mlruns");
        const QStringList compared = {"fdafd25bd57f4f60abe23b94b68a4f23",
                                      "5a3785a2d14242df9768f098eb9591c9",
                                      "6a5d655c6f05496282cc82003ce9c96d"};
        const QString chosen = QStringLiteral("f027864205fb4049be4921f04deb8aec");  // parent-sweep
        QMap<QString, uint32_t> colours;                                            // by native id
        {
            MainWindow window;
            waitLoaded(window, m_mlruns);
            QSet<RunId> checked;
            for (const QString& native : compared)
                checked << RunId::make(u"mlflow-file", m_mlruns, native);
            window.selection().setCheckedRuns(checked);
            window.selection().setColour(RunId::make(u"mlflow-file", m_mlruns, chosen), 0x123456);
            for (const Run& run : window.catalog().runs())
                colours.insert(run.nativeId, window.selection().colour(run.id));
            QCOMPARE(
                QSet<uint32_t>({colours[compared[0]], colours[compared[1]], colours[compared[2]]})
                    .size(),
                3);
            window.close();  // saves
        }
        for (const QString& path : {link, copy}) {
            MainWindow window;
            waitLoaded(window, path);
            QSet<RunId> checked;
            for (const Run& run : window.catalog().runs()) {
                QVERIFY2(!run.id.text().contains(RunId::rootHash(m_mlruns)), qPrintable(path));
                if (compared.contains(run.nativeId)) checked << run.id;
            }
            QCOMPARE(checked.size(), 3);
            window.selection().setCheckedRuns(checked);
            for (const Run& run : window.catalog().runs()) {
                if (!compared.contains(run.nativeId) && run.nativeId != chosen) continue;
                QCOMPARE(window.selection().colour(run.id), colours.value(run.nativeId));
            }
            // The table shows them.
            QAbstractItemModel* model = window.runTable()->model();
            const QModelIndex name = model->index(rowOf(window, "parent-sweep"), 0);
            QCOMPARE(name.data(Qt::DecorationRole).value<QColor>(), QColor(0x12, 0x34, 0x56));
        }
    }

    void problemsPanelListsUnreadableFiles() {
        QTemporaryDir tmp;
        extractMlruns("v3_11", tmp.path());
        QFile broken(tmp.path() + "/mlflow.db");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a database");
        broken.close();
        MainWindow window;
        window.show();
        waitLoaded(window, tmp.path());
        QTreeWidget* list = window.problemsPanel()->list();
        QCOMPARE(list->topLevelItemCount(), 1);
        QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("mlflow.db"));
        QVERIFY(list->topLevelItem(0)->text(1).contains(u"is not an SQLite database"));
        QVERIFY(window.problemsPanel()->isVisible());
        QCOMPARE(window.catalog().size(), 10);  // everything else loaded
    }

    void sortingByClickingAHeader() {
        MainWindow window;
        window.show();
        waitLoadedFlat(window, m_mlruns);
        QHeaderView* header = window.runTable()->header();
        const int lr = window.runTableView()->tableModel()->columnOf(ColumnRef::param("lr"));
        window.runTable()->scrollTo(window.runTable()->model()->index(0, lr));
        const QPoint at(header->sectionViewportPosition(lr) + header->sectionSize(lr) / 2,
                        header->height() / 2);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
        QCOMPARE(header->sortIndicatorSection(), lr);
        QStringList values = column(window.runTable()->model(), "lr");
        const Qt::SortOrder first = header->sortIndicatorOrder();
        QCOMPARE(values.first(),
                 first == Qt::AscendingOrder ? QStringLiteral("0.001") : QStringLiteral("0.5"));
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, at);
        QVERIFY(header->sortIndicatorOrder() != first);
        values = column(window.runTable()->model(), "lr");
        QCOMPARE(values.first(),
                 first == Qt::AscendingOrder ? QStringLiteral("0.5") : QStringLiteral("0.001"));
        QVERIFY(values.last().isEmpty());  // missing last both ways
    }

    void filterBarFiltersAndCounts() {
        MainWindow window;
        window.show();
        waitLoaded(window, m_mlruns);
        FilterBar* bar = window.filterBar();
        QCOMPARE(bar->countText(), QStringLiteral("10 runs"));
        bar->lineEdit()->setText("metrics.test_acc > 0.91");
        QTest::keyClick(bar->lineEdit(), Qt::Key_Return);
        QCOMPARE(window.runTable()->model()->rowCount(), 2);
        QCOMPARE(bar->countText(), QStringLiteral("2 of 10 runs"));
        QVERIFY(bar->errorText().isEmpty());
        // A syntax error says where, and the last good result stays.
        bar->lineEdit()->setText("metrics.test_acc >");
        QTest::keyClick(bar->lineEdit(), Qt::Key_Return);
        QCOMPARE(bar->errorText(), QStringLiteral("column 19: expected a value"));
        QCOMPARE(window.runTable()->model()->rowCount(), 2);
        // Typing is debounced, then applied without Return.
        bar->lineEdit()->setText("child");
        QTRY_COMPARE(window.runTable()->model()->rowCount(), 3);
        QVERIFY(bar->errorText().isEmpty());
    }

    void checkboxesAndColoursLiveInTheSharedSelection() {
        MainWindow window;
        waitLoadedFlat(window, m_mlruns);
        QAbstractItemModel* model = window.runTable()->model();
        const int row = rowOf(window, "child-lr-0.1");
        const QModelIndex name = model->index(row, RunTableModel::Name);
        const Run& run = window.catalog().at(window.catalog().indexOf(
            RunId::make(u"mlflow-file", m_mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23")));
        window.selection().setCheckedRuns({});
        QCOMPARE(name.data(Qt::CheckStateRole).toInt(), int(Qt::Unchecked));
        QVERIFY(model->setData(name, Qt::Checked, Qt::CheckStateRole));
        QVERIFY(window.selection().isChecked(run.id));
        QCOMPARE(name.data(Qt::DecorationRole).value<QColor>().rgb() & 0xFFFFFF,
                 window.selection().colour(run.id));
        window.selection().setColour(run.id, 0x123456);
        QCOMPARE(name.data(Qt::DecorationRole).value<QColor>(), QColor(0x12, 0x34, 0x56));
    }

    void detailsAndDiff() {
        MainWindow window;
        window.show();
        waitLoadedFlat(window, m_mlruns);
        // Nothing selected yet: the hint, and no empty table with a header under it.
        QVERIFY(window.details()->tree()->isHeaderHidden());
        QCOMPARE(window.details()->tree()->topLevelItemCount(), 0);
        QTreeView* table = window.runTable();
        table->selectionModel()->select(
            table->model()->index(rowOf(window, "child-lr-0.1"), 0),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QTreeWidget* tree = window.details()->tree();
        QCOMPARE(tree->columnCount(), 2);
        const auto lr = tree->findItems("lr", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(lr.size(), 1);
        QCOMPARE(lr[0]->text(1), QStringLiteral("0.1"));
        // Nested keys sit under their prefix: train/loss under "train/".
        const auto loss = tree->findItems("loss", Qt::MatchExactly | Qt::MatchRecursive);
        QVERIFY(!loss.isEmpty());
        QCOMPARE(loss[0]->parent()->text(0), QStringLiteral("train/"));
        // Short on screen, exact in the tooltip.
        QCOMPARE(loss[0]->text(1),
                 QStringLiteral("0.37531 at step 49  (min 0.37531, max 1, 50 points)"));
        QCOMPARE(loss[0]->toolTip(1), QStringLiteral("0.37531109885139957 at step 49\nmin "
                                                     "0.37531109885139957, max 1, 50 points"));

        // Two runs: one column each, differences highlighted, equal rows hidden on demand.
        table->selectionModel()->select(table->model()->index(rowOf(window, "child-lr-0.01"), 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(tree->columnCount(), 3);
        const auto lr2 = tree->findItems("lr", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(lr2[0]->data(0, Qt::UserRole).toBool(), true);
        QVERIFY(lr2[0]->background(1).color().alpha() > 0);
        QVERIFY(!tree->findItems("experiment", Qt::MatchExactly | Qt::MatchRecursive).isEmpty());
        saveShot(window, "diff.png");
        window.details()->differencesOnly()->setChecked(true);
        QVERIFY(tree->findItems("experiment", Qt::MatchExactly | Qt::MatchRecursive)
                    .isEmpty());  // both mnist-sweep
        QCOMPARE(tree->findItems("lr", Qt::MatchExactly | Qt::MatchRecursive).size(), 1);
    }

    void recentProjectsAndDrop() {
        MainWindow window;
        window.show();
        waitLoaded(window, m_mlruns);
        QCOMPARE(window.recentProjects().value(0), m_mlruns);
        QCOMPARE(MainWindow::projectToReopen(), m_mlruns);
        // Dropping a database onto the window opens it.
        const QString db = copyFixture("mlflow/v1_30/mlflow.db", m_tmp.path());
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(db)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(loaded.wait(20000));
        QCOMPARE(window.catalog().size(), 9);
        QCOMPARE(window.recentProjects().mid(0, 2), (QStringList{db, m_mlruns}));
    }

    // 300 runs x 2 metrics x 20,000 points in MLflow's file format.
    static QString makeBigProject(const QString& dir) {
        const QString root = dir + "/mlruns";
        QDir().mkpath(root + "/1");
        QFile exp(root + "/1/meta.yaml");
        if (!exp.open(QIODevice::WriteOnly)) qFatal("cannot write");
        exp.write("artifact_location: x\nexperiment_id: '1'\nname: big\n");
        exp.close();
        QByteArray lines;
        for (int step = 0; step < 20000; ++step)
            lines += "1700000000000 " + QByteArray::number(1.0 / (step + 1)) + " " +
                     QByteArray::number(step) + "\n";
        for (int r = 0; r < 300; ++r) {
            const QString run =
                QStringLiteral("%1/1/%2").arg(root).arg(r, 32, 10, QLatin1Char('0'));
            QDir().mkpath(run + "/metrics");
            QFile meta(run + "/meta.yaml");
            if (!meta.open(QIODevice::WriteOnly)) qFatal("cannot write");
            meta.write("run_id: r" + QByteArray::number(r) +
                       "\nstatus: 3\nstart_time: 1700000000000\n");
            for (const char* m : {"/metrics/a", "/metrics/b"}) {
                QFile f(run + m);
                if (!f.open(QIODevice::WriteOnly)) qFatal("cannot write");
                f.write(lines);
            }
        }
        return root;
    }

    void loadingCanBeCancelled() {
        QTemporaryDir big;
        const QString root = makeBigProject(big.path());
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(root);
        QPushButton* cancel = window.statusBar()->findChild<QPushButton*>();
        QVERIFY(cancel->isVisible());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(loaded.wait(20000));
        QVERIFY(window.catalog().size() < 300);
        QVERIFY(window.statusBar()->findChild<QLabel*>()->text().contains(u"cancelled"));
        QVERIFY(!cancel->isVisible());
    }

    void filterKeysAreCompleted() {
        MainWindow window;
        window.show();
        waitLoaded(window, m_mlruns);
        QLineEdit* edit = window.filterBar()->lineEdit();
        edit->setFocus();
        QTest::keyClicks(edit, "metrics.tr");
        QCompleter* completer = edit->findChild<QCompleter*>();
        if (!completer) completer = window.filterBar()->findChild<QCompleter*>();
        QVERIFY(completer);
        QCOMPARE(completer->completionCount(), 1);
        QCOMPARE(completer->currentCompletion(), QStringLiteral("metrics.train/loss"));
    }

    // The window keeps painting while a large project loads: loading is off the GUI thread.
    void staysResponsiveWhileLoading() {
        QTemporaryDir big;
        const QString root = makeBigProject(big.path());
        MainWindow window;
        window.show();
        int ticks = 0;
        QTimer timer;
        bool sawProgress = false;
        const QLabel* status = window.statusBar()->findChild<QLabel*>();
        connect(&timer, &QTimer::timeout, [&] {
            ++ticks;
            sawProgress = sawProgress || status->text().contains(u"1 sources found");
        });
        timer.start(10);
        QElapsedTimer clock;
        clock.start();
        waitLoaded(window, root);
        const qint64 ms = clock.elapsed();
        QCOMPARE(window.catalog().size(), 300);
        qInfo(
            "loaded 300 runs x 40,000 points in %lld ms; the GUI thread's 10 ms timer fired %d "
            "times",
            ms, ticks);
        QVERIFY(ms > 100);                  // long enough to mean something
        QVERIFY(ticks > int(ms / 10) / 3);  // the event loop was free most of the time
        QVERIFY(sawProgress);  // "Reading …: 1 sources found, N runs read" in the status bar
    }

    static int columnOf(MainWindow& window, const QString& header) {
        QAbstractItemModel* model = window.runTable()->model();
        for (int c = 0; c < model->columnCount(); ++c)
            if (model->headerData(c, Qt::Horizontal).toString() == header) return c;
        return -1;
    }

    void metricColumnsShowLastMinOrMax() {
        MainWindow window;
        waitLoadedFlat(window, m_mlruns);
        RunTableModel* model = window.runTableView()->tableModel();
        const int loss = model->columnOf(ColumnRef::metric("train/loss"));
        const int row = rowOf(window, "child-lr-0.1");
        QAbstractItemModel* shown = window.runTable()->model();
        QCOMPARE(shown->index(row, loss).data().toString(), QStringLiteral("0.37531"));
        QCOMPARE(shown->index(row, loss).data(RunTableModel::ExactTextRole).toString(),
                 QStringLiteral("0.37531109885139957"));
        model->setMetricStat(loss, RunTableModel::MetricStat::Max);
        QCOMPARE(shown->headerData(loss, Qt::Horizontal).toString(),
                 QStringLiteral("train/loss (max)"));
        QCOMPARE(shown->index(rowOf(window, "child-lr-0.1"), loss).data().toString(),
                 QStringLiteral("1"));  // step 0
        model->setMetricStat(loss, RunTableModel::MetricStat::Min);
        QCOMPARE(shown->index(rowOf(window, "child-lr-0.1"), loss).data().toString(),
                 QStringLiteral("0.37531"));
        // Status shows an icon; tags are columns too, hidden until asked for.
        QVERIFY(!shown->index(row, RunTableModel::Status)
                     .data(Qt::DecorationRole)
                     .value<QIcon>()
                     .isNull());
        const int userTag = model->columnOf(ColumnRef::tag("mlflow.user"));
        QVERIFY(userTag > 0);
        QVERIFY(window.runTable()->isColumnHidden(userTag));
        window.runTableView()->setColumnHiddenByUser(userTag, false);
        QVERIFY(!window.runTable()->isColumnHidden(userTag));
        QCOMPARE(shown->index(row, userTag).data().toString(), QStringLiteral("root"));
    }

    void differencesOnlyHidesEqualColumns() {
        MainWindow window;
        waitLoaded(window, m_mlruns);
        RunTableModel* model = window.runTableView()->tableModel();
        const int lr = model->columnOf(ColumnRef::param("lr"));
        const int batch = model->columnOf(ColumnRef::param("batch_size"));
        window.filterBar()->lineEdit()->setText("params.batch_size = '32' or params.lr = '0.5'");
        QTest::keyClick(window.filterBar()->lineEdit(), Qt::Key_Return);
        QCOMPARE(window.runTableView()->visibleRunCount(), 2);  // child-lr-0.1 and crashed
        window.runTableView()->setDifferencesOnly(true);
        QVERIFY(!window.runTable()->isColumnHidden(lr));  // 0.1 vs 0.5
        QVERIFY(window.runTable()->isColumnHidden(
            model->columnOf(ColumnRef::param("optimizer"))));  // missing in both
        QVERIFY(!window.runTable()->isColumnHidden(batch));    // 32 vs missing
        window.filterBar()->lineEdit()->setText("params.lr = '0.1'");
        QTest::keyClick(window.filterBar()->lineEdit(), Qt::Key_Return);
        QVERIFY(window.runTable()->isColumnHidden(lr));  // one run: nothing differs
        window.runTableView()->setDifferencesOnly(false);
        QVERIFY(!window.runTable()->isColumnHidden(lr));
    }

    void groupRowsWithAggregates() {
        MainWindow window;
        waitLoadedFlat(window, m_mlruns);
        RunTableView* view = window.runTableView();
        RunTableModel* model = view->tableModel();
        view->setGroupColumn(RunTableModel::Experiment);
        QAbstractItemModel* shown = window.runTable()->model();
        QCOMPARE(shown->rowCount(), 3);  // Default, mnist-sweep, llm-eval
        int sweep = -1;
        for (int r = 0; r < shown->rowCount(); ++r)
            if (shown->index(r, 0).data().toString().startsWith(u"mnist-sweep")) sweep = r;
        QVERIFY(sweep >= 0);
        const QModelIndex group = shown->index(sweep, 0);
        QCOMPARE(group.data().toString(), QStringLiteral("mnist-sweep  (7 runs)"));
        QCOMPARE(shown->rowCount(group), 7);
        // test_acc over the three children: 0.9, 0.92, 0.9400000000000001.
        const int testAcc = model->columnOf(ColumnRef::metric("test_acc"));
        QCOMPARE(shown->index(sweep, testAcc).data().toString(),
                 QStringLiteral("0.92  [0.9 – 0.94]"));
        QVERIFY(
            shown->index(sweep, testAcc).data(Qt::ToolTipRole).toString().contains(u"over 3 runs"));
        saveShot(window, "grouped.png");
        // Group by a param: runs without it form their own group.
        view->setGroupColumn(model->columnOf(ColumnRef::param("batch_size")));
        QCOMPARE(shown->rowCount(), 4);  // 32, 64, 96, none
        // Selecting a run under a group still shows it in details.
        const QModelIndex firstGroup = shown->index(0, 0);
        window.runTable()->selectionModel()->select(
            shown->index(0, 0, firstGroup),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(view->selectedRuns().size(), size_t(1));
        view->setGroupColumn(-1);
        QCOMPARE(shown->rowCount(), 10);
    }

    void columnChooserSearchPinAndCopy() {
        MainWindow window;
        window.show();
        waitLoadedFlat(window, m_mlruns);
        RunTableView* view = window.runTableView();
        RunTableModel* model = view->tableModel();
        QSet<int> hidden;
        ColumnChooser chooser(model, hidden);
        chooser.search()->setText("loss");
        int visibleItems = 0;
        QTreeWidgetItem* metrics = nullptr;
        for (int g = 0; g < chooser.tree()->topLevelItemCount(); ++g) {
            QTreeWidgetItem* group = chooser.tree()->topLevelItem(g);
            if (group->text(0).startsWith(u"Metrics")) metrics = group;
            for (int i = 0; i < group->childCount(); ++i)
                visibleItems += group->child(i)->isHidden() ? 0 : 1;
        }
        QCOMPARE(visibleItems, 2);                 // train/loss, val/loss
        metrics->setCheckState(0, Qt::Unchecked);  // hide the whole group
        const QSet<int> chosen = chooser.hiddenColumns();
        QVERIFY(chosen.contains(model->columnOf(ColumnRef::metric("test_acc"))));
        QVERIFY(!chosen.contains(model->columnOf(ColumnRef::param("lr"))));

        // Pinning puts a column right after the name.
        const int lr = model->columnOf(ColumnRef::param("lr"));
        view->pinColumn(lr);
        QCOMPARE(window.runTable()->header()->visualIndex(lr), 1);
        QCOMPARE(view->pinnedKeys(), QStringList{"params.lr"});
        // ...and stays in place while the rest scrolls sideways.
        QTreeView* frozen = view->frozenView();
        QTRY_VERIFY(frozen->isVisible());
        QVERIFY(!frozen->isColumnHidden(RunTableModel::Name) && !frozen->isColumnHidden(lr));
        QVERIFY(frozen->isColumnHidden(RunTableModel::Experiment));
        QCOMPARE(frozen->width(), window.runTable()->columnWidth(RunTableModel::Name) +
                                      window.runTable()->columnWidth(lr));
        window.runTable()->horizontalScrollBar()->setValue(
            window.runTable()->horizontalScrollBar()->maximum());
        QVERIFY(window.runTable()->horizontalScrollBar()->value() > 0);
        QCOMPARE(frozen->x(), window.runTable()->frameWidth());
        saveShot(window, "pinned.png");
        QCOMPARE(frozen->model()->index(rowOf(window, "child-lr-0.1"), lr).data().toString(),
                 QStringLiteral("0.1"));

        // Copy: a header line, then the selected rows, visible columns in screen order,
        // tab-separated.
        for (int c = 2; c < model->columnCount(); ++c)
            window.runTable()->setColumnHidden(c, c != lr);
        window.runTable()->setColumnHidden(RunTableModel::Experiment, true);
        QAbstractItemModel* shown = window.runTable()->model();
        for (const char* name : {"child-lr-0.1", "child-lr-0.01"})
            window.runTable()->selectionModel()->select(
                shown->index(rowOf(window, name), 0),
                QItemSelectionModel::Select | QItemSelectionModel::Rows);
        view->copySelection();
        const QString tsv = QApplication::clipboard()->text();
        QVERIFY2(tsv == "Name\tlr\nchild-lr-0.01\t0.01\nchild-lr-0.1\t0.1\n" ||
                     tsv == "Name\tlr\nchild-lr-0.1\t0.1\nchild-lr-0.01\t0.01\n",
                 qPrintable(tsv));
    }

    void opensAProjectAndListsItsRuns() {
        QTemporaryDir tmp;
        extractMlruns("v2_21", tmp.path());
        copyFixture("mlflow/v3_11/mlflow.db", tmp.path());
        MainWindow window;
        window.show();
        waitLoadedFlat(window, tmp.path());

        QAbstractItemModel* model = window.runTable()->model();
        QCOMPARE(model->rowCount(), 19);  // 9 from the file store, 10 from the database
        const QStringList names = column(model, "Name");
        QCOMPARE(names.count("child-lr-0.1"), 2);
        QVERIFY(names.contains("eval-model"));
        // Param and metric columns, with the values MLflow wrote.
        const QStringList lr = column(model, "lr");
        const QStringList loss = column(model, "train/loss");
        const int row = int(names.indexOf("child-lr-0.01"));
        QCOMPARE(lr[row], QStringLiteral("0.01"));
        QCOMPARE(loss[row], QStringLiteral("0.91665"));  // 0.9166489037539209, shortened
        const QStringList status = column(model, "Status");
        QCOMPARE(status[int(names.indexOf("crashed"))], QStringLiteral("failed"));

        // Sorting by a numeric column sorts numbers as numbers.
        const int lrColumn = [&] {
            for (int c = 0; c < model->columnCount(); ++c)
                if (model->headerData(c, Qt::Horizontal).toString() == u"lr") return c;
            return -1;
        }();
        window.runTable()->sortByColumn(lrColumn, Qt::AscendingOrder);
        QStringList sortedLr = column(model, "lr");
        sortedLr.removeAll(QString());
        QCOMPARE(sortedLr.mid(0, 3), (QStringList{"0.001", "0.001", "0.01"}));
        QVERIFY(column(model, "lr").last().isEmpty());  // runs without lr come last...
        window.runTable()->sortByColumn(lrColumn, Qt::DescendingOrder);
        QCOMPARE(column(model, "lr").first(), QStringLiteral("0.5"));
        QVERIFY(column(model, "lr").last().isEmpty());  // ...whichever way the column is sorted

        const QLabel* status_ = window.statusBar()->findChild<QLabel*>();
        QVERIFY(status_->text().startsWith(u"19 runs"));
    }

    // File > Clear Cache empties the cache folder a TensorBoard logdir filled; the table stays.
    void clearCacheEmptiesTheCacheFolder() {
        QTemporaryDir home, tmp;
        const QByteArray before = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", QFile::encodeName(home.path()));
        const QString logdir = copyTree(fixtures() + "/tensorboard/pt_scalars", tmp.path() + "/tb");
        MainWindow window;
        window.show();
        waitLoadedFlat(window, logdir);
        const int rows = window.runTable()->model()->rowCount();
        QVERIFY(rows > 0);
        int files = 0;
        QVERIFY(CacheFolder::sizeOf(CacheFolder::path(), &files) > 0 && files > 0);
        QAction* clear = nullptr;
        for (QAction* menu : window.menuBar()->actions())
            if (menu->menu() && menu->text() == u"&File")
                for (QAction* a : menu->menu()->actions())
                    if (a->text() == u"Clear &Cache") clear = a;
        QVERIFY(clear);
        clear->trigger();
        QCOMPARE(CacheFolder::sizeOf(CacheFolder::path(), &files), 0);
        QCOMPARE(files, 0);
        QCOMPARE(window.runTable()->model()->rowCount(), rows);
        qputenv("XDG_CACHE_HOME", before);
    }

    void emptyWindowSaysWhatToDo() {
        QSettings().clear();
        MainWindow window;
        const QLabel* status = window.statusBar()->findChild<QLabel*>();
        QVERIFY(status->text().contains(u"Open"));
        QCOMPARE(window.runTable()->model()->rowCount(), 0);
    }

    void liveUpdatesKeepTheViewSteady() {
        QTemporaryDir dir;
        const QString mlruns = extractMlruns(QStringLiteral("v3_11"), dir.path());
        MainWindow window;
        window.show();
        waitLoadedFlat(window, mlruns);
        QVERIFY(window.live().isActive());
        QVERIFY(window.liveLabel()->isVisible());
        QVERIFY(window.liveLabel()->text().contains(u"Live"));
        window.live().watcher().setPollInterval(100);

        // The user sorts by name, selects a run, checks it for the charts and zooms its chart
        // to the right edge.
        QTreeView* table = window.runTable();
        table->sortByColumn(RunTableModel::Name, Qt::AscendingOrder);
        const int row = rowOf(window, QStringLiteral("child-lr-0.1"));
        table->selectionModel()->select(
            table->model()->index(row, 0),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        const RunId child = window.runTableView()->selectedRuns().front()->id;
        window.selection().setCheckedRuns({child});
        window.charts()->setMetrics({QStringLiteral("train/loss")});
        QTRY_VERIFY(!window.charts()->charts().isEmpty() &&
                    window.charts()->charts().front()->curveCount() == 1);
        MetricChart* chart = window.charts()->charts().front();
        const auto [fullMin, fullMax] = chart->xRange();
        chart->setXRange(fullMax - 10, fullMax);

        // Training goes on: the run logs more steps, and a new run appears.
        const QString lossFile =
            runDir(mlruns, "child-lr-0.1") + QStringLiteral("/metrics/train/loss");
        QFile loss(lossFile);
        QVERIFY(loss.open(QIODevice::Append));
        for (int step = 51; step <= 60; ++step)
            loss.write(QStringLiteral("%1 0.01 %2\n").arg(1795811570000 + step).arg(step).toUtf8());
        loss.close();
        const QString newRun = QFileInfo(runDir(mlruns, "child-lr-0.1")).path() +
                               QStringLiteral("/00000000000000000000000000000001");
        QDir().mkpath(newRun);
        QFile meta(newRun + QStringLiteral("/meta.yaml"));
        QVERIFY(meta.open(QIODevice::WriteOnly));
        meta.write(
            "run_id: 00000000000000000000000000000001\nrun_name: aaa-new\nstatus: 1\n"
            "start_time: 1900000000000\nlifecycle_stage: active\n");
        meta.close();
        const int before = window.catalog().size();
        QTRY_COMPARE_WITH_TIMEOUT(window.catalog().size(), before + 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(window.catalog().find(child)->metrics["train/loss"].step,
                                  qint64(60), 5000);
        // Same selection, same sort (the new run sorts first by name), same checked runs.
        QCOMPARE(window.runTableView()->selectedRuns().size(), size_t(1));
        QCOMPARE(window.runTableView()->selectedRuns().front()->id, child);
        QCOMPARE(table->model()->index(0, RunTableModel::Name).data().toString(),
                 QStringLiteral("aaa-new"));
        QCOMPARE(window.selection().checked(), QSet<RunId>{child});
        // The chart zoomed at the right edge follows the new steps, keeping its width.
        QTRY_COMPARE_WITH_TIMEOUT(chart->xRange().second, 60.0, 5000);
        QCOMPARE(chart->xRange().first, 50.0);
        QVERIFY(window.liveLabel()->text().contains(u"updated"));
        // Paused: nothing moves. A look already running reads on: let it finish first.
        window.pauseButton()->setChecked(true);
        QCOMPARE(window.liveLabel()->text(), QStringLiteral("Paused"));
        QTRY_VERIFY_WITH_TIMEOUT(window.live().isIdle(), 5000);
        QDir(newRun).removeRecursively();
        // The watcher says "look" after the removal, which an unpaused look would see ...
        QSignalSpy told(&window.live().watcher(), &Watcher::changed);
        QVERIFY(told.wait(5000));
        // ... and no look runs or waits for its turn.
        QTRY_VERIFY_WITH_TIMEOUT(window.live().isIdle(), 5000);
        QCOMPARE(window.catalog().size(), before + 1);
        window.pauseButton()->setChecked(false);
        QTRY_COMPARE_WITH_TIMEOUT(window.catalog().size(), before, 5000);
    }

    void welcomePageOpensTheDemoProject() {
        MainWindow window;
        window.show();
        QVERIFY(window.showsWelcome());
        QVERIFY(!WelcomePage::demoProject().isEmpty());
        QPushButton* demo = nullptr;
        for (QPushButton* b : window.welcome()->findChildren<QPushButton*>())
            if (b->text() == u"Open Demo Project") demo = b;
        QVERIFY(demo && demo->isEnabled());
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        demo->click();
        QVERIFY(loaded.wait(20000));
        QVERIFY(!window.showsWelcome());
        QVERIFY(window.catalog().size() > 40);  // MLflow, TensorBoard and sweep runs
        // Recent projects appear on the welcome page of the next window.
        MainWindow next;
        QVERIFY(!next.welcome()->findChildren<QPushButton*>().isEmpty());
        bool listed = false;
        for (QPushButton* b : next.welcome()->findChildren<QPushButton*>())
            listed = listed || b->text().contains(QFileInfo(WelcomePage::demoProject()).fileName() +
                                                  QStringLiteral("   —   "));
        QVERIFY(listed);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
