// The window from one project to the next and while a project changes: nothing of one
// project's view leaks into another's, the details follow a run as it trains, and a folder
// without runs says so (and what RunLens looks for) instead of showing an empty table.

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include "DetailsPane.h"
#include "FilterBar.h"
#include "MainWindow.h"
#include "NoRunsPage.h"
#include "ParallelPanel.h"
#include "ProblemsPanel.h"
#include "RunTableModel.h"
#include "RunTableView.h"
#include "TestSupport.h"
#include "project/Detector.h"
#include "project/FormatRegistry.h"

using namespace runlens;
using namespace testsupport;

namespace {

// A copy of a fixture folder, so the test never opens the shared fixtures themselves.
QString copyFixtureFolder(const QString& relative, const QString& dir) {
    QProcess cp;
    cp.start(QStringLiteral("cp"), {QStringLiteral("-r"), fixtures() + u'/' + relative, dir});
    if (!cp.waitForFinished(60000) || cp.exitCode() != 0)
        qFatal("cannot copy %s", qPrintable(relative));
    return dir + u'/' + QFileInfo(relative).fileName();
}

}  // namespace

class TestWindowState : public QObject {
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_tmp;
    QString m_mlruns;
    QString m_tensorboard;

    static void waitLoaded(MainWindow& window, const QString& path) {
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(path);
        QVERIFY(loaded.wait(20000));
    }
    static int nameWidthOnItsOwn(const QString& path) {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(path);
        if (!loaded.wait(20000)) return -1;
        return window.runTable()->columnWidth(RunTableModel::Name);
    }

private slots:
    void initTestCase() {
        useOwnSettings(m_config.path());
        m_mlruns = extractMlruns("v3_11", m_tmp.path());
        m_tensorboard = copyFixtureFolder("tensorboard/pt_scalars", m_tmp.path());
    }
    void init() { QSettings().clear(); }

    // Issue 14: after a pin in one project the next one opened had its Name column collapsed
    // to "…", and the parallel view kept colouring by a column the new project lacks.
    void oneProjectsViewDoesNotLeakIntoTheNext() {
        const int nameWidth = nameWidthOnItsOwn(m_tensorboard);
        QVERIFY(nameWidth > 100);
        QSettings().clear();

        MainWindow window;
        window.resize(1024, 700);
        window.show();
        window.views()->setCurrentWidget(window.parallel());  // colour by is chosen there
        waitLoaded(window, m_mlruns);
        RunTableView* table = window.runTableView();
        RunTableModel* model = table->tableModel();
        const int lr = model->columnOf(ColumnRef::param("lr"));
        table->pinColumn(lr);
        QTRY_VERIFY(table->frozenView()->isVisible());
        model->setMetricStat(model->columnOf(ColumnRef::metric("train/loss")),
                             RunTableModel::MetricStat::Max);
        window.filterBar()->setText(QStringLiteral("child"));  // no run of the next project
        ParallelPanel* parallel = window.parallel();
        parallel->setColourBy(QStringLiteral("params.lr"), true);
        QCOMPARE(parallel->colourBox()->currentData().toString(), QStringLiteral("params.lr"));

        waitLoaded(window, m_tensorboard);
        QTreeView* view = window.runTable();
        QCOMPARE(view->columnWidth(RunTableModel::Name), nameWidth);
        QVERIFY(!table->frozenView()->isVisible());
        QVERIFY(table->pinnedKeys().isEmpty());
        QCOMPARE(table->visibleRunCount(), window.catalog().size());  // no filter of A's
        // Every name shows whole.
        const QAbstractItemModel* shown = view->model();
        for (int r = 0; r < shown->rowCount(); ++r) {
            const QString name = shown->index(r, RunTableModel::Name).data().toString();
            QVERIFY2(view->fontMetrics().horizontalAdvance(name) <
                         view->visualRect(shown->index(r, RunTableModel::Name)).width() - 30,
                     qPrintable(name));
        }
        // The parallel view colours by run colour again, and says so.
        QCOMPARE(parallel->colourBox()->currentIndex(), 0);
        QVERIFY(parallel->parallel()->colouring().key().isEmpty());
        QVERIFY(!parallel->parallel()->colouring().byColumn());

        // Back to the first project: its own pin and metric choice come back.
        waitLoaded(window, m_mlruns);
        QCOMPARE(table->pinnedKeys(), QStringList{"params.lr"});
        QCOMPARE(table->visibleRunCount(), 3);  // its own filter
        QTRY_VERIFY(table->frozenView()->isVisible());
        QCOMPARE(window.runTable()
                     ->model()
                     ->headerData(model->columnOf(ColumnRef::metric("train/loss")), Qt::Horizontal)
                     .toString(),
                 QStringLiteral("train/loss (max)"));
    }

    // A metric shown as its maximum in one project shows its last value in another that has
    // the same metric, and its maximum again back in the first.
    void metricChoiceStaysWithItsProject() {
        QTemporaryDir other;
        const QString otherRuns = extractMlruns("v1_30", other.path());
        MainWindow window;
        window.show();
        waitLoaded(window, m_mlruns);
        RunTableModel* model = window.runTableView()->tableModel();
        auto lossHeader = [&] {
            return window.runTable()
                ->model()
                ->headerData(model->columnOf(ColumnRef::metric("train/loss")), Qt::Horizontal)
                .toString();
        };
        model->setMetricStat(model->columnOf(ColumnRef::metric("train/loss")),
                             RunTableModel::MetricStat::Max);
        QCOMPARE(lossHeader(), QStringLiteral("train/loss (max)"));
        waitLoaded(window, otherRuns);
        QCOMPARE(lossHeader(), QStringLiteral("train/loss"));
        waitLoaded(window, m_mlruns);
        QCOMPARE(lossHeader(), QStringLiteral("train/loss (max)"));
    }

