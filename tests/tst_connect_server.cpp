// A team's MLflow server in the desktop app, against a test server on 127.0.0.1: File ▸
// Connect to MLflow Server… (recent servers, a login when asked, an experiment picker when
// there are many), the server's runs in the table, and "Offline since" while it is away.
// No keyring service runs here (the session bus is unset before the app starts), so a
// password is kept for the session only, and the dialog says so.

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include "ConnectServerDialog.h"
#include "FakeMlflow.h"
#include "MainWindow.h"
#include "RecordedMlflow.h"
#include "RunTableModel.h"
#include "TestSupport.h"
#include "codec/HttpLogins.h"

using namespace runlens;
using namespace testsupport;

class TestConnectServer : public QObject {
    Q_OBJECT

    QTemporaryDir m_config;

    static QString opened(ConnectServerDialog& dialog, const std::function<void()>& act) {
        QSignalSpy open(&dialog, &ConnectServerDialog::openServer);
        act();
        if (open.isEmpty() && !open.wait(10000)) return {};
        return open.takeFirst().at(0).toString();
    }

private slots:
    void initTestCase() {
        useOwnSettings(m_config.path());
        for (const char* name :
             {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "MLFLOW_TRACKING_USERNAME",
              "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN"})
            qunsetenv(name);
    }

    void fewExperimentsOpenAtOnce() {
        TestHttpServer server;
        RecordedMlflow recorded(fixtures() + "/mlflow_server/mlflow_rest");
        server.setHandler([&](const HttpExchange& r) { return recorded.answer(r); });
        ConnectServerDialog dialog({"http://old.example.com:5000", server.url()});
        QCOMPARE(dialog.addressBox()->count(), 2);  // the recent servers
        dialog.addressBox()->setEditText(server.url() + "/");
        QCOMPARE(opened(dialog, [&] { dialog.connectButton()->click(); }), server.url());
    }

