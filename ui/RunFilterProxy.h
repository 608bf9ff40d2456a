#pragma once

#include <QSortFilterProxyModel>

#include "model/Catalog.h"
#include "query/RunFilter.h"

namespace runlens {

// Filters the run table with the filter language and sorts it: numbers before text, and
// runs missing the value last whichever way the column is sorted.
class RunFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    RunFilterProxy(const Catalog* catalog, QObject* parent = nullptr);

    void setRunFilter(const RunFilter& filter);
    const RunFilter& runFilter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    const Catalog* m_catalog;
    RunFilter m_filter;
};

}  // namespace runlens
