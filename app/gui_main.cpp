// runlens: the desktop app. `runlens [PATH]` opens PATH (a project folder or an mlflow.db).

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QIcon>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>
#include <cstdio>

#include "MainWindow.h"
#include "Palette.h"
#include "ParallelPanel.h"
#include "RunTableView.h"

namespace {

// --startup-time: prints when the window was first painted and when the project was shown,
// in ms since the epoch, then quits (tests/bench/bench_startup.sh subtracts the launch time).
class FirstPaint : public QObject {
public:
    explicit FirstPaint(runlens::MainWindow* window) : m_window(window) {
        QObject::connect(window, &runlens::MainWindow::projectLoaded, this, [this] {
            m_loaded = true;
            m_window->update();
        });
    }
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Paint && watched->isWidgetType()) {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (m_firstPaint == 0) m_firstPaint = now;
            if (m_loaded) {
                printf("first paint %lld\nproject shown %lld\n", m_firstPaint, now);
                fflush(stdout);
                QTimer::singleShot(0, qApp, &QApplication::quit);
                m_loaded = false;
            }
        }
        return false;
    }

private:
    runlens::MainWindow* m_window;
    qint64 m_firstPaint = 0;
    bool m_loaded = false;
};

// --screenshots DIR: once the project is shown, saves the window at each stop of a short
// tour (the table with two runs compared, the charts, the parallel coordinates with a
// brush) as small PNGs, then quits. tests/screenshots.sh runs it on the demo project.
void tour(runlens::MainWindow* window, const QString& dir) {
    QDir().mkpath(dir);
    auto save = [window, dir](const char* name) {
        QCoreApplication::processEvents();
        const QImage shot = window->grab().toImage();
        // 256 colours: a third of the bytes, for the README.
        shot.scaledToWidth(1000, Qt::SmoothTransformation)
            .convertToFormat(QImage::Format_Indexed8, Qt::ThresholdDither | Qt::AutoColor)
            .save(dir + u'/' + QLatin1String(name), "PNG", 9);
        printf("saved %s/%s\n", qPrintable(dir), name);
    };
    QTreeView* table = window->runTable();
    table->selectionModel()->select(
        QItemSelection(table->model()->index(0, 0), table->model()->index(1, 0)),
        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QTimer::singleShot(800, window, [=] {
        save("table-and-charts.png");
        window->views()->setCurrentWidget(window->parallel());
        QTimer::singleShot(300, window, [=] {
            runlens::ParallelView* view = window->parallel()->parallel();
            if (!view->axes().empty()) view->brushAxis(0, 0.45f, 1.f);
            QTimer::singleShot(300, window, [=] {
                save("parallel-coordinates.png");
                QApplication::quit();
            });
        });
    });
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);  // Qt Charts needs a QApplication, not a QGuiApplication
    QApplication::setApplicationName(QStringLiteral("RunLens"));
    QApplication::setOrganizationName(QStringLiteral("RunLens"));
    QApplication::setApplicationVersion(QStringLiteral(RUNLENS_VERSION));
    // The icon is compiled into the ui library; the desktop file name ties the window to the
    // installed launcher (taskbar icon, "Open with").
    Q_INIT_RESOURCE(resources);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/runlens/icon.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.runlens.RunLens"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Compare machine-learning runs"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("path"),
                                 QStringLiteral("Project folder or mlflow.db to open"));
    QCommandLineOption startup(QStringLiteral("startup-time"),
                               QStringLiteral("Print when the window was painted, then quit"));
    QCommandLineOption screenshots(QStringLiteral("screenshots"),
                                   QStringLiteral("Save a tour of the views as PNGs, then quit"),
                                   QStringLiteral("dir"));
    startup.setFlags(QCommandLineOption::HiddenFromHelp);
    screenshots.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(startup);
    parser.addOption(screenshots);
    parser.process(app);

    if (const QString palette = runlens::currentPaletteName(); palette != u"system")
        runlens::applyPalette(palette);
    runlens::MainWindow window;
    FirstPaint firstPaint(&window);
    if (parser.isSet(startup)) app.installEventFilter(&firstPaint);
    if (parser.isSet(screenshots)) {
        window.resize(1400, 860);
        QObject::connect(&window, &runlens::MainWindow::projectLoaded, &window,
                         [&] { tour(&window, parser.value(screenshots)); });
    }
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openPath(parser.positionalArguments().constFirst());
    else if (const QString last = runlens::MainWindow::projectToReopen(); !last.isEmpty())
        window.openPath(last);
    return app.exec();
}
