#include "RunTableView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QColorDialog>
#include <QEvent>
#include <QFontMetrics>
#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStyle>
#include <QStyleOptionButton>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>

#include "ColumnChooser.h"
#include "FrozenColumns.h"
#include "RunFilterProxy.h"
#include "RunGroupModel.h"
#include "RunTableDelegate.h"
#include "RunTableModel.h"

namespace runlens {

namespace {

// A column's name in saved view state: its ColumnRef key ("params.lr").
QString columnId(const RunTableModel* model, int column) {
    return model->columnRef(column).key();
}

// Saved state before ColumnRef named columns "<kind>:<key>" (0 fixed by header text, 1 param,
// 2 metric, 3 tag): read once in that form, written back in the new one.
QString savedColumnId(const QString& id) {
    static const QRegularExpression kOld(QStringLiteral("^([0-3]):(.*)$"),
                                         QRegularExpression::DotMatchesEverythingOption);
    const QRegularExpressionMatch m = kOld.match(id);
    if (!m.hasMatch()) return id;
    const QString key = m.captured(2);
    switch (m.captured(1).toInt()) {
        case 1:
            return ColumnRef::param(key).key();
        case 2:
            return ColumnRef::metric(key).key();
        case 3:
            return ColumnRef::tag(key).key();
        default: {
            static const QHash<QString, QString> kFixed = {
                {QStringLiteral("Name"), QStringLiteral("run_name")},
                {QStringLiteral("Experiment"), QStringLiteral("experiment")},
                {QStringLiteral("Source"), QStringLiteral("source")},
                {QStringLiteral("Status"), QStringLiteral("status")},
                {QStringLiteral("Start"), QStringLiteral("start_time")},
                {QStringLiteral("Duration"), QStringLiteral("duration")}};
            return ColumnRef::attribute(kFixed.value(key, key)).key();
        }
    }
}

QStringList savedColumnIds(const QVariant& ids) {
    QStringList out;
    for (const QString& id : ids.toStringList())
        out << savedColumnId(id);
    return out;
}

}  // namespace

RunTableView::RunTableView(const Catalog* catalog, RunSelection* selection, QWidget* parent)
    : QWidget(parent), m_catalog(catalog), m_selection(selection) {
    m_model = new RunTableModel(catalog, selection, this);
    m_proxy = new RunFilterProxy(catalog, this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSelection(selection);
    m_groups = new RunGroupModel(m_proxy, this);

    m_view = new QTreeView(this);
    m_view->setModel(m_groups);
    m_delegate = new RunTableDelegate(m_view);
    m_view->setItemDelegate(m_delegate);
    m_view->setRootIsDecorated(false);
    m_view->setItemsExpandable(true);
    m_view->setUniformRowHeights(true);
    m_view->setSortingEnabled(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAllColumnsShowFocus(true);
    m_view->setWordWrap(false);
    m_view->header()->setSectionsMovable(true);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setDefaultSectionSize(110);
    m_view->header()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    auto* copy = new QAction(tr("Copy"), this);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copy, &QAction::triggered, this, &RunTableView::copySelection);
    addAction(copy);

    connect(m_view->header(), &QHeaderView::customContextMenuRequested, this,
            [this](const QPoint& pos) { showHeaderMenu(m_view->header(), pos); });
    connect(m_view, &QTreeView::customContextMenuRequested, this,
            [this](const QPoint& pos) { showRowMenu(m_view, pos); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunTableView::selectionChanged);
    connect(m_model, &RunTableModel::columnsRebuilt, this, &RunTableView::applyColumns);
    connect(m_view, &QTreeView::expanded, this,
            [this](const QModelIndex& index) { rememberOpenParent(index, true); });
    connect(m_view, &QTreeView::collapsed, this,
            [this](const QModelIndex& index) { rememberOpenParent(index, false); });
    connect(selection, &RunSelection::brushesChanged, this, &RunTableView::visibleRunsChanged);
    // A run made current elsewhere (a click in the parallel coordinates) is selected here.
    connect(selection, &RunSelection::currentChanged, this, &RunTableView::selectRun);
    m_view->sortByColumn(RunTableModel::Start, Qt::DescendingOrder);
    setUpFrozenView();
    keepSelectionAcrossResets();

    m_headerCheckTimer = new QTimer(this);
    m_headerCheckTimer->setSingleShot(true);
    m_headerCheckTimer->setInterval(0);
    connect(m_headerCheckTimer, &QTimer::timeout, this, &RunTableView::updateHeaderCheck);
    auto headerCheckLater = [this] { m_headerCheckTimer->start(); };
    connect(selection, &RunSelection::checkedChanged, this, headerCheckLater);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, headerCheckLater);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, headerCheckLater);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, headerCheckLater);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, headerCheckLater);
    m_view->header()->viewport()->installEventFilter(this);
    m_frozen->header()->viewport()->installEventFilter(this);
    updateHeaderCheck();
}

