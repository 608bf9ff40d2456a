#pragma once

#include <QSortFilterProxyModel>
#include <vector>

#include "model/Catalog.h"
#include "model/RunSelection.h"
#include "query/RunFilter.h"

namespace runlens {

// Filters the run table with the filter language and sorts it: numbers before text, and
// runs missing the value last whichever way the column is sorted. Sort keys are read once
// per column into plain arrays (not a QVariant per comparison), so 10,000 runs sort in
// milliseconds.
class RunFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    RunFilterProxy(const Catalog* catalog, QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* source) override;
    void setRunFilter(const RunFilter& filter);
    // Runs outside the parallel-coordinates brushes are filtered out too.
    void setSelection(const RunSelection* selection);
    const RunFilter& runFilter() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    struct SortKey {
        int rank = 2;  // numbers 0, text 1, missing 2
        double number = 0;
        QString text;
    };
    void buildKeys(int column) const;

    const Catalog* m_catalog;
    RunFilter m_filter;
    const RunSelection* m_selection = nullptr;
    mutable std::vector<SortKey> m_keys;  // by source row, for m_keyColumn
    mutable int m_keyColumn = -1;
};

}  // namespace runlens
