#include "RunTableModel.h"

#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QIcon>
#include <QPainter>
#include <QPixmap>
#include <QSet>
#include <QTimer>
#include <cmath>

#include "model/NumberText.h"
#include "model/RunActivity.h"

namespace runlens {

namespace {

bool isIntegerText(const QString& text) {
    for (qsizetype i = 0; i < text.size(); ++i)
        if (!(text[i].isDigit() || (i == 0 && (text[i] == u'-' || text[i] == u'+')))) return false;
    return !text.isEmpty();
}

// A running run without an end counts up to now; any other run without one has none.
std::optional<qint64> durationMs(const Run& run, qint64 now, qint64 staleAfterMs) {
    if (!run.startTimeMs) return std::nullopt;
    if (run.endTimeMs) return *run.endTimeMs - *run.startTimeMs;
    // A stale run stopped counting at its last write (model/RunActivity).
    if (isStale(run, now, staleAfterMs))
        return std::max<qint64>(0, *lastWriteMs(run) - *run.startTimeMs);
    if (run.status == RunStatus::Running) return std::max<qint64>(0, now - *run.startTimeMs);
    return std::nullopt;
}

QString durationText(std::optional<qint64> duration) {
    if (!duration) return {};
    const qint64 ms = *duration;
    if (ms < 1000) return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000) return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
    if (ms < 3'600'000) return QStringLiteral("%1 min").arg(ms / 60'000.0, 0, 'f', 1);
    return QStringLiteral("%1 h").arg(ms / 3'600'000.0, 0, 'f', 1);
}

// A small filled circle per status, made once; a stale run (running, gone quiet) gets an open
// ring in the running colour.
QIcon statusIcon(RunStatus status, bool stale = false) {
    static QHash<int, QIcon> cache;
    const int key = stale ? -1 : int(status);
    if (auto it = cache.find(key); it != cache.end()) return *it;
    static const QHash<int, QColor> colours = {
        {int(RunStatus::Running), QColor(0x1e88e5)},  {int(RunStatus::Scheduled), QColor(0x90caf9)},
        {int(RunStatus::Finished), QColor(0x43a047)}, {int(RunStatus::Failed), QColor(0xe53935)},
        {int(RunStatus::Killed), QColor(0xfb8c00)},   {int(RunStatus::Pruned), QColor(0x8e24aa)},
        {int(RunStatus::Unknown), QColor(0x9e9e9e)}};
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    if (stale) {
        painter.setPen(QPen(colours.value(int(RunStatus::Running)), 1.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(QRectF(1.75, 1.75, 8.5, 8.5));
    } else {
        painter.setPen(Qt::NoPen);
        painter.setBrush(colours.value(int(status)));
        painter.drawEllipse(QRectF(1, 1, 10, 10));
    }
    painter.end();
    return cache.insert(key, QIcon(pixmap)).value();
}

}  // namespace

RunTableModel::RunTableModel(const Catalog* catalog, RunSelection* selection, QObject* parent)
    : QAbstractTableModel(parent),
      m_catalog(catalog),
      m_selection(selection),
      m_tick(new QTimer(this)),
      m_now([] { return QDateTime::currentMSecsSinceEpoch(); }) {
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &RunTableModel::tickRunning);
    auto nameColumnChanged = [this] {
        if (rowCount() > 0)
            emit dataChanged(index(0, Name), index(rowCount() - 1, Name),
                             {Qt::CheckStateRole, Qt::DecorationRole});
    };
    connect(selection, &RunSelection::checkedChanged, this, nameColumnChanged);
    connect(selection, &RunSelection::colourChanged, this, nameColumnChanged);
    connect(selection, &RunSelection::hoveredChanged, this, nameColumnChanged);
    connect(catalog, &Catalog::aboutToReset, this, [this] { beginResetModel(); });
    connect(catalog, &Catalog::reset, this, [this] {
        rebuildColumns();
        endResetModel();
        emit columnsRebuilt();
    });
    // The Catalog appends before it signals, so rows and perhaps new key columns arrive as
    // one reset.
    connect(catalog, &Catalog::runsAppended, this, [this] {
        beginResetModel();
        rebuildColumns();
        endResetModel();
        emit columnsRebuilt();
    });
    connect(catalog, &Catalog::runChanged, this, [this](int row) {
        // A run that gained a key (a new metric while it trains) brings its column.
        if (hasNewKeys(m_catalog->at(row))) {
            beginResetModel();
            rebuildColumns();
            endResetModel();
            emit columnsRebuilt();
            return;
        }
        noteRunning(row);
        emit dataChanged(index(row, 0), index(row, columnCount() - 1));
    });
    rebuildColumns();
}

namespace {
bool countsUp(const Run& run) {
    return run.status == RunStatus::Running && run.startTimeMs && !run.endTimeMs;
}
}  // namespace

void RunTableModel::findRunningRows() {
    m_runningRows.clear();
    for (int row = 0; row < m_catalog->size(); ++row)
        if (countsUp(m_catalog->at(row))) m_runningRows << row;
    updateTick();
}

// One run changed (a live update): only its row is looked at, not the whole catalog.
void RunTableModel::noteRunning(int row) {
    const qsizetype at = m_runningRows.indexOf(row);
    const bool running = countsUp(m_catalog->at(row));
    if (running && at < 0) m_runningRows << row;
    if (!running && at >= 0) m_runningRows.removeAt(at);
    updateTick();
}

void RunTableModel::updateTick() {
    if (m_runningRows.isEmpty())
        m_tick->stop();
    else if (!m_tick->isActive())
        m_tick->start();
}

// Only the display changes: the sort keys stay, so a table sorted by duration does not
// re-sort (and move under the mouse) every second.
void RunTableModel::tickRunning() {
    for (int row : std::as_const(m_runningRows))
        emit dataChanged(index(row, Duration), index(row, Duration), {Qt::DisplayRole});
}

void RunTableModel::rebuildColumns() {
    QSet<QString> params, metrics, tags;
    for (const Run& run : m_catalog->runs()) {
        for (auto it = run.params.keyBegin(); it != run.params.keyEnd(); ++it)
            params.insert(*it);
        for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it)
            metrics.insert(*it);
        for (auto it = run.tags.keyBegin(); it != run.tags.keyEnd(); ++it)
            tags.insert(*it);
    }
    m_columns.clear();
    m_keys.clear();
    m_sharedNames.clear();
    for (const QString& k : std::as_const(params))
        if (metrics.contains(k) || tags.contains(k)) m_sharedNames.insert(k);
    for (const QString& k : std::as_const(metrics))
        if (tags.contains(k)) m_sharedNames.insert(k);
    findRunningRows();
    for (const char* name :
         {"run_name", "experiment", "source", "status", "start_time", "duration"})
        m_columns.push_back(ColumnRef::attribute(QString::fromLatin1(name)));
    for (const auto& [kind, keys] :
         {std::pair{ColumnRef::Kind::Param, &params}, std::pair{ColumnRef::Kind::Metric, &metrics},
          std::pair{ColumnRef::Kind::Tag, &tags}}) {
        QStringList sorted(keys->begin(), keys->end());
        sorted.sort();
        for (const QString& key : sorted) {
            m_columns.push_back({kind, key});
            m_keys.insert(m_columns.back().key());
        }
    }
}

bool RunTableModel::hasNewKeys(const Run& run) const {
    for (auto it = run.params.keyBegin(); it != run.params.keyEnd(); ++it)
        if (!m_keys.contains(ColumnRef::param(*it).key())) return true;
    for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it)
        if (!m_keys.contains(ColumnRef::metric(*it).key())) return true;
    for (auto it = run.tags.keyBegin(); it != run.tags.keyEnd(); ++it)
        if (!m_keys.contains(ColumnRef::tag(*it).key())) return true;
    return false;
}

int RunTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : m_catalog->size();
}

int RunTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_columns.size());
}

ColumnRef RunTableModel::columnRef(int column) const {
    return column >= 0 && column < columnCount() ? m_columns[size_t(column)] : ColumnRef();
}

int RunTableModel::columnOf(const ColumnRef& column) const {
    for (size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i] == column) return int(i);
    return -1;
}

void RunTableModel::setStaleAfter(qint64 ms) {
    if (ms == m_staleAfterMs) return;
    m_staleAfterMs = ms;
    if (rowCount() > 0) emit dataChanged(index(0, Status), index(rowCount() - 1, Duration));
}

void RunTableModel::setMetricStat(int column, MetricStat stat) {
    if (isFixed(column) || columnRef(column).kind != ColumnRef::Kind::Metric) return;
    m_metricStats.insert(columnRef(column).name, stat);
    emit headerDataChanged(Qt::Horizontal, column, column);
    if (rowCount() > 0) emit dataChanged(index(0, column), index(rowCount() - 1, column));
}

RunTableModel::MetricStat RunTableModel::metricStat(int column) const {
    return m_metricStats.value(columnRef(column).name, MetricStat::Last);
}

bool RunTableModel::columnVaries(int column, const QList<int>& rows) const {
    if (rows.size() < 2) return false;
    const QString first = cell(m_catalog->at(rows.first()), column, Qt::DisplayRole).toString();
    for (int row : rows)
        if (cell(m_catalog->at(row), column, Qt::DisplayRole).toString() != first) return true;
    return false;
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_catalog->size()) return {};
    return cell(m_catalog->at(index.row()), index.column(), role);
}

