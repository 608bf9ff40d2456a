#include "MainWindow.h"

#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

#include "ChartsPanel.h"
#include "ConnectServerDialog.h"
#include "DetailsPane.h"
#include "FilterBar.h"
#include "NoRunsPage.h"
#include "Palette.h"
#include "ParallelPanel.h"
#include "ProblemsPanel.h"
#include "RunTableModel.h"
#include "RunTableView.h"
#include "WelcomePage.h"
#include "project/CacheFolder.h"
#include "project/Detector.h"
#include "project/ThreadPriority.h"

namespace runlens {

namespace {
constexpr int kMaxRecent = 10;
const auto kRecentKey = QStringLiteral("recentProjects");
const auto kReopenKey = QStringLiteral("reopenLastProject");
const auto kJoinHparamsKey = QStringLiteral("joinHparamsRuns");
const auto kStaleAfterKey = QStringLiteral("staleAfterMinutes");
const auto kServerPollKey = QStringLiteral("serverPollSeconds");
const auto kHistoryMemoryKey = QStringLiteral("historyMemoryMb");

// Addresses opened through the Connect dialog, which asks for a login when one is needed.
bool isServer(const QString& path) {
    const QString scheme = urlScheme(path);
    return scheme == u"http" || scheme == u"https" || scheme == u"postgresql" ||
           scheme == u"postgres";
}
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    keepQtPoolAtGuiPriority();
    setWindowTitle(tr("RunLens"));
    resize(1400, 860);
    setAcceptDrops(true);
    restoreGeometry(QSettings().value(QStringLiteral("window/geometry")).toByteArray());
    // Never larger than the screen it opens on (a laptop's 1366x768, say), frame included.
    if (const QScreen* screen = this->screen())
        resize(size().boundedTo(screen->availableGeometry().size() * 0.96));
    m_selection.setColourMemory(loadRunColours());

    m_table = new RunTableView(&m_catalog, &m_selection, this);