// After the frozen view is set up: its own reset clears the shared selection, so the
// selection is put back after it.
void RunTableView::keepSelectionAcrossResets() {
    // Runs added or removed (a live update) and re-sorting rebuild the grouping model: the
    // selection and the scroll position stay where the user left them. They are noted while
    // the sorted model still maps rows (before it changes) and put back after every rebuild
    // of this turn of the event loop.
    auto keep = [this] {
        if (m_restorePending) return;
        m_keptSelection.clear();
        for (const Run* run : selectedRuns())
            m_keptSelection << run->id;
        m_keptScroll = m_view->verticalScrollBar()->value();
        m_restorePending = true;
        QTimer::singleShot(0, this, [this] { m_restorePending = false; });
    };
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this, keep);
    connect(m_proxy, &QAbstractItemModel::layoutAboutToBeChanged, this, keep);
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeInserted, this, keep);
    connect(m_proxy, &QAbstractItemModel::rowsAboutToBeRemoved, this, keep);
    connect(m_groups, &QAbstractItemModel::modelAboutToBeReset, this, keep);  // nesting on/off
    connect(m_groups, &QAbstractItemModel::modelReset, this, [this] {
        expandRows();
        if (m_restorePending) {
            // Rows side by side make one range: thousands of one-row ranges make every
            // selection test (each painted cell, each selectedRows()) walk them all.
            QHash<QPersistentModelIndex, QList<int>> rowsByParent;
            for (const RunId& id : std::as_const(m_keptSelection)) {
                const int row = m_catalog->indexOf(id);
                if (row < 0) continue;
                const QModelIndex index =
                    m_groups->fromRuns(m_proxy->mapFromSource(m_model->index(row, 0)));
                if (index.isValid()) rowsByParent[index.parent()] << index.row();
            }
            QItemSelection selection;
            for (auto it = rowsByParent.begin(); it != rowsByParent.end(); ++it) {
                QList<int>& rows = *it;
                std::sort(rows.begin(), rows.end());
                for (qsizetype i = 0; i < rows.size();) {
                    qsizetype j = i;
                    while (j + 1 < rows.size() && rows[j + 1] <= rows[j] + 1)
                        ++j;
                    selection.select(m_groups->index(rows[i], 0, it.key()),
                                     m_groups->index(rows[j], 0, it.key()));
                    i = j + 1;
                }
            }
            if (!selection.isEmpty())
                m_view->selectionModel()->select(
                    selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_view->verticalScrollBar()->setValue(m_keptScroll);
        }
        emit selectionChanged();
    });
}

void RunTableView::setUpFrozenView() {
    m_frozenPane = new FrozenColumns(m_view, m_delegate);
    m_frozen = m_frozenPane->view();
    connect(m_frozen, &QTreeView::customContextMenuRequested, this,
            [this](const QPoint& pos) { showRowMenu(m_frozen, pos); });
    connect(m_frozen->header(), &QHeaderView::customContextMenuRequested, this,
            [this](const QPoint& pos) { showHeaderMenu(m_frozen->header(), pos); });
    m_view->installEventFilter(this);
}

