#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>
#include <functional>

#include "model/Catalog.h"
#include "model/RunActivity.h"
#include "model/RunColumn.h"
#include "model/RunSelection.h"

class QTimer;

namespace runlens {

// The run table over the Catalog, read in place (no per-view copies): fixed columns (name,
// experiment, source, status, start, duration), then one column per param, per metric and
// per tag (tags start hidden; the view decides). A metric column shows the latest value,
// its minimum or its maximum, chosen per column. The name column carries the run's colour
// swatch and its "shown in charts" checkbox, both kept in the shared RunSelection.
class RunTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum FixedColumn { Name, Experiment, SourceKind, Status, Start, Duration, kFixedColumns };
    using MetricStat = runlens::MetricStat;
    // Sort key for numbers-before-text, missing-last ordering.
    static constexpr int SortRole = Qt::UserRole + 1;
    // The number behind a cell (metrics, numeric params), for group aggregates; else invalid.
    static constexpr int NumberRole = Qt::UserRole + 2;
    // The exact text of a cell for copy and export (numberText), where the screen shows a
    // shortened number (shortNumberText); invalid where they are the same.
    static constexpr int ExactTextRole = Qt::UserRole + 3;
    // The run's id, and the id of the run it is nested under (empty for none), as text, on
    // every column. Nested are MLflow's child runs (mlflow.parentRunId), as the MLflow UI
    // shows them, and Neptune's forks under the run they forked; TensorBoard's runs in a run's
    // folder stay flat, as TensorBoard shows them (and their hparams sessions are where the
    // params are).
    static constexpr int RunIdRole = Qt::UserRole + 4;
    static constexpr int ParentIdRole = Qt::UserRole + 5;

    RunTableModel(const Catalog* catalog, RunSelection* selection, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

    // Each column's one name: the fixed ones are attributes (attributes.run_name, .experiment,
    // .source, .status, .start_time, .duration), then params, metrics and tags.
    ColumnRef columnRef(int column) const;
    int columnOf(const ColumnRef& column) const;  // -1 when there is none
    static bool isFixed(int column) { return column >= 0 && column < kFixedColumns; }
    void setMetricStat(int column, MetricStat stat);
    MetricStat metricStat(int column) const;
    // Every metric column's choice by key (Last left out), for a project's saved view.
    QVariantMap metricStats() const;
    void setMetricStats(const QVariantMap& stats);
    // True if the cells of `column` are not all the same over `rows` (source rows).
    bool columnVaries(int column, const QList<int>& rows) const;

    // Now, for the duration of running runs; a test sets it, otherwise the clock's.
    void setClock(std::function<qint64()> now) { m_now = std::move(now); }
    // How long a running run may log nothing before it shows as stale (model/RunActivity).
    void setStaleAfter(qint64 ms);

signals:
    // Columns were added or removed (new keys arrived): views re-apply their column state.
    void columnsRebuilt();

private:
    void rebuildColumns();
    bool hasNewKeys(const Run& run) const;
    QVariant cell(const Run& run, int column, int role) const;
    QVariant fixedCell(const Run& run, int column, int role) const;
    QVariant metricTip(const Run& run, const QString& key) const;
    QVariant headerLabel(int column) const;
    void findRunningRows();
    void noteRunning(int row);
    void updateTick();
    void tickRunning();

    const Catalog* m_catalog;
    RunSelection* m_selection;
    std::vector<ColumnRef> m_columns;
    QSet<QString> m_keys;                      // ColumnRef::key() of the columns there are
    QHash<QString, MetricStat> m_metricStats;  // by metric key; Last when absent
    QSet<QString> m_sharedNames;               // keys that name more than one kind of column ("lr")
    QList<int> m_runningRows;                  // their duration counts up, refreshed by m_tick
    QTimer* m_tick;
    std::function<qint64()> m_now;
    qint64 m_staleAfterMs = kStaleAfterMs;
};

}  // namespace runlens
