#pragma once

#include <QDialog>
#include <QWidget>

#include "ParallelView.h"
#include "ScatterView.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QListWidget;

namespace runlens {

// Chooses the axes of the parallel coordinates: a search box (projects have thousands of
// keys) over every param, metric and attribute, checked ones in their current order.
class AxesDialog : public QDialog {
    Q_OBJECT
public:
    AxesDialog(const std::vector<ColumnRef>& available, const std::vector<ColumnRef>& chosen,
               QWidget* parent = nullptr);
    std::vector<ColumnRef> chosen() const;
    QLineEdit* search() const { return m_search; }
    QListWidget* list() const { return m_list; }

private:
    QLineEdit* m_search;
    QListWidget* m_list;
    std::vector<ColumnRef> m_initial;
};

// The parallel coordinates with the scatter view beside them, and their controls: axes,
// colour by (run colours or any column through viridis, log option), clear brushes, export.
class ParallelPanel : public QWidget {
    Q_OBJECT
public:
    ParallelPanel(const Catalog* catalog, RunSelection* selection, QWidget* parent = nullptr);

    ParallelView* parallel() const { return m_parallel; }
    ScatterView* scatter() const { return m_scatter; }
    void chooseAxes();
    void setColourBy(const QString& key, bool log);
    QComboBox* colourBox() const { return m_colourBox; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void runsChanged();
    void fillColumnChoices();

    const Catalog* m_catalog;
    RunSelection* m_selection;
    ParallelView* m_parallel;
    ScatterView* m_scatter;
    QComboBox* m_colourBox;
    QCheckBox* m_colourLog;
    QComboBox* m_xBox;
    QComboBox* m_yBox;
    bool m_stale = false;  // runs changed while a hidden tab: taken when shown
};

}  // namespace runlens