void RunTableView::updateFrozenView() {
    QList<int> frozenColumns{RunTableModel::Name};
    for (int c = 0; c < m_model->columnCount(); ++c)
        if (m_pinned.contains(columnId(m_model, c)) && !m_view->isColumnHidden(c))
            frozenColumns << c;
    std::sort(frozenColumns.begin() + 1, frozenColumns.end(), [this](int a, int b) {
        return m_view->header()->visualIndex(a) < m_view->header()->visualIndex(b);
    });
    m_frozenPane->setColumns(frozenColumns);
}

// Space checks every selected run for the charts (with those folded under a selected row), or
// unchecks them all when all are checked (a mixed selection becomes all checked, as in mail
// clients). A click on the name column's header box checks every run shown (not a sort).
bool RunTableView::eventFilter(QObject* watched, QEvent* event) {
    if ((event->type() == QEvent::MouseButtonPress ||
         event->type() == QEvent::MouseButtonDblClick) &&
        static_cast<QMouseEvent*>(event)->button() == Qt::LeftButton) {
        for (const QHeaderView* header : {m_view->header(), m_frozen->header()})
            if (watched == header->viewport() &&
                isOnHeaderBox(header, static_cast<QMouseEvent*>(event)->position().toPoint())) {
                if (event->type() == QEvent::MouseButtonPress) toggleCheckedOfShown();
                return true;
            }
    }
    if (watched == m_view && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Space &&
        static_cast<QKeyEvent*>(event)->modifiers() == Qt::NoModifier) {
        toggleCheckedOfSelection();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

// The selected runs and those folded under a selected row (a collapsed group or parent run):
// Ctrl+A selects the rows on screen, and the runs folded away are part of what was selected.
std::vector<const Run*> RunTableView::selectedRunsWithFolded() const {
    std::vector<const Run*> runs = selectedRuns();
    QSet<const Run*> seen(runs.begin(), runs.end());
    std::function<void(const QModelIndex&)> addFolded = [&](const QModelIndex& parent) {
        for (int r = 0; r < m_groups->rowCount(parent); ++r) {
            const QModelIndex child = m_groups->index(r, 0, parent);
            const QModelIndex proxyIndex = m_groups->toRuns(child);
            if (proxyIndex.isValid()) {
                const Run* run = &m_catalog->at(m_proxy->mapToSource(proxyIndex).row());
                if (!seen.contains(run)) seen.insert(run), runs.push_back(run);
            }
            addFolded(child);
        }
    };
    for (const QItemSelectionRange& range : m_view->selectionModel()->selection())
        for (int r = range.top(); r <= range.bottom(); ++r) {
            const QModelIndex row = m_groups->index(r, 0, range.parent());
            if (m_groups->hasChildren(row) && !m_view->isExpanded(row)) addFolded(row);
        }
    return runs;
}

void RunTableView::toggleCheckedOfSelection() {
    const std::vector<const Run*> runs = selectedRunsWithFolded();
    if (runs.empty()) return;
    const bool allChecked = std::all_of(runs.begin(), runs.end(), [this](const Run* run) {
        return m_selection->isChecked(run->id);
    });
    QSet<RunId> checked = m_selection->checked();
    for (const Run* run : runs) {
        if (allChecked)
            checked.remove(run->id);
        else
            checked.insert(run->id);
    }
    m_selection->setCheckedRuns(checked);
}

void RunTableView::toggleCheckedOfShown() {
    const QList<int> rows = visibleSourceRows();
    const bool allChecked = !rows.isEmpty() && std::all_of(rows.begin(), rows.end(), [&](int row) {
        return m_selection->isChecked(m_catalog->at(row).id);
    });
    QSet<RunId> checked = m_selection->checked();
    for (int row : rows) {
        if (allChecked)
            checked.remove(m_catalog->at(row).id);
        else
            checked.insert(m_catalog->at(row).id);
    }
    m_selection->setCheckedRuns(checked);
}

// The box in the name column's header: checked when every run shown is, partly when some are.
void RunTableView::updateHeaderCheck() {
    const QList<int> rows = visibleSourceRows();
    qsizetype checked = 0;
    for (int row : rows)
        if (m_selection->isChecked(m_catalog->at(row).id)) ++checked;
    const Qt::CheckState state = checked == 0             ? Qt::Unchecked
                                 : checked == rows.size() ? Qt::Checked
                                                          : Qt::PartiallyChecked;
    if (state == m_model->headerCheck() && m_headerBoxDrawn) return;
    m_headerBoxDrawn = true;
    QStyle* style = m_view->style();
    QStyleOptionButton box;
    box.initFrom(m_view->header());
    const int w = style->pixelMetric(QStyle::PM_IndicatorWidth, &box, m_view);
    const int h = style->pixelMetric(QStyle::PM_IndicatorHeight, &box, m_view);
    box.rect = QRect(0, 0, w, h);
    box.state = QStyle::State_Enabled | (state == Qt::Checked     ? QStyle::State_On
                                         : state == Qt::Unchecked ? QStyle::State_Off
                                                                  : QStyle::State_NoChange);
    const qreal dpr = m_view->devicePixelRatioF();
    QPixmap pixmap(QSize(w, h) * dpr);
    pixmap.setDevicePixelRatio(dpr);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    style->drawPrimitive(QStyle::PE_IndicatorCheckBox, &box, &painter, m_view);
    painter.end();
    m_model->setHeaderCheck(state, pixmap);
}

// The header draws its decoration first in the section, after the header's margin.
bool RunTableView::isOnHeaderBox(const QHeaderView* header, const QPoint& pos) const {
    if (header->logicalIndexAt(pos) != RunTableModel::Name) return false;
    const int margin = header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header);
    const int icon = header->style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, header);
    const int x = pos.x() - header->sectionViewportPosition(RunTableModel::Name);
    return x >= 0 && x < 2 * margin + icon;
}

