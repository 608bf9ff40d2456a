#pragma once

#include <QMainWindow>

#include "model/Catalog.h"
#include "project/BackgroundLoader.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace runlens {

class RunTableModel;

// Wires the catalog, the loader and the views together; holds no logic of its own.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    void openPath(const QString& path);
    const Catalog& catalog() const { return m_catalog; }
    QTableView* runTable() const { return m_table; }

signals:
    void projectLoaded();

private:
    void createMenus();
    void onLoaded(const QString& path, std::shared_ptr<ScanDelta> delta, bool cancelled);
    void updateStatus();

    Catalog m_catalog;
    BackgroundLoader m_loader;
    RunTableModel* m_model = nullptr;
    QSortFilterProxyModel* m_sorted = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_statusLabel = nullptr;
    QString m_path;
};

}  // namespace runlens