    m_filterBar = new FilterBar(this);
    m_details = new DetailsPane(this);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    m_histories.setByteLimit(historyMemoryBytes());
    m_charts = new ChartsPanel(&m_catalog, &m_selection, &m_histories, this);
    m_parallel = new ParallelPanel(&m_catalog, &m_selection, this);
    m_views = new QTabWidget(this);
    m_views->setDocumentMode(true);
    m_views->addTab(m_charts, tr("Charts"));
    m_views->addTab(m_parallel, tr("Parallel Coordinates"));
    connect(m_charts, &ChartsPanel::metricsCharted, this, [this](int charted, int available) {
        m_views->setTabText(m_views->indexOf(m_charts),
                            available > charted
                                ? tr("Charts (%1 of %2 metrics)").arg(charted).arg(available)
                                : tr("Charts"));
    });
    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(splitter);
    vertical->addWidget(m_views);
    vertical->setStretchFactor(0, 1);
    vertical->setStretchFactor(1, 1);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_filterBar);
    layout->addWidget(vertical, 1);
    // Nothing open: the welcome page; a project: the table, details and views.
    m_welcome = new WelcomePage(this);
    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_welcome);
    m_pages->addWidget(central);
    // A project without runs: where RunLens looked and what it looks for.
    m_noRuns = new NoRunsPage(this);
    m_pages->addWidget(m_noRuns);
    setCentralWidget(m_pages);
    connect(m_noRuns, &NoRunsPage::openFolder, this, &MainWindow::chooseFolder);
    connect(m_noRuns, &NoRunsPage::lookAgain, this, [this] { openProject(m_path); });
    connect(&m_catalog, &Catalog::runsAppended, this, [this] {
        if (m_pages->currentWidget() == m_noRuns) m_pages->setCurrentIndex(1);
    });
    connect(m_welcome, &WelcomePage::openFolder, this, &MainWindow::chooseFolder);
    connect(m_welcome, &WelcomePage::openDatabase, this, &MainWindow::chooseDatabase);
    connect(m_welcome, &WelcomePage::connectServer, this, &MainWindow::connectToServer);
    connect(m_welcome, &WelcomePage::openPath, this, &MainWindow::openPath);

    m_problems = new ProblemsPanel(&m_catalog, this);
    m_problemsDock = new QDockWidget(tr("Problems"), this);
    m_problemsDock->setObjectName(QStringLiteral("problems"));
    m_problemsDock->setWidget(m_problems);
    addDockWidget(Qt::BottomDockWidgetArea, m_problemsDock);
    m_problemsDock->hide();
    // Open while the project has problems; closed again when the next one has none.
    connect(&m_catalog, &Catalog::problemsChanged, this,
            [this] { m_problemsDock->setVisible(!m_catalog.problems().isEmpty()); });

    m_statusLabel = new QLabel(this);
    statusBar()->addWidget(m_statusLabel, 1);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setToolTip(tr("Stop reading the project"));
    m_cancel->hide();
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, &m_loader, &BackgroundLoader::cancel);
    // Live: the project is watched once loaded; the label says when it last changed.
    m_liveLabel = new QLabel(this);
    m_liveLabel->setToolTip(tr("RunLens follows the project while training writes to it"));
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Stop following changes on disk for now (F5 still rescans)"));
    m_liveLabel->hide();
    m_pause->hide();
    statusBar()->addPermanentWidget(m_liveLabel);
    statusBar()->addPermanentWidget(m_pause);
    connect(m_pause, &QPushButton::toggled, this, [this](bool paused) {
        m_live.setPaused(paused);
        m_pause->setText(paused ? tr("Resume") : tr("Pause"));
        updateLiveLabel();
    });
    connect(&m_live, &LiveProject::updated, this, &MainWindow::onLiveUpdate);
    connect(&m_live, &LiveProject::looked, this, &MainWindow::updateLiveLabel);
    createMenus();

    connect(m_filterBar, &FilterBar::filterChanged, this, [this](RunFilter filter) {
        filter.setStaleAfter(staleAfterMs());
        m_selection.setFilter(filter);
        m_table->setRunFilter(filter);
        updateStatus();
    });
    m_table->tableModel()->setStaleAfter(staleAfterMs());
    connect(&m_selection, &RunSelection::brushesChanged, this, [this] {
        m_filterBar->setBrushExpression(m_selection.brushes().expression());
        updateStatus();
    });
    connect(m_filterBar, &FilterBar::clearBrushesRequested, this,
            [this] { m_selection.setBrushes({}, m_catalog.runs()); });
    connect(m_filterBar, &FilterBar::useBrushesAsFilterRequested, this, [this] {
        const QString brushes = m_selection.brushes().expression();
        const QString current = m_filterBar->lineEdit()->text().trimmed();
        m_selection.setBrushes({}, m_catalog.runs());
        m_filterBar->setText(current.isEmpty()
                                 ? brushes
                                 : u'(' + current + QStringLiteral(") and (") + brushes + u')');
    });
    connect(m_table, &RunTableView::selectionChanged, this, [this] { updateDetails(); });
    // A live update of a run the details show: its new values.
    connect(&m_catalog, &Catalog::runChanged, this, [this](int row) {
        if (m_details->shows(m_catalog.at(row).id)) updateDetails(true);
    });
    // Runs read again (a reload): the details show their values as read now.
    connect(&m_catalog, &Catalog::reset, this, [this] { updateDetails(true); });
    connect(&m_loader, &BackgroundLoader::progress, this, [this](int sources, int runs) {
        m_statusLabel->setText(
            tr("Reading %1… %2 sources found, %3 runs read")
                .arg(m_path, QLocale().toString(sources), QLocale().toString(runs)));
    });

    connect(&m_loader, &BackgroundLoader::loaded, this, &MainWindow::onLoaded);
    updateStatus();
}

