#pragma once

#include <QMainWindow>

#include "model/Catalog.h"
#include "model/RunSelection.h"
#include "project/BackgroundLoader.h"
#include "project/HistoryCache.h"
#include "project/LiveProject.h"

class QDockWidget;
class QLabel;
class QMenu;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTreeView;

namespace runlens {

class ChartsPanel;
class ParallelPanel;
class WelcomePage;
class NoRunsPage;
class ProblemsPanel;
class DetailsPane;
class FilterBar;
class RunTableView;

// Wires the catalog, the loader and the views together; holds no logic of its own.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // A folder, a file, or a server's URL (a tracking server goes through the connect
    // dialog, unseen unless it asks for a login or a choice of experiments).
    void openPath(const QString& path);
    void connectToServer();  // File ▸ Connect to MLflow Server…
    // The project opened last, if the "reopen at start" setting is on and it still exists.
    static QString projectToReopen();

    const Catalog& catalog() const { return m_catalog; }
    RunSelection& selection() { return m_selection; }
    QTreeView* runTable() const;
    RunTableView* runTableView() const { return m_table; }
    FilterBar* filterBar() const { return m_filterBar; }
    DetailsPane* details() const { return m_details; }
    ChartsPanel* charts() const { return m_charts; }
    ParallelPanel* parallel() const { return m_parallel; }
    QTabWidget* views() const { return m_views; }
    ProblemsPanel* problemsPanel() const { return m_problems; }
    LiveProject& live() { return m_live; }
    QLabel* liveLabel() const { return m_liveLabel; }
    QPushButton* pauseButton() const { return m_pause; }
    QStringList recentProjects() const;
    QStringList recentServers() const;
    WelcomePage* welcome() const { return m_welcome; }
    NoRunsPage* noRunsPage() const { return m_noRuns; }
    bool showsNoRuns() const;
    bool showsWelcome() const;
    void showAbout();

signals:
    void projectLoaded();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void openProject(const QString& path);
    static int serverPollMs();
    void chooseServerPoll();
    void chooseFolder();
    void chooseDatabase();
    void onLoaded(const QString& path, std::shared_ptr<ScanDelta> delta, bool cancelled);
    void updateStatus();
    void onLiveUpdate(std::shared_ptr<ScanDelta> delta);
    void updateLiveLabel();
    static ScanOptions scanOptions();
    static qint64 staleAfterMs();
    void chooseStaleAfter();
    void updateDetails();
    void rememberProject(const QString& path);
    void saveViewState();
    bool restoreViewState();  // false when this project has none saved
    static QString stateGroup(const QString& path);
    void rebuildRecentMenu();

    Catalog m_catalog;
    RunSelection m_selection;
    BackgroundLoader m_loader;
    RunTableView* m_table = nullptr;
    FilterBar* m_filterBar = nullptr;
    DetailsPane* m_details = nullptr;
    ChartsPanel* m_charts = nullptr;
    ParallelPanel* m_parallel = nullptr;
    QTabWidget* m_views = nullptr;
    WelcomePage* m_welcome = nullptr;
    NoRunsPage* m_noRuns = nullptr;
    QStackedWidget* m_pages = nullptr;
    ProblemsPanel* m_problems = nullptr;
    QDockWidget* m_problemsDock = nullptr;
    HistoryCache m_histories;
    LiveProject m_live;
    QLabel* m_liveLabel = nullptr;
    QPushButton* m_pause = nullptr;
    QLabel* m_statusLabel = nullptr;
    QPushButton* m_cancel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QString m_path;
};

}  // namespace runlens