void RunTableView::showOnlySelectedInCharts() {
    QSet<RunId> checked;
    for (const Run* run : selectedRuns())
        checked.insert(run->id);
    m_selection->setCheckedRuns(checked);
}

void RunTableView::showAllInCharts() {
    QSet<RunId> checked = m_selection->checked();
    for (int row : visibleSourceRows())
        checked.insert(m_catalog->at(row).id);
    m_selection->setCheckedRuns(checked);
}

void RunTableView::hideAllFromCharts() {
    m_selection->setCheckedRuns({});
}

void RunTableView::setRunFilter(const RunFilter& filter) {
    m_proxy->setRunFilter(filter);
    if (m_differencesOnly) applyColumns();
    emit visibleRunsChanged();
}

int RunTableView::visibleRunCount() const {
    return m_proxy->rowCount();
}

QList<int> RunTableView::visibleSourceRows() const {
    QList<int> rows;
    for (int r = 0; r < m_proxy->rowCount(); ++r)
        rows << m_proxy->mapToSource(m_proxy->index(r, 0)).row();
    return rows;
}

// Range by range (selectedRows() tests every row against every range: seconds for thousands).
std::vector<const Run*> RunTableView::selectedRuns() const {
    std::vector<const Run*> runs;
    QSet<int> seen;
    for (const QItemSelectionRange& range : m_view->selectionModel()->selection()) {
        for (int r = range.top(); r <= range.bottom(); ++r) {
            const QModelIndex proxyIndex = m_groups->toRuns(m_groups->index(r, 0, range.parent()));
            if (!proxyIndex.isValid()) continue;
            const int row = m_proxy->mapToSource(proxyIndex).row();
            if (seen.contains(row)) continue;
            seen.insert(row);
            runs.push_back(&m_catalog->at(row));
        }
    }
    return runs;
}