// The views read the catalog, the selection and the histories, members that are destroyed
// before QWidget's destructor deletes the child widgets (a view laid out while the window
// closes would read them): the views go first.
MainWindow::~MainWindow() {
    delete m_pages;
    delete m_problemsDock;
}

void MainWindow::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a project folder"));
    if (!dir.isEmpty()) openPath(dir);
}

void MainWindow::chooseDatabase() {
    const QString db = QFileDialog::getOpenFileName(
        this, tr("Open an MLflow or Optuna database"), {},
        tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (!db.isEmpty()) openPath(db);
}

bool MainWindow::showsWelcome() const {
    return m_pages->currentWidget() == m_welcome;
}

bool MainWindow::showsNoRuns() const {
    return m_pages->currentWidget() == m_noRuns;
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About RunLens"),
        tr("<h3>RunLens %1</h3><p>Compare machine-learning runs offline: MLflow file stores and "
           "databases, TensorBoard event files and Optuna studies, in one window.</p>"
           "<p>Nothing is uploaded, and nothing is written into your files.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QStringLiteral(RUNLENS_VERSION), QString::fromLatin1(qVersion())));
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openFolder = file->addAction(tr("Open &Folder…"), this, &MainWindow::chooseFolder);
    openFolder->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Database…"), this, &MainWindow::chooseDatabase);
    QAction* server =
        file->addAction(tr("Connect to MLflow &Server…"), this, &MainWindow::connectToServer);
    server->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+O")));
    QAction* demo = file->addAction(tr("Open D&emo Project"), this,
                                    [this] { openPath(WelcomePage::demoProject()); });
    demo->setEnabled(!WelcomePage::demoProject().isEmpty());
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    QAction* reopen = file->addAction(tr("Reopen Last Project at Start"));
    reopen->setCheckable(true);
    reopen->setChecked(QSettings().value(kReopenKey, true).toBool());
    connect(reopen, &QAction::toggled, this, [](bool on) { QSettings().setValue(kReopenKey, on); });
    file->addSeparator();
    // What was read is kept in the user's cache folder (docs/READING.md); an open project
    // reads from its files what it no longer finds there.
    file->addAction(tr("Clear &Cache"), this, [this] {
        const qint64 bytes = CacheFolder::sizeOf(CacheFolder::path());
        QString error;
        if (CacheFolder::clear(CacheFolder::path(), &error))
            statusBar()->showMessage(
                // The open project still reads the entries it holds: their space comes
                // back when it is closed.
                tr("Cache cleared (%1; what the open project holds is freed when it closes)")
                    .arg(locale().formattedDataSize(bytes)),
                5000);
        else
            QMessageBox::warning(this, tr("Clear Cache"), error);
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_problemsDock->toggleViewAction());
    QMenu* colours = view->addMenu(tr("&Colours"));
    auto* paletteGroup = new QActionGroup(colours);
    for (const auto& [name, label] :
         {std::pair{"system", tr("Follow the System")}, std::pair{"light", tr("Light")},
          std::pair{"dark", tr("Dark")}}) {
        QAction* action = colours->addAction(
            label, this, [name = QString::fromLatin1(name)] { applyPalette(name); });
        action->setCheckable(true);
        action->setChecked(currentPaletteName() == QLatin1String(name));
        paletteGroup->addAction(action);
    }
    view->addAction(tr("Choose &Columns…"), m_table, &RunTableView::chooseColumns);
    QAction* parallelTab = view->addAction(tr("&Parallel Coordinates"), this,
                                           [this] { m_views->setCurrentWidget(m_parallel); });
    parallelTab->setShortcut(QKeySequence(QStringLiteral("Ctrl+2")));
    QAction* chartsTab =
        view->addAction(tr("C&harts"), this, [this] { m_views->setCurrentWidget(m_charts); });
    chartsTab->setShortcut(QKeySequence(QStringLiteral("Ctrl+1")));
    QAction* join = view->addAction(tr("&Join add_hparams Runs into Their Trials"));
    join->setToolTip(
        tr("PyTorch's add_hparams writes a trial's params into a sub-run: show "
           "them in the trial's own row"));
    join->setCheckable(true);
    join->setChecked(scanOptions().joinHparamsRuns);
    connect(join, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(kJoinHparamsKey, on);
        if (!m_path.isEmpty()) openProject(m_path);
    });
    view->addSeparator();
    view->addAction(tr("Show Only Selected in Charts"), m_table,
                    &RunTableView::showOnlySelectedInCharts);
    view->addAction(tr("Show All in Charts"), m_table, &RunTableView::showAllInCharts);
    view->addAction(tr("Hide All from Charts"), m_table, &RunTableView::hideAllFromCharts);
    view->addSeparator();
    view->addAction(tr("Stale &After…"), this, &MainWindow::chooseStaleAfter);
    view->addAction(tr("Server &Poll Interval…"), this, &MainWindow::chooseServerPoll);
    view->addAction(tr("History &Memory…"), this, &MainWindow::chooseHistoryMemory);
    QAction* differences = view->addAction(tr("&Differences Only"));
    differences->setCheckable(true);
    differences->setToolTip(tr("Hide the columns whose value is the same for every run shown"));
    connect(differences, &QAction::triggered, m_table, &RunTableView::setDifferencesOnly);
    QAction* nested = view->addAction(tr("Child Runs under Their &Parent"));
    nested->setCheckable(true);
    nested->setToolTip(tr("MLflow's nested runs under their parent run"));
    connect(nested, &QAction::triggered, m_table, &RunTableView::setNestChildRuns);
    // The table's header menu and a project's saved view change these too.
    connect(view, &QMenu::aboutToShow, this, [this, differences, nested] {
        differences->setChecked(m_table->differencesOnly());
        nested->setChecked(m_table->nestsChildRuns());
    });
    QMenu* group = view->addMenu(tr("&Group Rows By"));
    group->addAction(tr("Nothing"), this, [this] { m_table->setGroupColumn(-1); });
    group->addAction(tr("Experiment"), this,
                     [this] { m_table->setGroupColumn(RunTableModel::Experiment); });
    group->addAction(tr("Source"), this,
                     [this] { m_table->setGroupColumn(RunTableModel::SourceKind); });
    group->addAction(tr("Status"), this,
                     [this] { m_table->setGroupColumn(RunTableModel::Status); });
    group->addSeparator();
    group->addAction(tr("Any column: right-click its header"))->setEnabled(false);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About RunLens"), this, &MainWindow::showAbout);

    QAction* find = new QAction(tr("Filter Runs"), this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, this, [this] {
        m_filterBar->lineEdit()->setFocus();
        m_filterBar->lineEdit()->selectAll();
    });
    addAction(find);
    QAction* rescan = new QAction(tr("Rescan"), this);
    rescan->setShortcut(QKeySequence::Refresh);
    connect(rescan, &QAction::triggered, this, [this] {
        // Watching: look for changes now, keeping the view; otherwise read it again.
        if (m_live.isActive())
            m_live.rescanNow();
        else if (!m_path.isEmpty())
            openProject(m_path);
    });
    addAction(rescan);
}

QString MainWindow::projectToReopen() {
    QSettings settings;
    if (!settings.value(kReopenKey, true).toBool()) return {};
    const QStringList recent = settings.value(kRecentKey).toStringList();
    if (recent.isEmpty()) return {};
    return !urlScheme(recent.first()).isEmpty() || QFileInfo::exists(recent.first())
               ? recent.first()
               : QString();
}

QStringList MainWindow::recentProjects() const {
    return QSettings().value(kRecentKey).toStringList();
}

QStringList MainWindow::recentServers() const {
    QStringList servers;
    for (const QString& path : recentProjects())
        if (isServer(path)) servers << path;
    return servers;
}

void MainWindow::connectToServer() {
    auto* dialog = new ConnectServerDialog(recentServers(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ConnectServerDialog::openServer, this, &MainWindow::openProject);
    dialog->open();
}

void MainWindow::rememberProject(const QString& path) {
    QStringList recent = recentProjects();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = recentProjects();
    for (const QString& path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openPath(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
    if (m_welcome) m_welcome->setRecent(recent);
}

// A folder or file, or a link to a tracking server dragged from a browser.
void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && (urls.first().isLocalFile() || isServer(urls.first().toString())))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty()) return;
    const QUrl& url = urls.first();
    if (!url.isLocalFile() && !isServer(url.toString())) return;
    event->acceptProposedAction();
    openPath(url.isLocalFile() ? url.toLocalFile() : url.toString());
}

// View state is kept per project in the user's settings (never next to the data), by run
// and column ids, so it applies again whatever was added since.
QString MainWindow::stateGroup(const QString& path) {
    return QStringLiteral("projects/") + RunId::rootHash(path);
}

void MainWindow::saveViewState() {
    saveRunColours(m_selection.colourMemory());
    if (m_path.isEmpty() || m_loader.isLoading()) return;
    QSettings settings;
    settings.beginGroup(stateGroup(m_path));
    settings.setValue(QStringLiteral("table"), m_table->saveState());
    settings.setValue(QStringLiteral("filter"), m_filterBar->lineEdit()->text());
    QStringList axes;
    for (const ColumnRef& c : m_parallel->parallel()->chosenColumns())
        axes << c.key();
    settings.setValue(QStringLiteral("parallelAxes"), axes);
    settings.setValue(QStringLiteral("view"), m_views->currentIndex());
    QStringList checked;
    for (const RunId& id : m_selection.checked())
        checked << id.text();
    settings.setValue(QStringLiteral("checked"), checked);
    settings.endGroup();
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
}

bool MainWindow::restoreViewState() {
    QSettings settings;
    settings.beginGroup(stateGroup(m_path));
    if (!settings.contains(QStringLiteral("table"))) {
        m_table->restoreState({});  // a project seen for the first time starts from defaults
        // Cleared when the project was opened; again would rebuild parallel coordinates.
        if (!m_filterBar->lineEdit()->text().isEmpty()) m_filterBar->setText({});
        m_parallel->parallel()->setColumns({});
        return false;
    }
    m_table->restoreState(settings.value(QStringLiteral("table")).toMap());
    QSet<RunId> checked;
    for (const QString& id : settings.value(QStringLiteral("checked")).toStringList())
        checked.insert(RunId(id));
    m_selection.setCheckedRuns(checked);
    // Colours chosen before they were kept by portable key (Palette.h): taken over once.
    const QVariantMap colours = settings.value(QStringLiteral("colours")).toMap();
    for (auto it = colours.begin(); it != colours.end(); ++it)
        m_selection.setColour(RunId(it.key()), it.value().toUInt());
    settings.remove(QStringLiteral("colours"));
    m_filterBar->setText(settings.value(QStringLiteral("filter")).toString());
    std::vector<ColumnRef> axes;
    for (const QString& key : settings.value(QStringLiteral("parallelAxes")).toStringList())
        axes.push_back(ColumnRef::parse(key));
    m_parallel->parallel()->setColumns(axes);
    m_views->setCurrentIndex(settings.value(QStringLiteral("view"), 0).toInt());
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveViewState();
    QMainWindow::closeEvent(event);
}

void MainWindow::openPath(const QString& path) {
    if (!isServer(path)) return openProject(path);
    m_statusLabel->setText(
        tr("Connecting to %1…").arg(QUrl(path).adjusted(QUrl::RemovePassword).toString()));
    auto* dialog = new ConnectServerDialog(recentServers(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ConnectServerDialog::openServer, this, &MainWindow::openProject);
    connect(dialog, &QDialog::finished, dialog, &QObject::deleteLater);
    dialog->connectTo(path, true);
}

void MainWindow::openProject(const QString& path) {
    saveViewState();
    if (path.isEmpty()) return;
    const bool remote = !urlScheme(path).isEmpty();
    // A database URL may carry a password (postgresql://user:secret@host/db): it is used to
    // connect now, never shown nor kept in the settings (reopening relies on ~/.pgpass).
    m_path = !remote ? QFileInfo(path).absoluteFilePath()
             : QUrl(path).password().isEmpty()
                 ? path
                 : QUrl(path).adjusted(QUrl::RemovePassword).toString();
    m_pages->setCurrentIndex(1);
    m_live.stop();
    m_liveLabel->hide();
    m_pause->hide();
    m_catalog.clear();
    m_selection.setCheckedRuns({});
    m_selection.setBrushes({}, {});
    // The previous project's filter goes now: its columns are sized on every run of the new
    // one, and its own saved filter comes back with its view.
    m_filterBar->setText({});
    setWindowTitle(
        tr("%1 — RunLens").arg(remote ? QUrl(m_path).host() : QFileInfo(m_path).fileName()));
    m_statusLabel->setText(tr("Reading %1…").arg(m_path));
    m_cancel->show();
    rememberProject(m_path);
    m_loader.open(remote ? path : m_path, scanOptions());
}

void MainWindow::onLoaded(const QString&, std::shared_ptr<ScanDelta> delta, bool cancelled) {
    m_cancel->hide();
    m_histories.setProject(m_loader.project());
    m_catalog.apply(std::move(*delta));
    QStringList keys = {QStringLiteral("attributes.status"), QStringLiteral("attributes.run_name"),
                        QStringLiteral("attributes.experiment"),
                        QStringLiteral("attributes.start_time")};
    const RunTableModel* model = m_table->tableModel();
    for (int c = RunTableModel::kFixedColumns; c < model->columnCount(); ++c)
        keys << model->columnRef(c).key();
    m_filterBar->setKeys(keys);
    m_table->fitColumns();
    if (!restoreViewState()) m_selection.setCheckedRuns(defaultChartedRuns(m_catalog.runs()));
    updateStatus();
    if (m_catalog.size() == 0 && !cancelled) {
        m_noRuns->setProject(m_path, int(m_catalog.problems().size()));
        m_pages->setCurrentWidget(m_noRuns);
    }
    if (cancelled) {
        m_statusLabel->setText(m_statusLabel->text() + tr(" (loading was cancelled)"));
    } else if (m_loader.projectForUpdates()) {
        // A server is polled on its own interval; files are watched, with a slow poll besides.
        m_live.watcher().setPollInterval(urlScheme(m_path).isEmpty() ? 5000 : serverPollMs());
        m_live.start(m_loader.projectForUpdates(), m_catalog.runs(), scanOptions());
        m_live.setPaused(m_pause->isChecked());
        m_liveLabel->show();
        m_pause->show();
        updateLiveLabel();
    }
    emit projectLoaded();
}

QTreeView* MainWindow::runTable() const {
    return m_table->view();
}

void MainWindow::updateDetails(bool valuesChanged) {
    const std::vector<const Run*> runs = m_table->selectedRuns();
    m_details->showRuns(runs, valuesChanged);
    if (runs.size() == 1) m_selection.setCurrent(runs.front()->id);
}

// How long a running run may log nothing before it shows as stale (docs/READING.md): a
// setting, 10 minutes unless changed in View ▸ Stale After.
qint64 MainWindow::staleAfterMs() {
    return qint64(QSettings().value(kStaleAfterKey, 10).toInt()) * 60'000;
}

void MainWindow::chooseStaleAfter() {
    bool ok = false;
    const int minutes = QInputDialog::getInt(
        this, tr("Stale After"),
        tr("Show a running run as stale after this many minutes with nothing logged:"),
        int(staleAfterMs() / 60'000), 1, 7 * 24 * 60, 1, &ok);
    if (!ok) return;
    QSettings().setValue(kStaleAfterKey, minutes);
    m_table->tableModel()->setStaleAfter(staleAfterMs());
    m_filterBar->setText(m_filterBar->lineEdit()->text());  // the filter, with the new period
}

// How often a tracking server is asked what changed: a setting, 5 s unless changed in
// View ▸ Server Poll Interval. A poll costs what the running runs cost (MlflowRestSource).
int MainWindow::serverPollMs() {
    return QSettings().value(kServerPollKey, 5).toInt() * 1000;
}

void MainWindow::chooseServerPoll() {
    bool ok = false;
    const int seconds = QInputDialog::getInt(
        this, tr("Server Poll Interval"),
        tr("Ask a tracking server for new runs and points every this many seconds:"),
        serverPollMs() / 1000, 1, 3600, 1, &ok);
    if (!ok) return;
    QSettings().setValue(kServerPollKey, seconds);
    if (!urlScheme(m_path).isEmpty()) m_live.watcher().setPollInterval(seconds * 1000);
}

// How much memory the charts' histories may keep (HistoryCache's byte budget): a setting,
// 256 MB unless changed in View ▸ History Memory. What the charts show is kept whatever it is.
qint64 MainWindow::historyMemoryBytes() {
    return qint64(QSettings().value(kHistoryMemoryKey, 256).toInt()) << 20;
}

void MainWindow::chooseHistoryMemory() {
    bool ok = false;
    const int mb = QInputDialog::getInt(
        this, tr("History Memory"),
        tr("Keep at most this many MB of metric histories for the charts (those shown are "
           "always kept; the least recently used others go first):"),
        int(historyMemoryBytes() >> 20), 16, 64 * 1024, 64, &ok);
    if (!ok) return;
    QSettings().setValue(kHistoryMemoryKey, mb);
    m_histories.setByteLimit(historyMemoryBytes());
}

// The index of what was read lives in the user's cache folder, never in the project.
ScanOptions MainWindow::scanOptions() {
    ScanOptions options;
    options.joinHparamsRuns = QSettings().value(kJoinHparamsKey, true).toBool();
    options.cacheDir = CacheFolder::path();
    return options;
}

void MainWindow::onLiveUpdate(std::shared_ptr<ScanDelta> delta) {
    m_histories.forget(delta->removed);
    m_histories.refresh(delta->runs);
    m_catalog.apply(std::move(*delta));
    if (m_selection.isBrushActive())
        m_selection.setBrushes(m_selection.brushes(), m_catalog.runs());
    updateStatus();
    updateLiveLabel();
}

void MainWindow::updateLiveLabel() {
    m_liveLabel->setToolTip(tr("RunLens follows the project while training writes to it"));
    if (m_live.isPaused()) {
        m_liveLabel->setText(tr("Paused"));
        return;
    }
    // A server out of reach: what was read stays, and it is asked again on every poll.
    if (const Unreachable away = m_live.unreachable(); away.since.isValid()) {
        m_liveLabel->setText(
            tr("○ Offline since %1").arg(away.since.time().toString(QStringLiteral("HH:mm"))));
        m_liveLabel->setToolTip(away.why + u'\n' + tr("RunLens keeps trying on every poll."));
        return;
    }
    const QDateTime changed = m_live.lastChange();
    m_liveLabel->setText(
        changed.isValid()
            ? tr("● Live · updated %1").arg(changed.time().toString(QStringLiteral("HH:mm:ss")))
            : tr("● Live"));
}

void MainWindow::updateStatus() {
    m_filterBar->setCount(m_table->visibleRunCount(), m_catalog.size());
    if (m_path.isEmpty()) {
        m_statusLabel->setText(tr(
            "Open a project folder or an mlflow.db with File ▸ Open (Ctrl+O), or drop it here."));
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
