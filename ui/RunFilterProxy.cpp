#include "RunFilterProxy.h"

#include <cmath>

#include "RunTableModel.h"

namespace runlens {

RunFilterProxy::RunFilterProxy(const Catalog* catalog, QObject* parent)
    : QSortFilterProxyModel(parent), m_catalog(catalog) {
    setSortRole(RunTableModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void RunFilterProxy::setRunFilter(const RunFilter& filter) {
    m_filter = filter;
    invalidateFilter();
}

bool RunFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    return sourceRow < m_catalog->size() && m_filter.matches(m_catalog->at(sourceRow));
}

bool RunFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const QVariant a = left.data(sortRole());
    const QVariant b = right.data(sortRole());
    // Rank: numbers 0, text 1, missing 2; missing stays last in both orders.
    auto rank = [](const QVariant& v) {
        if (!v.isValid() || (v.typeId() == QMetaType::QString && v.toString().isEmpty())) return 2;
        if (v.typeId() == QMetaType::Double && std::isnan(v.toDouble())) return 2;
        return v.typeId() == QMetaType::QString ? 1 : 0;
    };
    const int ra = rank(a), rb = rank(b);
    const bool descending = sortOrder() == Qt::DescendingOrder;
    if (ra != rb) {
        if (ra == 2 || rb == 2) return descending ? ra == 2 : rb == 2;
        return ra < rb;
    }
    if (ra == 2) return false;
    if (ra == 0) return a.toDouble() < b.toDouble();
    return QString::compare(a.toString(), b.toString(), Qt::CaseInsensitive) < 0;
}

}  // namespace runlens
