#include "RunGroupModel.h"

#include <QFont>
#include <QHash>
#include <cmath>

#include "RunTableModel.h"
#include "analysis/Aggregate.h"
#include "model/NumberText.h"

namespace runlens {

// Internal ids: 0 for top-level rows (groups, or runs); e + 1 for the rows beneath entry e.
RunGroupModel::RunGroupModel(QAbstractItemModel* runs, QObject* parent)
    : QAbstractItemModel(parent), m_runs(runs) {
    auto reset = [this] {
        beginResetModel();
        rebuild();
        endResetModel();
    };
    connect(runs, &QAbstractItemModel::modelReset, this, reset);
    connect(runs, &QAbstractItemModel::layoutChanged, this, reset);
    connect(runs, &QAbstractItemModel::rowsInserted, this, reset);
    connect(runs, &QAbstractItemModel::rowsRemoved, this, reset);
    connect(runs, &QAbstractItemModel::columnsInserted, this, reset);
    connect(runs, &QAbstractItemModel::columnsRemoved, this, reset);
    connect(runs, &QAbstractItemModel::headerDataChanged, this, &RunGroupModel::headerDataChanged);
    connect(runs, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& from, const QModelIndex& to, const QList<int>& roles) {
                if (m_groupColumn >= from.column() && m_groupColumn <= to.column()) {
                    beginResetModel();
                    rebuild();
                    endResetModel();
                    return;
                }
                for (int row = from.row(); row <= to.row(); ++row) {
                    const QModelIndex a = fromRuns(m_runs->index(row, from.column()));
                    const QModelIndex b = fromRuns(m_runs->index(row, to.column()));
                    if (a.isValid()) emit dataChanged(a, b, roles);
                }
            });
    rebuild();
}

void RunGroupModel::setGroupColumn(int column) {
    beginResetModel();
    m_groupColumn = column;
    rebuild();
    endResetModel();
}

void RunGroupModel::setNestChildRuns(bool on) {
    beginResetModel();
    m_nestChildRuns = on;
    rebuild();
    endResetModel();
}

void RunGroupModel::rebuild() {
    m_entries.clear();
    m_nested = false;
    const int rows = m_runs->rowCount();
    m_entryOfRow.assign(size_t(rows), -1);
    m_rowInEntry.assign(size_t(rows), -1);
    if (m_groupColumn >= 0 && m_groupColumn < m_runs->columnCount())
        groupByColumn();
    else
        nestChildRuns();
}

void RunGroupModel::add(int entry, int row) {
    Entry& e = m_entries[size_t(entry)];
    m_entryOfRow[size_t(row)] = entry;
    m_rowInEntry[size_t(row)] = int(e.rows.size());
    e.rows.push_back(row);
}

void RunGroupModel::groupByColumn() {
    QHash<QString, int> byLabel;
    for (int row = 0; row < m_runs->rowCount(); ++row) {
        const QString label = m_runs->index(row, m_groupColumn).data(Qt::DisplayRole).toString();
        auto it = byLabel.find(label);
        if (it == byLabel.end()) {
            it = byLabel.insert(label, int(m_entries.size()));
            m_entries.push_back({label, -1, {}});
        }
        add(*it, row);
    }
}

// Each run under the top-most of its ancestors the table shows (grandchildren too, one level
// deep, in the table's order).
void RunGroupModel::nestChildRuns() {
    const int rows = m_runs->rowCount();
    std::vector<QString> parents(static_cast<size_t>(rows));
    bool anyParent = false;
    for (int row = 0; row < rows && m_nestChildRuns; ++row) {
        parents[size_t(row)] = m_runs->index(row, 0).data(RunTableModel::ParentIdRole).toString();
        anyParent = anyParent || !parents[size_t(row)].isEmpty();
    }
    QHash<QString, int> rowOfId;
    if (anyParent)
        for (int row = 0; row < rows; ++row)
            rowOfId.insert(m_runs->index(row, 0).data(RunTableModel::RunIdRole).toString(), row);
    std::vector<int> rootOf(static_cast<size_t>(rows));
    for (int row = 0; row < rows; ++row) {
        int root = row;
        for (int steps = 0; !parents[size_t(root)].isEmpty(); ++steps) {
            const int up = rowOfId.value(parents[size_t(root)], -1);
            if (up < 0) break;  // the parent is not shown: `root` is the top
            if (up == row || steps > 64) {
                root = row;  // a cycle in damaged data: the run stands alone
                break;
            }
            root = up;
        }
        rootOf[size_t(row)] = root;
    }
    for (int row = 0; row < rows; ++row)
        if (rootOf[size_t(row)] == row) {
            m_entryOfRow[size_t(row)] = int(m_entries.size());
            m_entries.push_back({{}, row, {}});
        }
    for (int row = 0; row < rows; ++row)
        if (rootOf[size_t(row)] != row) {
            add(m_entryOfRow[size_t(rootOf[size_t(row)])], row);
            m_nested = true;
        }
}