void RunTableView::selectRun(const RunId& id) {
    const std::vector<const Run*> selected = selectedRuns();
    if (selected.size() == 1 && selected.front()->id == id) return;
    const int row = m_catalog->indexOf(id);
    if (row < 0) return;
    const QModelIndex proxyIndex = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!proxyIndex.isValid()) return;
    const QModelIndex index = m_groups->fromRuns(proxyIndex);
    if (!index.isValid()) return;
    m_view->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

// Groups open; parent runs closed, as in the MLflow UI, unless the user opened them.
void RunTableView::expandRows() {
    for (int r = 0; r < m_groups->rowCount(); ++r) {
        const QModelIndex index = m_groups->index(r, 0);
        if (m_groups->rowCount(index) == 0) continue;
        if (m_groups->isGroup(index) ||
            m_openParents.contains(RunId(index.data(RunTableModel::RunIdRole).toString())))
            m_view->expand(index);
    }
    m_view->setRootIsDecorated(m_groups->groupColumn() >= 0 || m_groups->hasNestedRuns());
    updateFrozenView();
}

void RunTableView::rememberOpenParent(const QModelIndex& index, bool open) {
    if (m_groups->isGroup(index)) return;
    const RunId id(index.data(RunTableModel::RunIdRole).toString());
    if (open)
        m_openParents.insert(id);
    else
        m_openParents.remove(id);
}

void RunTableView::setGroupColumn(int column) {
    m_groups->setGroupColumn(column);
    expandRows();
    // Group labels and indented names may need more room; an empty table (a filter no run
    // passes) must not narrow the names to "…".
    m_view->setColumnWidth(
        RunTableModel::Name,
        std::max(m_view->columnWidth(RunTableModel::Name),
                 static_cast<QAbstractItemView*>(m_view)->sizeHintForColumn(RunTableModel::Name)));
    fitGroupRows();
    updateFrozenView();
}

// Group rows read "mean  [min – max]": their columns widen to show it whole, up to a limit
// (past it the cell is elided and its tooltip has it all). Columns never narrow here.
void RunTableView::fitGroupRows() {
    if (m_groups->groupColumn() < 0) return;
    const QFontMetrics cells(m_view->font());
    const int groups = std::min(m_groups->rowCount(), 200);
    for (int c = RunTableModel::Name + 1; c < m_model->columnCount(); ++c) {
        if (m_view->isColumnHidden(c)) continue;
        int needed = 0;
        for (int r = 0; r < groups; ++r)
            needed = std::max(
                needed, cells.horizontalAdvance(m_groups->index(r, c).data().toString()) + 16);
        const int width = m_view->columnWidth(c);
        if (needed > width) m_view->setColumnWidth(c, std::max(width, std::min(needed, 320)));
    }
}

void RunTableView::setNestChildRuns(bool on) {
    m_groups->setNestChildRuns(on);
}

bool RunTableView::nestsChildRuns() const {
    return m_groups->nestsChildRuns();
}

void RunTableView::setDifferencesOnly(bool on) {
    m_differencesOnly = on;
    applyColumns();
}

void RunTableView::setColumnHiddenByUser(int column, bool hidden) {
    rememberUserChoice(column, hidden);
    applyColumns();
}

void RunTableView::rememberUserChoice(int column, bool hidden) {
    const QString id = columnId(m_model, column);
    if (hidden) {
        m_userHidden.insert(id);
        m_userShown.remove(id);
    } else {
        m_userHidden.remove(id);
        m_userShown.insert(id);
    }
}

void RunTableView::pinColumn(int column) {
    const QString id = columnId(m_model, column);
    m_pinned.removeAll(id);
    m_pinned << id;
    applyColumns();
}

QStringList RunTableView::pinnedKeys() const {
    return m_pinned;
}

