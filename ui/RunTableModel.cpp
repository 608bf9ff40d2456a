#include "RunTableModel.h"

#include <QColor>
#include <QDateTime>
#include <QSet>
#include <cmath>

#include "export/RunExport.h"

namespace runlens {

RunTableModel::RunTableModel(const Catalog* catalog, RunSelection* selection, QObject* parent)
    : QAbstractTableModel(parent), m_catalog(catalog), m_selection(selection) {
    auto nameColumnChanged = [this] {
        if (rowCount() > 0)
            emit dataChanged(index(0, Name), index(rowCount() - 1, Name),
                             {Qt::CheckStateRole, Qt::DecorationRole});
    };
    connect(selection, &RunSelection::checkedChanged, this, nameColumnChanged);
    connect(selection, &RunSelection::colourChanged, this, nameColumnChanged);
    connect(catalog, &Catalog::aboutToReset, this, [this] { beginResetModel(); });
    connect(catalog, &Catalog::reset, this, [this] {
        rebuildColumns();
        endResetModel();
    });
    // The Catalog appends before it signals, so rows and perhaps new key columns arrive as
    // one reset; the run table issue replaces this with fine-grained inserts.
    connect(catalog, &Catalog::runsAppended, this, [this] {
        beginResetModel();
        rebuildColumns();
        endResetModel();
    });
    connect(catalog, &Catalog::runChanged, this,
            [this](int row) { emit dataChanged(index(row, 0), index(row, columnCount() - 1)); });
    rebuildColumns();
}

void RunTableModel::rebuildColumns() {
    QSet<QString> params, metrics;
    for (const Run& run : m_catalog->runs()) {
        for (auto it = run.params.keyBegin(); it != run.params.keyEnd(); ++it)
            params.insert(*it);
        for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it)
            metrics.insert(*it);
    }
    m_paramKeys = QStringList(params.begin(), params.end());
    m_metricKeys = QStringList(metrics.begin(), metrics.end());
    m_paramKeys.sort();
    m_metricKeys.sort();
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_catalog->size();
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(kFixedColumns + m_paramKeys.size() + m_metricKeys.size());
}

namespace {

QString durationText(const Run& run) {
    if (!run.startTimeMs || !run.endTimeMs) return {};
    const qint64 ms = *run.endTimeMs - *run.startTimeMs;
    if (ms < 1000) return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000) return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
    if (ms < 3'600'000) return QStringLiteral("%1 min").arg(ms / 60'000.0, 0, 'f', 1);
    return QStringLiteral("%1 h").arg(ms / 3'600'000.0, 0, 'f', 1);
}

}  // namespace

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_catalog->size()) return {};
    const Run& run = m_catalog->at(index.row());
    const int column = index.column();
    if (column == Name && role == Qt::CheckStateRole)
        return m_selection->isChecked(run.id) ? Qt::Checked : Qt::Unchecked;
    if (column == Name && role == Qt::DecorationRole)
        return QColor(QRgb(m_selection->colour(run.id)));
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole) return {};
    if (role == Qt::ToolTipRole) {
        if (column == Name && !run.problems.isEmpty()) return run.problems.join(u'\n');
        return {};
    }
    switch (column) {
        case Name:
            return run.name.isEmpty() ? run.nativeId : run.name;
        case Experiment:
            return run.experiment;
        case SourceKind:
            return run.sourceKind;
        case Status:
            return statusName(run.status);
        case Start:
            if (role == SortRole) return run.startTimeMs ? QVariant(*run.startTimeMs) : QVariant();
            return run.startTimeMs ? QDateTime::fromMSecsSinceEpoch(*run.startTimeMs)
                                         .toString(u"yyyy-MM-dd HH:mm:ss")
                                   : QString();
        case Duration:
            if (role == SortRole && run.startTimeMs && run.endTimeMs)
                return *run.endTimeMs - *run.startTimeMs;
            return durationText(run);
        default:
            break;
    }
    const int paramColumn = column - kFixedColumns;
    if (paramColumn < m_paramKeys.size()) {
        const auto it = run.params.find(m_paramKeys[paramColumn]);
        if (it == run.params.end()) return {};
        if (role == SortRole && it->isNumeric()) return it->toDouble();
        return it->text();
    }
    const int metricColumn = paramColumn - int(m_paramKeys.size());
    if (metricColumn < m_metricKeys.size()) {
        const auto it = run.metrics.find(m_metricKeys[metricColumn]);
        if (it == run.metrics.end()) return {};
        if (role == SortRole) return it->last;
        return numberText(it->last);
    }
    return {};
}

Qt::ItemFlags RunTableModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == Name) f |= Qt::ItemIsUserCheckable;
    return f;
}

bool RunTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || index.column() != Name || role != Qt::CheckStateRole) return false;
    m_selection->setChecked(m_catalog->at(index.row()).id, value.toInt() == Qt::Checked);
    return true;
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const kNames[] = {"Name",   "Experiment", "Source",
                                         "Status", "Start",      "Duration"};
    if (section < kFixedColumns) return tr(kNames[section]);
    const int paramColumn = section - kFixedColumns;
    if (paramColumn < m_paramKeys.size()) return m_paramKeys[paramColumn];
    const int metricColumn = paramColumn - int(m_paramKeys.size());
    if (metricColumn < m_metricKeys.size()) return m_metricKeys[metricColumn];
    return {};
}

}  // namespace runlens
