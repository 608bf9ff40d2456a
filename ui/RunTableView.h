#pragma once

#include <QSet>
#include <QWidget>
#include <vector>

#include "model/Catalog.h"
#include "model/RunSelection.h"
#include "query/RunFilter.h"

class QHeaderView;
class QTimer;
class QTreeView;

namespace runlens {

class FrozenColumns;
class RunFilterProxy;
class RunGroupModel;
class RunTableDelegate;
class RunTableModel;

// The run table as the user handles it: sorting, filtering, grouping rows by any column,
// choosing, hiding, pinning columns and a "differences only" switch, a last/min/max choice
// per metric column, child runs nested under their parent, copying selected cells as TSV, changing
// a run's colour, checking runs for the charts (their box, Space on the selection, the row menu).
class RunTableView : public QWidget {
    Q_OBJECT
public:
    RunTableView(const Catalog* catalog, RunSelection* selection, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    // The view over the main one that keeps the name and pinned columns in place while the
    // rest scrolls sideways; hidden while nothing is pinned.
    QTreeView* frozenView() const { return m_frozen; }
    RunTableModel* tableModel() const { return m_model; }
    RunGroupModel* groupModel() const { return m_groups; }

    void setRunFilter(const RunFilter& filter);
    int visibleRunCount() const;
    std::vector<const Run*> selectedRuns() const;

    void setGroupColumn(int column);  // -1 for none
    void setDifferencesOnly(bool on);
    // Child runs under their parent run (the default), or every run on a row of its own.
    void setNestChildRuns(bool on);
    bool nestsChildRuns() const;
    bool differencesOnly() const { return m_differencesOnly; }
    void setColumnHiddenByUser(int column, bool hidden);
    void pinColumn(int column);
    QStringList pinnedKeys() const;
    void chooseColumns();
    // A header line, then the selected rows (exact numbers), tab-separated.
    QString selectionAsTsv() const;
    // The table's layout by column id (kind and key), so it survives new or missing keys:
    // hidden/shown/pinned columns, order, widths, sort, grouping, nesting, differences only,
    // and each metric column's last/min/max choice.
    QVariantMap saveState() const;
    void restoreState(const QVariantMap& state);
    void copySelection() const;
    void selectRun(const RunId& id);
    void fitColumns();
    // The chart checkboxes: only the selected runs, every run the table shows, or none.
    void showOnlySelectedInCharts();
    void showAllInCharts();
    void hideAllFromCharts();
    void toggleCheckedOfSelection();
    // The name column's header box: checks every run the table shows, or unchecks them when
    // all are checked already.
    void toggleCheckedOfShown();

signals:
    void selectionChanged();
    void visibleRunsChanged();

private:
    void applyColumns();
    void expandRows();
    void rememberOpenParent(const QModelIndex& index, bool open);
    void fitGroupRows();
    void rememberUserChoice(int column, bool hidden);
    void showHeaderMenu(QHeaderView* header, const QPoint& pos);
    void showRowMenu(QTreeView* view, const QPoint& pos);
    QList<int> visibleSourceRows() const;
    void setUpFrozenView();
    void keepSelectionAcrossResets();
    QList<RunId> m_keptSelection;
    int m_keptScroll = 0;
    bool m_restorePending = false;
    void updateFrozenView();
    bool eventFilter(QObject* watched, QEvent* event) override;
    void updateHeaderCheck();
    std::vector<const Run*> selectedRunsWithFolded() const;
    bool isOnHeaderBox(const QHeaderView* header, const QPoint& pos) const;

    const Catalog* m_catalog;
    RunSelection* m_selection;
    RunTableModel* m_model;
    RunFilterProxy* m_proxy;
    RunGroupModel* m_groups;
    QTreeView* m_view;
    RunTableDelegate* m_delegate;
    FrozenColumns* m_frozenPane = nullptr;
    QTreeView* m_frozen = nullptr;
    QSet<QString> m_userHidden;  // "kind:key" of columns the user hid
    QSet<QString> m_userShown;   // tags the user showed (tags start hidden)
    QStringList m_pinned;        // "kind:key", in pin order
    bool m_differencesOnly = false;
    QSet<RunId> m_openParents;   // parent runs whose children the user opened
    QTimer* m_headerCheckTimer;  // the header box follows checks and the filter, once a burst
    bool m_headerBoxDrawn = false;
};

}  // namespace runlens
