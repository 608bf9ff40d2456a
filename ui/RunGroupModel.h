#pragma once

#include <QAbstractItemModel>
#include <vector>

namespace runlens {

// Shows the filtered, sorted run table, or grouped by any column (experiment, source, a
// param, ...): each group a row with its run count and, in numeric columns, the mean and the
// min-max range of its runs; the runs beneath it in the table's sort order. Ungrouped, child
// runs sit under their parent run (RunTableModel::ParentIdRole: MLflow's nested runs), as the
// MLflow UI shows them; a child whose parent is filtered out stands alone.
class RunGroupModel : public QAbstractItemModel {
    Q_OBJECT
public:
    explicit RunGroupModel(QAbstractItemModel* runs, QObject* parent = nullptr);

    void setGroupColumn(int column);  // -1: not grouped
    // Ungrouped, child runs under their parent (the default), or every run on its own row.
    void setNestChildRuns(bool on);
    bool nestsChildRuns() const { return m_nestChildRuns; }
    int groupColumn() const { return m_groupColumn; }
    bool isGroup(const QModelIndex& index) const;
    // True if some run row has child runs beneath it.
    bool hasNestedRuns() const { return m_nested; }
    // The index in the run table for a run row; invalid for a group row.
    QModelIndex toRuns(const QModelIndex& index) const;
    QModelIndex fromRuns(const QModelIndex& runIndex) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    void sort(int column, Qt::SortOrder order) override;

private:
    // A top-level row: a group of runs (run < 0), or a run with its children beneath it.
    struct Entry {
        QString label;
        int run = -1;           // row of the run table, for a run
        std::vector<int> rows;  // rows of the run table beneath it
    };
    void rebuild();
    void groupByColumn();
    void nestChildRuns();
    void add(int entry, int row);
    QVariant groupData(const Entry& group, int column, int role) const;

    QAbstractItemModel* m_runs;
    int m_groupColumn = -1;
    bool m_nestChildRuns = true;
    bool m_nested = false;
    std::vector<Entry> m_entries;
    std::vector<int> m_entryOfRow;  // run-table row -> its top-level row
    std::vector<int> m_rowInEntry;  // -1 for the run of a top-level row itself
};

}  // namespace runlens
