#include "WelcomePage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace runlens {

WelcomePage::WelcomePage(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    auto* column = new QVBoxLayout;
    auto* title = new QLabel(tr("<h1>RunLens</h1>"), this);
    auto* text = new QLabel(
        tr("Open a project folder to see every run under it, side by side: MLflow stores "
           "(<tt>mlruns</tt> or <tt>mlflow.db</tt>), TensorBoard event files, Optuna studies, "
           "Weights &amp; Biases run folders (offline runs too), Comet archives, and the CSV "
           "loggers of Lightning, Keras, Stable-Baselines3, DVCLive, Sacred and Hydra; or "
           "connect to your team's MLflow tracking server. "
           "Nothing is uploaded and nothing is written into your files."),
        this);
    text->setWordWrap(true);
    auto* folder = new QPushButton(tr("Open Folder…"), this);
    folder->setToolTip(tr("A project folder: every run below it is read (Ctrl+O)"));
    auto* database = new QPushButton(tr("Open Database…"), this);
    database->setToolTip(tr("An MLflow or Optuna SQLite file"));
    auto* demo = new QPushButton(tr("Open Demo Project"), this);
    demo->setToolTip(
        tr("Runs written by MLflow, TensorBoard, W&B, Comet and CSV loggers, to look around"));
    demo->setEnabled(!demoProject().isEmpty());
    auto* server = new QPushButton(tr("Connect to Server…"), this);
    server->setToolTip(tr("An MLflow tracking server, by its address (Ctrl+Shift+O)"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(folder);
    buttons->addWidget(database);
    buttons->addWidget(server);
    buttons->addWidget(demo);
    buttons->addStretch(1);
    m_recent = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(text);
    column->addSpacing(12);
    column->addLayout(buttons);
    column->addSpacing(18);
    column->addLayout(m_recent);
    auto* centre = new QHBoxLayout;
    centre->addStretch(1);
    centre->addLayout(column, 3);
    centre->addStretch(1);
    outer->addStretch(1);
    outer->addLayout(centre);
    outer->addStretch(2);
    connect(folder, &QPushButton::clicked, this, &WelcomePage::openFolder);
    connect(database, &QPushButton::clicked, this, &WelcomePage::openDatabase);
    connect(server, &QPushButton::clicked, this, &WelcomePage::connectServer);
    connect(demo, &QPushButton::clicked, this, [this] { emit openPath(demoProject()); });
}

void WelcomePage::setRecent(const QStringList& paths) {
    while (QLayoutItem* item = m_recent->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    if (paths.isEmpty()) return;
    m_recent->addWidget(new QLabel(tr("<b>Recent projects</b>"), this));
    for (const QString& path : paths) {
        // A server is known by its host; whether it answers is seen when it is opened.
        const QUrl url(path);
        const bool remote = url.scheme().startsWith(u"http");
        auto* link = new QPushButton(
            (remote ? url.host() : QFileInfo(path).fileName()) + QStringLiteral("   —   ") + path,
            this);
        link->setFlat(true);
        link->setStyleSheet(QStringLiteral("text-align: left;"));
        link->setToolTip(tr("Open %1").arg(path));
        link->setEnabled(remote || QFileInfo::exists(path));
        connect(link, &QPushButton::clicked, this, [this, path] { emit openPath(path); });
        m_recent->addWidget(link);
    }
}

QString WelcomePage::demoProject() {
    const QString app = QCoreApplication::applicationDirPath();
    for (const QString& candidate :
         {app + QStringLiteral("/../share/runlens/demo"), QStringLiteral(RUNLENS_SOURCE_DEMO)})
        if (QFileInfo(candidate).isDir()) return QDir(candidate).canonicalPath();
    return {};
}

}  // namespace runlens