QVariant RunTableModel::fixedCell(const Run& run, int column, int role) const {
    if (column == Name && role == Qt::CheckStateRole)
        return m_selection->isChecked(run.id) ? Qt::Checked : Qt::Unchecked;
    if (column == Name && role == Qt::DecorationRole)
        return QColor(QRgb(m_selection->colour(run.id)));
    if (column == Status && role == Qt::DecorationRole)
        return statusIcon(run.status, isStale(run, m_now(), m_staleAfterMs));
    if (column == Status && role == Qt::ToolTipRole) {
        const QString note = staleNote(run, m_now(), m_staleAfterMs);
        return note.isEmpty() ? QVariant() : QVariant(note);
    }
    if (column == Name && role == Qt::FontRole && !m_selection->hovered().isEmpty() &&
        m_selection->hovered() == run.id) {
        QFont bold;
        bold.setBold(true);
        return bold;  // the run hovered in a chart
    }
    if (column == Name && role == Qt::ToolTipRole && !run.problems.isEmpty())
        return run.problems.join(u'\n');
    if (role != Qt::DisplayRole && role != SortRole) return {};
    switch (column) {
        case Name:
            return run.name.isEmpty() ? run.nativeId : run.name;
        case Experiment:
            return run.experiment;
        case SourceKind:
            return run.sourceKind;
        case Status:
            return shownStatusName(run, m_now(), m_staleAfterMs);
        case Start:
            if (role == SortRole)
                return run.startTimeMs ? QVariant(double(*run.startTimeMs)) : QVariant();
            return run.startTimeMs ? QDateTime::fromMSecsSinceEpoch(*run.startTimeMs)
                                         .toString(u"yyyy-MM-dd HH:mm:ss")
                                   : QString();
        case Duration: {
            const std::optional<qint64> ms = durationMs(run, m_now(), m_staleAfterMs);
            if (role == SortRole) return ms ? QVariant(double(*ms)) : QVariant();
            return durationText(ms);
        }
        default:
            return {};
    }
}