// Which columns show, and pinned ones right after the name, re-applied whenever the
// columns change (new keys), the filter changes (differences only) or the user chooses.
void RunTableView::applyColumns() {
    const QList<int> rows = m_differencesOnly ? visibleSourceRows() : QList<int>();
    QHeaderView* header = m_view->header();
    for (int c = 0; c < m_model->columnCount(); ++c) {
        const QString id = columnId(m_model, c);
        const bool isTag = m_model->columnRef(c).kind == ColumnRef::Kind::Tag;
        bool hidden = m_userHidden.contains(id) || (isTag && !m_userShown.contains(id));
        if (!hidden && m_differencesOnly && !RunTableModel::isFixed(c))
            hidden = !m_model->columnVaries(c, rows);
        if (c == RunTableModel::Name) hidden = false;
        m_view->setColumnHidden(c, hidden);
    }
    int position = 1;
    for (const QString& id : std::as_const(m_pinned)) {  // pinned right after the name
        for (int c = 0; c < m_model->columnCount(); ++c)
            if (columnId(m_model, c) == id) header->moveSection(header->visualIndex(c), position++);
    }
    updateFrozenView();
}

// Widths from the header and the first rows shown (QTreeView's own resize-to-contents walks
// every row: 190 ms for 10,000 runs), clamped so one long value cannot take the screen.
void RunTableView::fitColumns() {
    const QFontMetrics cells(m_view->font());
    const QFontMetrics header(m_view->header()->font());
    const int rows = std::min(m_groups->rowCount(), 200);
    for (int c = 0; c < m_model->columnCount(); ++c) {
        if (m_view->isColumnHidden(c)) continue;
        int width = header.horizontalAdvance(
                        m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString()) +
                    24;
        // The longest texts only: measuring every cell shaped 4,000 strings (~30 ms) at an
        // open, and the widest text is among the longest few in characters.
        QStringList texts;
        for (int r = 0; r < rows; ++r)
            texts << m_groups->index(r, c).data().toString();
        std::partial_sort(texts.begin(), texts.begin() + std::min<qsizetype>(8, texts.size()),
                          texts.end(),
                          [](const QString& a, const QString& b) { return a.size() > b.size(); });
        for (qsizetype i = 0; i < std::min<qsizetype>(8, texts.size()); ++i)
            width = std::max(width, cells.horizontalAdvance(texts[i]) + 16);
        if (c == RunTableModel::Name) width += 48;    // checkbox and colour swatch
        if (c == RunTableModel::Status) width += 18;  // status icon
        m_view->setColumnWidth(c, std::clamp(width, 60, 280));
    }
}

void RunTableView::chooseColumns() {
    QSet<int> hidden;
    for (int c = 0; c < m_model->columnCount(); ++c)
        if (m_view->isColumnHidden(c) &&
            !(m_differencesOnly && !m_userHidden.contains(columnId(m_model, c)) &&
              m_model->columnRef(c).kind != ColumnRef::Kind::Tag))
            hidden.insert(c);
    ColumnChooser chooser(m_model, hidden, this);
    if (chooser.exec() != QDialog::Accepted) return;
    const QSet<int> chosen = chooser.hiddenColumns();
    for (int c = 1; c < m_model->columnCount(); ++c)
        rememberUserChoice(c, chosen.contains(c));
    applyColumns();
}

