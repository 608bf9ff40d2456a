#include "RunFilterProxy.h"

#include <cmath>

#include "RunTableModel.h"

namespace runlens {

RunFilterProxy::RunFilterProxy(const Catalog* catalog, QObject* parent)
    : QSortFilterProxyModel(parent), m_catalog(catalog) {
    setSortRole(RunTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void RunFilterProxy::setSourceModel(QAbstractItemModel* source) {
    QSortFilterProxyModel::setSourceModel(source);
    // Any change of the runs or of what a column shows invalidates the keys.
    auto stale = [this] { m_keyColumn = -1; };
    connect(source, &QAbstractItemModel::modelAboutToBeReset, this, stale);
    connect(source, &QAbstractItemModel::dataChanged, this, stale);
    connect(source, &QAbstractItemModel::headerDataChanged, this, stale);
    connect(source, &QAbstractItemModel::rowsInserted, this, stale);
}

// One layout change for the whole table: invalidateFilter() announces every block of rows that
// comes or goes on its own, and a filter keeping every other run of thousands makes hundreds
// of them (each regrouping the rows and restoring the selection: seconds).
void RunFilterProxy::setRunFilter(const RunFilter& filter) {
    m_filter = filter;
    invalidate();
}

void RunFilterProxy::setSelection(const RunSelection* selection) {
    m_selection = selection;
    connect(selection, &RunSelection::brushesChanged, this, &RunFilterProxy::invalidate);
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    if (sourceRow >= m_catalog->size()) return false;
    const Run& run = m_catalog->at(sourceRow);
    return m_filter.matches(run) && !(m_selection && m_selection->isBrushedOut(run.id));
}

void RunFilterProxy::buildKeys(int column) const {
    const QAbstractItemModel* source = sourceModel();
    const int rows = source->rowCount();
    m_keys.assign(size_t(rows), {});
    for (int row = 0; row < rows; ++row) {
        const QVariant v = source->index(row, column).data(sortRole());
        SortKey& key = m_keys[size_t(row)];
        if (!v.isValid()) continue;
        if (v.typeId() == QMetaType::QString) {
            key.text = v.toString();
            key.rank = key.text.isEmpty() ? 2 : 1;
        } else {
            key.number = v.toDouble();
            key.rank = std::isnan(key.number) ? 2 : 0;
        }
    }
    m_keyColumn = column;
}

bool RunFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    if (m_keyColumn != left.column() || m_keys.size() != size_t(sourceModel()->rowCount()))
        buildKeys(left.column());
    const SortKey& a = m_keys[size_t(left.row())];
    const SortKey& b = m_keys[size_t(right.row())];
    const bool descending = sortOrder() == Qt::DescendingOrder;
    if (a.rank != b.rank) {
        if (a.rank == 2 || b.rank == 2)
            return descending ? a.rank == 2 : b.rank == 2;  // missing last
        return a.rank < b.rank;                             // numbers before text
    }
    if (a.rank == 2) return false;
    if (a.rank == 0) return a.number < b.number;
    return QString::compare(a.text, b.text, Qt::CaseInsensitive) < 0;
}

}  // namespace runlens
