#pragma once

#include <QAbstractTableModel>
#include <QStringList>

#include "model/Catalog.h"
#include "model/RunSelection.h"

namespace runlens {

// The run table over the Catalog, read in place: fixed columns (name, experiment, source,
// status, start, duration), then one column per param and one per metric (latest value).
// The name column carries the run's colour swatch and its "shown in charts" checkbox,
// both kept in the shared RunSelection.
class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum FixedColumn { Name, Experiment, SourceKind, Status, Start, Duration, kFixedColumns };
    // Sort key for numbers-before-text, missing-last ordering.
    static constexpr int SortRole = Qt::UserRole + 1;

    RunTableModel(const Catalog* catalog, RunSelection* selection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

    const QStringList& paramKeys() const { return m_paramKeys; }
    const QStringList& metricKeys() const { return m_metricKeys; }

private:
    void rebuildColumns();

    const Catalog* m_catalog;
    RunSelection* m_selection;
    QStringList m_paramKeys;
    QStringList m_metricKeys;
};

}  // namespace runlens