void RunTableView::showHeaderMenu(QHeaderView* header, const QPoint& pos) {
    const int column = header->logicalIndexAt(pos);
    QMenu menu(this);
    if (!RunTableModel::isFixed(column) &&
        m_model->columnRef(column).kind == ColumnRef::Kind::Metric) {
        using Stat = MetricStat;
        for (const auto& [stat, label] :
             {std::pair{Stat::Last, tr("Show last value")},
              std::pair{Stat::Min, tr("Show minimum")}, std::pair{Stat::Max, tr("Show maximum")}}) {
            QAction* action = menu.addAction(label, this, [this, column, choice = stat] {
                m_model->setMetricStat(column, choice);
            });
            action->setCheckable(true);
            action->setChecked(m_model->metricStat(column) == stat);
        }
        menu.addSeparator();
    }
    if (column > 0) {
        if (m_pinned.contains(columnId(m_model, column))) {
            menu.addAction(tr("Unpin"), this, [this, column] {
                m_pinned.removeAll(columnId(m_model, column));
                applyColumns();
            });
        } else {
            menu.addAction(tr("Pin to the left"), this, [this, column] { pinColumn(column); });
        }
        menu.addAction(tr("Hide column"), this,
                       [this, column] { setColumnHiddenByUser(column, true); });
        menu.addAction(tr("Group rows by this column"), this,
                       [this, column] { setGroupColumn(column); });
    }
    if (m_groups->groupColumn() >= 0)
        menu.addAction(tr("Ungroup rows"), this, [this] { setGroupColumn(-1); });
    menu.addSeparator();
    QAction* differences =
        menu.addAction(tr("Differences only"), this, [this](bool on) { setDifferencesOnly(on); });
    differences->setCheckable(true);
    differences->setChecked(m_differencesOnly);
    QAction* nested = menu.addAction(tr("Child Runs under Their Parent"), this,
                                     [this](bool on) { setNestChildRuns(on); });
    nested->setCheckable(true);
    nested->setChecked(nestsChildRuns());
    menu.addAction(tr("Choose columns…"), this, &RunTableView::chooseColumns);
    menu.exec(header->mapToGlobal(pos));
}