bool RunGroupModel::isGroup(const QModelIndex& index) const {
    return index.isValid() && index.internalId() == 0 && m_entries[size_t(index.row())].run < 0;
}

QModelIndex RunGroupModel::toRuns(const QModelIndex& index) const {
    if (!index.isValid() || isGroup(index)) return {};
    if (index.internalId() == 0)
        return m_runs->index(m_entries[size_t(index.row())].run, index.column());
    const Entry& entry = m_entries[size_t(index.internalId() - 1)];
    return m_runs->index(entry.rows[size_t(index.row())], index.column());
}

QModelIndex RunGroupModel::fromRuns(const QModelIndex& runIndex) const {
    if (!runIndex.isValid()) return {};
    const size_t row = size_t(runIndex.row());
    if (row >= m_entryOfRow.size()) return {};
    if (m_rowInEntry[row] < 0)
        return createIndex(m_entryOfRow[row], runIndex.column(), quintptr(0));
    return createIndex(m_rowInEntry[row], runIndex.column(), quintptr(m_entryOfRow[row] + 1));
}

QModelIndex RunGroupModel::index(int row, int column, const QModelIndex& parent) const {
    if (row < 0 || column < 0 || column >= columnCount()) return {};
    if (!parent.isValid())
        return row < rowCount() ? createIndex(row, column, quintptr(0)) : QModelIndex();
    if (parent.internalId() != 0 || row >= int(m_entries[size_t(parent.row())].rows.size()))
        return {};
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex RunGroupModel::parent(const QModelIndex& child) const {
    if (!child.isValid() || child.internalId() == 0) return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int RunGroupModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) return int(m_entries.size());
    if (parent.column() != 0 || parent.internalId() != 0) return 0;
    return int(m_entries[size_t(parent.row())].rows.size());
}

int RunGroupModel::columnCount(const QModelIndex&) const {
    return m_runs->columnCount();
}

QVariant RunGroupModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    if (isGroup(index)) return groupData(m_entries[size_t(index.row())], index.column(), role);
    return toRuns(index).data(role);
}

QVariant RunGroupModel::groupData(const Entry& group, int column, int role) const {
    if (column == 0) {
        if (role == Qt::DisplayRole) {
            const QString label = group.label.isEmpty() ? tr("(none)") : group.label;
            return group.rows.size() == 1 ? tr("%1  (1 run)").arg(label)
                                          : tr("%1  (%2 runs)").arg(label).arg(group.rows.size());
        }
        if (role == Qt::FontRole) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != RunTableModel::SortRole &&
        role != RunTableModel::ExactTextRole)
        return {};
    Aggregate aggregate;
    for (int row : group.rows) {
        const QVariant v = m_runs->index(row, column).data(RunTableModel::NumberRole);
        if (v.isValid()) aggregate.add(v.toDouble());
    }
    if (aggregate.count == 0) {
        // A column all the group's runs agree on shows that value.
        const QString first = m_runs->index(group.rows.front(), column).data().toString();
        for (int row : group.rows)
            if (m_runs->index(row, column).data().toString() != first) return {};
        return role == Qt::DisplayRole ? QVariant(first) : QVariant();
    }
    if (role == RunTableModel::SortRole) return aggregate.mean();
    if (role == Qt::ToolTipRole)
        return tr("mean %1, min %2, max %3 over %4 runs")
            .arg(numberText(aggregate.mean()), numberText(aggregate.min), numberText(aggregate.max))
            .arg(aggregate.count);
    // On screen short (0.92  [0.9 – 0.94]); copied exact.
    QString (*text)(double) = [](double v) { return numberText(v); };
    if (role == Qt::DisplayRole) text = [](double v) { return shortNumberText(v); };
    if (aggregate.count == 1 || aggregate.min == aggregate.max) return text(aggregate.mean());
    return QStringLiteral("%1  [%2 – %3]")
        .arg(text(aggregate.mean()), text(aggregate.min), text(aggregate.max));
}

bool RunGroupModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    const QModelIndex target = toRuns(index);
    return target.isValid() && m_runs->setData(target, value, role);
}

QVariant RunGroupModel::headerData(int section, Qt::Orientation orientation, int role) const {
    return m_runs->headerData(section, orientation, role);
}

Qt::ItemFlags RunGroupModel::flags(const QModelIndex& index) const {
    if (isGroup(index)) return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const QModelIndex target = toRuns(index);
    if (!target.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags flags = m_runs->flags(target);  // a table's: "never has children"
    if (index.internalId() == 0 && !m_entries[size_t(index.row())].rows.empty())
        flags &= ~Qt::ItemNeverHasChildren;
    return flags;
}

void RunGroupModel::sort(int column, Qt::SortOrder order) {
    m_runs->sort(column, order);
}

}  // namespace runlens
