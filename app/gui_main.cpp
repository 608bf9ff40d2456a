// runlens: the desktop app. `runlens [PATH]` opens PATH (a project folder or an mlflow.db).

#include <QApplication>
#include <QCommandLineParser>

#include "MainWindow.h"
#include "Palette.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);  // Qt Charts needs a QApplication, not a QGuiApplication
    QApplication::setApplicationName(QStringLiteral("RunLens"));
    QApplication::setOrganizationName(QStringLiteral("RunLens"));
    QApplication::setApplicationVersion(QStringLiteral(RUNLENS_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Compare machine-learning runs"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("path"),
                                 QStringLiteral("Project folder or mlflow.db to open"));
    parser.process(app);

    if (const QString palette = runlens::currentPaletteName(); palette != u"system")
        runlens::applyPalette(palette);
    runlens::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openPath(parser.positionalArguments().constFirst());
    return app.exec();
}