// The same menu on any cell of either pane; a right-click outside the selection selects the
// row under the mouse first, as file managers do.
void RunTableView::showRowMenu(QTreeView* view, const QPoint& pos) {
    const QModelIndex at = view->indexAt(pos);
    if (at.isValid() && !view->selectionModel()->isRowSelected(at.row(), at.parent()))
        view->selectionModel()->setCurrentIndex(
            at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    const std::vector<const Run*> runs = selectedRuns();
    QMenu menu(this);
    if (!runs.empty()) {
        menu.addAction(tr("Show in Charts"), this, [this, runs] {
            for (const Run* run : runs)
                m_selection->setChecked(run->id, true);
        });
        menu.addAction(tr("Hide from Charts"), this, [this, runs] {
            for (const Run* run : runs)
                m_selection->setChecked(run->id, false);
        });
        menu.addAction(tr("Show Only Selected in Charts"), this,
                       &RunTableView::showOnlySelectedInCharts);
    }
    menu.addAction(tr("Show All in Charts"), this, &RunTableView::showAllInCharts)
        ->setToolTip(tr("Every run the table shows"));
    menu.addAction(tr("Hide All from Charts"), this, &RunTableView::hideAllFromCharts);
    if (runs.size() == 1) {
        menu.addSeparator();
        const RunId id = runs.front()->id;
        menu.addAction(tr("Change Colour…"), this, [this, id] {
            const QColor colour = QColorDialog::getColor(QColor(QRgb(m_selection->colour(id))),
                                                         this, tr("Run colour"));
            if (colour.isValid()) m_selection->setColour(id, colour.rgb() & 0xFFFFFF);
        });
    }
    if (!runs.empty()) {
        menu.addSeparator();
        menu.addAction(tr("Copy"), this, &RunTableView::copySelection);
    }
    menu.exec(view->viewport()->mapToGlobal(pos));
}

QVariantMap RunTableView::saveState() const {
    QVariantMap state;
    state[QStringLiteral("hidden")] = QStringList(m_userHidden.begin(), m_userHidden.end());
    state[QStringLiteral("shown")] = QStringList(m_userShown.begin(), m_userShown.end());
    state[QStringLiteral("pinned")] = m_pinned;
    QStringList order;
    QVariantMap widths;
    const QHeaderView* header = m_view->header();
    for (int v = 0; v < header->count(); ++v) {
        const int logical = header->logicalIndex(v);
        const QString id = columnId(m_model, logical);
        order << id;
        if (!header->isSectionHidden(logical)) widths[id] = header->sectionSize(logical);
    }
    state[QStringLiteral("order")] = order;
    state[QStringLiteral("widths")] = widths;
    state[QStringLiteral("sortColumn")] = columnId(m_model, header->sortIndicatorSection());
    state[QStringLiteral("sortOrder")] = int(header->sortIndicatorOrder());
    state[QStringLiteral("groupColumn")] =
        m_groups->groupColumn() >= 0 ? columnId(m_model, m_groups->groupColumn()) : QString();
    state[QStringLiteral("differencesOnly")] = m_differencesOnly;
    state[QStringLiteral("metricStats")] = m_model->metricStats();
    state[QStringLiteral("nestChildRuns")] = nestsChildRuns();
    return state;
}

void RunTableView::restoreState(const QVariantMap& state) {
    auto ids = [&](const char* key) {
        const QStringList list = savedColumnIds(state.value(QString::fromLatin1(key)));
        return QSet<QString>(list.begin(), list.end());
    };
    m_userHidden = ids("hidden");
    m_userShown = ids("shown");
    m_pinned = savedColumnIds(state.value(QStringLiteral("pinned")));
    m_differencesOnly = state.value(QStringLiteral("differencesOnly")).toBool();
    m_model->setMetricStats(state.value(QStringLiteral("metricStats")).toMap());
    m_groups->setNestChildRuns(state.value(QStringLiteral("nestChildRuns"), true).toBool());
    QHash<QString, int> byId;
    for (int c = 0; c < m_model->columnCount(); ++c)
        byId.insert(columnId(m_model, c), c);
    QHeaderView* header = m_view->header();
    int position = 0;
    for (const QString& id : savedColumnIds(state.value(QStringLiteral("order")))) {
        const int logical = byId.value(id, -1);
        if (logical >= 0) header->moveSection(header->visualIndex(logical), position++);
    }
    const QVariantMap widths = state.value(QStringLiteral("widths")).toMap();
    for (auto it = widths.begin(); it != widths.end(); ++it)
        if (const int logical = byId.value(savedColumnId(it.key()), -1); logical >= 0)
            header->resizeSection(logical, it.value().toInt());
    if (const int sort =
            byId.value(savedColumnId(state.value(QStringLiteral("sortColumn")).toString()), -1);
        sort >= 0)
        m_view->sortByColumn(sort, Qt::SortOrder(state.value(QStringLiteral("sortOrder")).toInt()));
    else
        m_view->sortByColumn(RunTableModel::Start, Qt::DescendingOrder);  // MLflow's default order
    setGroupColumn(
        byId.value(savedColumnId(state.value(QStringLiteral("groupColumn")).toString()), -1));
    applyColumns();
}

// A header line, then the selected rows: visible columns in their on-screen order,
// tab-separated, numbers exact (numberText), not as shortened on screen.
QString RunTableView::selectionAsTsv() const {
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty()) return {};
    std::sort(rows.begin(), rows.end(), [this](const QModelIndex& a, const QModelIndex& b) {
        return m_view->visualRect(a).top() < m_view->visualRect(b).top();
    });
    QHeaderView* header = m_view->header();
    QList<int> columns;
    for (int v = 0; v < header->count(); ++v) {
        const int logical = header->logicalIndex(v);
        if (!header->isSectionHidden(logical)) columns << logical;
    }
    auto field = [](QString text) { return text.replace(u'\t', u' ').replace(u'\n', u' '); };
    QStringList names;
    for (int c : columns)
        names << field(m_groups->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
    QString text = names.join(u'\t') + u'\n';
    for (const QModelIndex& row : rows) {
        QStringList cells;
        for (int c : columns) {
            const QModelIndex cell = row.siblingAtColumn(c);
            const QVariant exact = cell.data(RunTableModel::ExactTextRole);
            cells << field(exact.isValid() ? exact.toString() : cell.data().toString());
        }
        text += cells.join(u'\t') + u'\n';
    }
    return text;
}

void RunTableView::copySelection() const {
    QApplication::clipboard()->setText(selectionAsTsv());
}

}  // namespace runlens