// Numbers show short (shortNumberText: 0.94, not 0.9400000000000001); the exact value is in
// the tooltip and ExactTextRole, for copy and export. Params keep the text the tracker wrote
// ("1e-05" stays), unless it is a long float spelling.
QVariant RunTableModel::cell(const Run& run, int column, int role) const {
    if (column < 0 || column >= columnCount()) return {};
    if (role == RunIdRole) return run.id.text();
    if (role == ParentIdRole)
        return run.sourceKind.startsWith(u"mlflow") || run.sourceKind.startsWith(u"neptune")
                   ? run.parentId.text()
                   : QString();
    if (isFixed(column)) return fixedCell(run, column, role);
    const ColumnRef& c = m_columns[size_t(column)];
    if (c.kind == ColumnRef::Kind::Metric && role == Qt::ToolTipRole) return metricTip(run, c.name);
    const CellValue v = cellValue(run, c, m_metricStats.value(c.name, MetricStat::Last));
    if (v.kind == CellValue::Kind::Missing) return {};
    if (v.kind == CellValue::Kind::Text) {
        if (role == Qt::DisplayRole || role == SortRole) return v.text;
        // Long texts are elided in the cell; the tooltip shows them whole.
        if (role == Qt::ToolTipRole && v.text.size() > 24) return v.text.left(2000);
        return {};
    }
    // A param keeps the text the tracker wrote ("1e-05" stays) unless it is a long float
    // spelling; a metric is a number, shown short.
    const bool longText = v.text.size() > 12 && !isIntegerText(v.text);
    const bool shortened = c.kind != ColumnRef::Kind::Param || longText;
    switch (role) {
        case SortRole:
        case NumberRole:
            return v.number;
        case Qt::DisplayRole:
            return shortened ? shortNumberText(v.number) : v.text;
        case ExactTextRole:
            return v.text;
        case Qt::ToolTipRole:
            return longText ? QVariant(v.text.left(2000)) : QVariant();
        default:
            return {};
    }
}

QVariant RunTableModel::metricTip(const Run& run, const QString& key) const {
    const auto it = run.metrics.find(key);
    if (it == run.metrics.end()) return {};
    if (!it->hasStats) return tr("last %1 at step %2").arg(numberText(it->last)).arg(it->step);
    return tr("last %1 at step %2\nmin %3, max %4, %5 points")
        .arg(numberText(it->last))
        .arg(it->step)
        .arg(numberText(it->min), numberText(it->max))
        .arg(it->count);
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
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
    if (isFixed(section)) {
        static const char* const kNames[] = {"Name",   "Experiment", "Source",
                                             "Status", "Start",      "Duration"};
        return role == Qt::DisplayRole ? QVariant(tr(kNames[section])) : QVariant();
    }
    if (role == Qt::DisplayRole) return headerLabel(section);
    if (role != Qt::ToolTipRole) return {};
    const ColumnRef& c = m_columns[size_t(section)];
    const QString shared = m_sharedNames.contains(c.name)
                               ? tr("\nAnother kind of column has the same name; in the filter "
                                    "write params.%1, metrics.%1 or tags.%1.")
                                     .arg(c.name)
                               : QString();
    switch (c.kind) {
        case ColumnRef::Kind::Param:
            return tr("param %1").arg(c.name) + shared;
        case ColumnRef::Kind::Metric:
            return tr("metric %1 (right-click: last, min or max)").arg(c.name) + shared;
        case ColumnRef::Kind::Tag:
            return tr("tag %1").arg(c.name) + shared;
        default:
            return {};
    }
}

// A key that names a param and a metric (or a tag) says which one each column is: "lr (param)"
// beside "lr (metric)"; other keys stay bare.
QVariant RunTableModel::headerLabel(int column) const {
    const ColumnRef& c = m_columns[size_t(column)];
    QStringList notes;
    if (m_sharedNames.contains(c.name))
        notes << (c.kind == ColumnRef::Kind::Param    ? tr("param")
                  : c.kind == ColumnRef::Kind::Metric ? tr("metric")
                                                      : tr("tag"));
    if (c.kind == ColumnRef::Kind::Metric) {
        const MetricStat stat = m_metricStats.value(c.name, MetricStat::Last);
        if (stat == MetricStat::Min) notes << tr("min");
        if (stat == MetricStat::Max) notes << tr("max");
    }
    return notes.isEmpty()
               ? c.name
               : c.name + QStringLiteral(" (") + notes.join(QStringLiteral(", ")) + u')';
}

QVariantMap RunTableModel::metricStats() const {
    QVariantMap stats;
    for (auto it = m_metricStats.begin(); it != m_metricStats.end(); ++it)
        if (*it != MetricStat::Last) stats[it.key()] = int(*it);
    return stats;
}

void RunTableModel::setMetricStats(const QVariantMap& stats) {
    m_metricStats.clear();
    for (auto it = stats.begin(); it != stats.end(); ++it)
        m_metricStats.insert(it.key(), MetricStat(std::clamp(it.value().toInt(), 0, 2)));
    emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    if (rowCount() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

}  // namespace runlens