    // A colour chosen from an axis's menu (not the combo) is reset the same way.
    void colourByFromAnAxisIsResetToo() {
        MainWindow window;
        window.show();
        window.views()->setCurrentWidget(window.parallel());
        waitLoaded(window, m_mlruns);
        window.parallel()->parallel()->setColouring(QStringLiteral("params.lr"), false);
        waitLoaded(window, m_tensorboard);
        QVERIFY(window.parallel()->parallel()->colouring().key().isEmpty());
        QCOMPARE(window.parallel()->colourBox()->currentIndex(), 0);
    }

    // The details follow a live update of the run they show.
    void detailsFollowALiveUpdate() {
        MainWindow window;
        window.show();
        waitLoaded(window, m_mlruns);
        const auto child =
            std::find_if(window.catalog().runs().begin(), window.catalog().runs().end(),
                         [](const Run& run) { return run.name == u"child-lr-0.1"; });
        QVERIFY(child != window.catalog().runs().end());
        window.runTableView()->selectRun(child->id);  // under its parent, opened for it
        QCOMPARE(window.runTableView()->selectedRuns().size(), size_t(1));
        const Run before = *window.runTableView()->selectedRuns().front();
        QCOMPARE(before.id, child->id);
        auto lossText = [&] {
            const auto items =
                window.details()->tree()->findItems("loss", Qt::MatchExactly | Qt::MatchRecursive);
            return items.isEmpty() ? QString() : items.front()->text(1);
        };
        QCOMPARE(lossText(), QStringLiteral("0.37531 at step 49  (min 0.37531, max 1, 50 points)"));

        // The run trains on: a scan reports a new latest value (as LiveProject would).
        Run after = before;
        MetricSummary& loss = after.metrics["train/loss"];
        loss.last = 0.25;
        loss.min = 0.25;
        loss.step = 60;
        loss.count = 61;
        auto delta = std::make_shared<ScanDelta>();
        delta->runs.push_back(after);
        emit window.live().updated(delta);  // what the watcher sends after a rescan
        QCOMPARE(lossText(), QStringLiteral("0.25 at step 60  (min 0.25, max 1, 61 points)"));
        QCOMPARE(window.runTableView()->selectedRuns().front()->id, before.id);
    }

    // An empty folder says where RunLens looked and what it looks for, not a blank table.
    void emptyFolderSaysWhatRunLensLooksFor() {
        QTemporaryDir empty;
        QDir().mkpath(empty.path() + "/notes");
        MainWindow window;
        window.show();
        waitLoaded(window, empty.path());
        QVERIFY(window.showsNoRuns());
        const QString text = window.noRunsPage()->text();
        QVERIFY2(text.startsWith(QStringLiteral("No runs found in ") + empty.path()),
                 qPrintable(text));
        QVERIFY(text.contains(u"RunLens looks for:"));
        for (const char* format : {"MLflow file stores", "MLflow SQLite", "TensorBoard", "Optuna",
                                   "W&B", "Comet", "Lightning", "Keras", "Stable-Baselines3",
                                   "DVCLive", "Sacred", "Hydra", "Script folders"})
            QVERIFY2(text.contains(QLatin1String(format)), format);
        // Every format of the registry says what gives it away, and the page lists it.
        for (const Format& format : formats()) {
            QVERIFY2(!format.descriptions.isEmpty(), qPrintable(format.kind));
            for (const QString& line : format.descriptions)
                QVERIFY2(text.contains(line), qPrintable(line));
        }
        QVERIFY(!window.problemsPanel()->isVisible());

        // A project with runs shows the table again.
        waitLoaded(window, m_mlruns);
        QVERIFY(!window.showsNoRuns());
        QVERIFY(window.runTable()->isVisible());
    }

    // A folder whose only store is broken says so too, with its problem listed; the Problems
    // panel closes itself when the next project has none.
    void badProjectSaysSoAndProblemsCloseAfter() {
        QTemporaryDir bad;
        QFile broken(bad.path() + "/mlflow.db");
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a database");
        broken.close();
        MainWindow window;
        window.show();
        waitLoaded(window, bad.path());
        QVERIFY(window.showsNoRuns());
        QVERIFY(window.noRunsPage()->text().contains(u"One file could not be read"));
        auto* dock = qobject_cast<QDockWidget*>(window.problemsPanel()->parentWidget());
        QVERIFY(dock && dock->isVisible());
        QCOMPARE(window.problemsPanel()->list()->topLevelItemCount(), 1);

        waitLoaded(window, m_mlruns);
        QVERIFY(!window.showsNoRuns());
        QVERIFY(!dock->isVisible());
        QCOMPARE(window.problemsPanel()->list()->topLevelItemCount(), 0);
    }
};

QTEST_MAIN(TestWindowState)
#include "tst_window_state.moc"
