// The desktop window as a user meets it: open a project, see its runs in the table.

#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

#include "DetailsPane.h"
#include "FilterBar.h"
#include "MainWindow.h"
#include "RunTableModel.h"
#include "TestSupport.h"

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
    static int rowOf(MainWindow& window, const QString& name) {
        QAbstractItemModel* model = window.runTable()->model();
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->index(r, RunTableModel::Name).data().toString() == name) return r;
        return -1;
    }

private slots:
    void initTestCase() {
        // Settings (recent projects) go to a folder of the test's own, never the user's.
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("RunLensTest"));
        QCoreApplication::setApplicationName(QStringLiteral("RunLensTest"));
        m_mlruns = extractMlruns("v3_11", m_tmp.path());
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
        waitLoaded(window, m_mlruns);
        QAbstractItemModel* model = window.runTable()->model();
        const int row = rowOf(window, "child-lr-0.1");
        const QModelIndex name = model->index(row, RunTableModel::Name);
        const Run& run = window.catalog().at(window.catalog().indexOf(
            RunId::make(u"mlflow-file", m_mlruns, u"fdafd25bd57f4f60abe23b94b68a4f23")));
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
        waitLoaded(window, m_mlruns);
        QTableView* table = window.runTable();
        table->selectRow(rowOf(window, "child-lr-0.1"));
        QTreeWidget* tree = window.details()->tree();
        QCOMPARE(tree->columnCount(), 2);
        const auto lr = tree->findItems("lr", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(lr.size(), 1);
        QCOMPARE(lr[0]->text(1), QStringLiteral("0.1"));
        // Nested keys sit under their prefix: train/loss under "train/".
        const auto loss = tree->findItems("loss", Qt::MatchExactly | Qt::MatchRecursive);
        QVERIFY(!loss.isEmpty());
        QCOMPARE(loss[0]->parent()->text(0), QStringLiteral("train/"));

        // Two runs: one column each, differences highlighted, equal rows hidden on demand.
        table->selectionModel()->select(table->model()->index(rowOf(window, "child-lr-0.01"), 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(tree->columnCount(), 3);
        const auto lr2 = tree->findItems("lr", Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(lr2[0]->data(0, Qt::UserRole).toBool(), true);
        QVERIFY(lr2[0]->background(1).color().alpha() > 0);
        QVERIFY(!tree->findItems("experiment", Qt::MatchExactly | Qt::MatchRecursive).isEmpty());
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

    // The window keeps painting while a large project loads: loading is off the GUI thread.
    void staysResponsiveWhileLoading() {
        QTemporaryDir big;
        const QString root = big.path() + "/mlruns";
        QDir().mkpath(root + "/1");
        QFile exp(root + "/1/meta.yaml");
        QVERIFY(exp.open(QIODevice::WriteOnly));
        exp.write("artifact_location: x\nexperiment_id: '1'\nname: big\n");
        exp.close();
        QByteArray lines;
        for (int step = 0; step < 20000; ++step)
            lines += "1700000000000 " + QByteArray::number(1.0 / (step + 1)) + " " +
                     QByteArray::number(step) + "\n";
        for (int r = 0; r < 300; ++r) {
            const QString dir =
                QStringLiteral("%1/1/%2").arg(root).arg(r, 32, 10, QLatin1Char('0'));
            QDir().mkpath(dir + "/metrics");
            QFile meta(dir + "/meta.yaml");
            QVERIFY(meta.open(QIODevice::WriteOnly));
            meta.write("run_id: r" + QByteArray::number(r) +
                       "\nstatus: 3\nstart_time: 1700000000000\n");
            for (const char* m : {"/metrics/a", "/metrics/b"}) {
                QFile f(dir + m);
                QVERIFY(f.open(QIODevice::WriteOnly));
                f.write(lines);
            }
        }
        MainWindow window;
        window.show();
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, [&] { ++ticks; });
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
    }

    void opensAProjectAndListsItsRuns() {
        QTemporaryDir tmp;
        extractMlruns("v2_21", tmp.path());
        copyFixture("mlflow/v3_11/mlflow.db", tmp.path());
        MainWindow window;
        window.show();
        waitLoaded(window, tmp.path());

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
        QCOMPARE(loss[row], QStringLiteral("0.9166489037539209"));
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

        const QLabel* status_ = window.statusBar()->findChild<QLabel*>();
        QVERIFY(status_->text().startsWith(u"19 runs"));
    }

    void emptyWindowSaysWhatToDo() {
        QSettings().clear();
        MainWindow window;
        const QLabel* status = window.statusBar()->findChild<QLabel*>();
        QVERIFY(status->text().contains(u"Open"));
        QCOMPARE(window.runTable()->model()->rowCount(), 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
