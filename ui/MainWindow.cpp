#include "MainWindow.h"

#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>

#include "RunTableModel.h"

namespace runlens {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("RunLens"));
    resize(1280, 800);

    m_model = new RunTableModel(&m_catalog, this);
    m_sorted = new QSortFilterProxyModel(this);
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(RunTableModel::SortRole);

    m_table = new QTableView(this);
    m_table->setModel(m_sorted);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setDefaultSectionSize(110);
    m_table->setWordWrap(false);
    setCentralWidget(m_table);

    m_statusLabel = new QLabel(this);
    statusBar()->addWidget(m_statusLabel, 1);
    createMenus();

    connect(&m_loader, &BackgroundLoader::progress, this, [this](int n) {
        m_statusLabel->setText(tr("Reading %1… %2 runs read").arg(m_path).arg(n));
    });
    connect(&m_loader, &BackgroundLoader::loaded, this, &MainWindow::onLoaded);
    updateStatus();
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFolder = file->addAction(tr("Open &Folder…"), this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a project folder"));
        if (!dir.isEmpty()) openPath(dir);
    });
    openFolder->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Database…"), this, [this] {
        const QString db = QFileDialog::getOpenFileName(
            this, tr("Open an MLflow database"), {},
            tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"));
        if (!db.isEmpty()) openPath(db);
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
}

void MainWindow::openPath(const QString& path) {
    m_path = QFileInfo(path).absoluteFilePath();
    m_catalog.clear();
    setWindowTitle(tr("%1 — RunLens").arg(QFileInfo(m_path).fileName()));
    m_statusLabel->setText(tr("Reading %1…").arg(m_path));
    m_loader.open(m_path);
}

void MainWindow::onLoaded(const QString& path, std::shared_ptr<ScanDelta> delta, bool cancelled) {
    Q_UNUSED(path);
    m_catalog.apply(std::move(*delta));
    m_table->resizeColumnsToContents();
    for (int c = 0; c < m_model->columnCount(); ++c)
        m_table->setColumnWidth(c, std::min(m_table->columnWidth(c), 280));
    m_table->sortByColumn(RunTableModel::Start, Qt::DescendingOrder);
    updateStatus();
    if (cancelled) m_statusLabel->setText(m_statusLabel->text() + tr(" (loading was cancelled)"));
    emit projectLoaded();
}

void MainWindow::updateStatus() {
    if (m_path.isEmpty()) {
        m_statusLabel->setText(
            tr("Open a project folder or an mlflow.db with File ▸ Open (Ctrl+O)."));
        return;
    }
    const int problems = int(m_catalog.problems().size());
    const int runs = m_catalog.size();
    QString text = runs == 1 ? tr("1 run") : tr("%1 runs").arg(QLocale().toString(runs));
    if (problems > 0)
        text += problems == 1 ? tr(" · 1 problem") : tr(" · %1 problems").arg(problems);
    m_statusLabel->setText(text + QStringLiteral(" · ") + m_path);
}

}  // namespace runlens
