// The desktop window as a user meets it: open a project, see its runs in the table.

#include <QLabel>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

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

private slots:
    void opensAProjectAndListsItsRuns() {
        QTemporaryDir tmp;
        extractMlruns("v2_21", tmp.path());
        copyFixture("mlflow/v3_11/mlflow.db", tmp.path());
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(tmp.path());
        QVERIFY(loaded.wait(20000));

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
        MainWindow window;
        const QLabel* status = window.statusBar()->findChild<QLabel*>();
        QVERIFY(status->text().contains(u"Open"));
        QCOMPARE(window.runTable()->model()->rowCount(), 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