    void manyExperimentsArePicked() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.serve(server);
        fake.setExperimentCount(30);
        ConnectServerDialog dialog({});
        dialog.show();
        dialog.addressBox()->setEditText(server.url());
        dialog.connectButton()->click();
        QTRY_VERIFY(dialog.experimentList()->isVisible());
        QCOMPARE(dialog.experimentList()->count(), 30);
        QVERIFY(dialog.statusLabel()->text().contains("holds 30 experiments"));
        // All are chosen; a search narrows the list, and "None" then one pick.
        QListWidget* list = dialog.experimentList();
        dialog.searchEdit()->setText("EXP-02");
        int shown = 0;
        for (int i = 0; i < list->count(); ++i)
            shown += !list->item(i)->isHidden();
        QCOMPARE(shown, 10);  // exp-020 to exp-029
        for (int i = 0; i < list->count(); ++i)
            list->item(i)->setCheckState(Qt::Unchecked);
        QVERIFY(!dialog.openButton()->isEnabled());
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->text().startsWith("team/exp-021") ||
                list->item(i)->text().startsWith("team/exp-025"))
                list->item(i)->setCheckState(Qt::Checked);
        QCOMPARE(opened(dialog, [&] { dialog.openButton()->click(); }),
                 server.url() + "/#/experiments/21,25");
        saveShot(dialog, "connect-picker.png");
    }

    void loginWhenAsked() {
        TestHttpServer server;
        FakeMlflow fake;
        const QByteArray expected = "Basic " + QByteArray("bob:s3cret").toBase64();
        server.setHandler([&](const HttpExchange& r) -> std::optional<CannedReply> {
            if (r.headers.value("authorization") != expected)
                return CannedReply::json(401, "You are not authenticated.");
            return fake.answer(r);
        });
        ConnectServerDialog dialog({});
        dialog.show();
        dialog.connectTo(server.url(), false);
        QTRY_VERIFY(dialog.passwordEdit()->isVisible());
        QCOMPARE(dialog.statusLabel()->text(), QStringLiteral("The server asks for a login."));
        dialog.userEdit()->setText("bob");
        dialog.passwordEdit()->setText("wrong");
        dialog.connectButton()->click();
        QTRY_VERIFY(dialog.passwordEdit()->isVisible());
        QTRY_VERIFY(
            dialog.statusLabel()->text().startsWith("The server did not accept this login."));
        dialog.passwordEdit()->setText("s3cret");
        saveShot(dialog, "connect-login.png");
        QCOMPARE(opened(dialog, [&] { dialog.connectButton()->click(); }), server.url());
        // No keyring here: said, and the password is kept for this session, never in settings.
        QTRY_VERIFY(dialog.statusLabel()->text().contains("kept for this session only"));
        const auto login = HttpLogins::find(MlflowServerAddress::parse(server.url())->origin());
        QVERIFY(login && login->password == u"s3cret");
        QFile settings(QSettings().fileName());
        QVERIFY(settings.open(QIODevice::ReadOnly));
        const QByteArray stored = settings.readAll();
        QVERIFY(stored.contains("bob"));
        QVERIFY(!stored.contains("s3cret"));
        HttpLogins::forget(MlflowServerAddress::parse(server.url())->origin());
    }

    void serverRunsInTheWindow() {
        TestHttpServer server;
        FakeMlflow fake;
        fake.serve(server);
        for (int i = 0; i < 3; ++i) {
            FakeMlflow::FakeRun run;
            run.id = QStringLiteral("r%1").arg(i);
            run.name = QStringLiteral("server-run-%1").arg(i);
            run.start = 1'800'000'000'000 + i;
            run.status = i == 2 ? "RUNNING" : "FINISHED";
            run.metrics["loss"] = {{0, 1.0, run.start}, {1, 0.5 + i, run.start + 1}};
            fake.put(run);
        }
        QSettings().setValue("serverPollSeconds", 1);
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::projectLoaded);
        window.openPath(server.url());  // as from the command line: no dialog needed
        QVERIFY(loaded.wait(10000));
        QCOMPARE(window.catalog().size(), 3);
        QVERIFY(window.recentProjects().contains(server.url()));
        QVERIFY(window.windowTitle().startsWith("127.0.0.1"));
        QAbstractItemModel* model = window.runTable()->model();
        QStringList names;
        for (int r = 0; r < model->rowCount(); ++r)
            names << model->index(r, RunTableModel::Name).data().toString();
        QCOMPARE(names, (QStringList{"server-run-2", "server-run-1", "server-run-0"}));
        saveShot(window, "server-runs.png");
        // A new point of the running run shows up within a poll.
        fake.update("r2", [](FakeMlflow::FakeRun& r) {
            r.metrics["loss"].push_back({2, 0.25, r.start + 2});
        });
        QTRY_COMPARE_WITH_TIMEOUT(window.catalog()
                                      .find(RunId::make(u"mlflow-rest", server.url(), u"r2"))
                                      ->metrics.value("loss")
                                      .last,
                                  0.25, 5000);
        server.goAway();
        QTRY_VERIFY_WITH_TIMEOUT(window.liveLabel()->text().startsWith("○ Offline since"), 5000);
        QCOMPARE(window.catalog().size(), 3);  // what was shown stays
        QVERIFY(window.liveLabel()->toolTip().contains("refused the connection"));
        QVERIFY(server.comeBack());
        QTRY_VERIFY_WITH_TIMEOUT(window.liveLabel()->text().startsWith("● Live"), 5000);
    }

private:
    static void saveShot(QWidget& widget, const char* name) {
        const QByteArray dir = qgetenv("RUNLENS_SCREENSHOTS");
        if (dir.isEmpty()) return;
        QCoreApplication::processEvents();
        widget.grab().save(QString::fromUtf8(dir) + u'/' + QLatin1String(name));
    }
};

int main(int argc, char** argv) {
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");  // never the user's own keyring
    QApplication app(argc, argv);
    TestConnectServer test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_connect_server.moc"
