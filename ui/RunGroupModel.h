#pragma once

#include <QAbstractItemModel>
#include <vector>

namespace runlens {

// Shows the filtered, sorted run table flat, or grouped by any column (experiment, source,
// a param, ...): each group a row with its run count and, in numeric columns, the mean and
// the min-max range of its runs; the runs beneath it in the table's sort order.
class RunGroupModel : public QAbstractItemModel {
    Q_OBJECT
public:
    explicit RunGroupModel(QAbstractItemModel* runs, QObject* parent = nullptr);

    void setGroupColumn(int column);  // -1: not grouped
    int groupColumn() const { return m_groupColumn; }
    bool isGroup(const QModelIndex& index) const;
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
    struct Group {
        QString label;
        std::vector<int> rows;  // rows of the run table
    };
    void rebuild();
    QVariant groupData(const Group& group, int column, int role) const;

    QAbstractItemModel* m_runs;
    int m_groupColumn = -1;
    std::vector<Group> m_groups;
    std::vector<int> m_groupOfRow;  // run-table row -> group, -1 when flat
    std::vector<int> m_rowInGroup;
};

}  // namespace runlens
