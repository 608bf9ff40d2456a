#include "FrozenColumns.h"

#include <QEvent>
#include <QHeaderView>
#include <QScrollBar>
#include <QTreeView>

namespace runlens {

FrozenColumns::FrozenColumns(QTreeView* main, QAbstractItemDelegate* delegate)
    : QObject(main), m_main(main) {
    m_frozen = new QTreeView(main);
    m_frozen->setObjectName(QStringLiteral("pinnedColumns"));
    m_frozen->setModel(main->model());
    m_frozen->setSelectionModel(main->selectionModel());
    m_frozen->setItemDelegate(delegate);
    m_frozen->setFocusPolicy(Qt::NoFocus);
    m_frozen->setUniformRowHeights(true);
    m_frozen->setAlternatingRowColors(main->alternatingRowColors());
    m_frozen->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_frozen->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_frozen->setAllColumnsShowFocus(true);
    m_frozen->setWordWrap(false);
    m_frozen->setIconSize(main->iconSize());
    m_frozen->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_frozen->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_frozen->setFrameShape(QFrame::NoFrame);
    m_frozen->setContextMenuPolicy(Qt::CustomContextMenu);
    m_frozen->header()->setSectionsMovable(false);
    m_frozen->header()->setStretchLastSection(false);
    m_frozen->header()->setSortIndicatorShown(true);
    m_frozen->header()->setSortIndicator(main->header()->sortIndicatorSection(),
                                         main->header()->sortIndicatorOrder());
    m_frozen->header()->setSectionsClickable(true);
    m_frozen->header()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_frozen->hide();
    // A plain widget in the palette's Mid colour: it follows palette changes by itself.
    m_edge = new QWidget(main);
    m_edge->setAutoFillBackground(true);
    m_edge->setBackgroundRole(QPalette::Mid);
    m_edge->hide();
    connectToMain();
}

void FrozenColumns::connectToMain() {
    connect(m_frozen->header(), &QHeaderView::sectionClicked, this, [this](int column) {
        const QHeaderView* header = m_main->header();
        m_main->sortByColumn(column, header->sortIndicatorSection() == column &&
                                             header->sortIndicatorOrder() == Qt::AscendingOrder
                                         ? Qt::DescendingOrder
                                         : Qt::AscendingOrder);
    });
    connect(m_main->verticalScrollBar(), &QScrollBar::valueChanged, m_frozen->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_frozen->verticalScrollBar(), &QScrollBar::valueChanged, m_main->verticalScrollBar(),
            &QScrollBar::setValue);
    connect(m_main, &QTreeView::expanded, m_frozen, &QTreeView::expand);
    connect(m_main, &QTreeView::collapsed, m_frozen, &QTreeView::collapse);
    connect(m_frozen, &QTreeView::expanded, m_main, &QTreeView::expand);
    connect(m_frozen, &QTreeView::collapsed, m_main, &QTreeView::collapse);
    // After a reset the main view opens what should be open; its signals open the same here.
    connect(m_main->header(), &QHeaderView::sectionResized, this, &FrozenColumns::relayout);
    connect(m_main->header(), &QHeaderView::sortIndicatorChanged, m_frozen->header(),
            &QHeaderView::setSortIndicator);
    m_main->installEventFilter(this);
    m_main->header()->installEventFilter(this);
}

void FrozenColumns::setColumns(const QList<int>& columns) {
    m_columns = columns;
    relayout();
}

void FrozenColumns::relayout() {
    if (m_columns.size() < 2) {
        m_frozen->hide();
        m_edge->hide();
        return;
    }
    const QAbstractItemModel* model = m_main->model();
    int width = 0;
    for (int c = 0; c < model->columnCount(); ++c) {
        const bool frozen = m_columns.contains(c);
        m_frozen->setColumnHidden(c, !frozen);
        if (!frozen) continue;
        m_frozen->setColumnWidth(c, m_main->columnWidth(c));
        m_frozen->header()->moveSection(m_frozen->header()->visualIndex(c),
                                        int(m_columns.indexOf(c)));
        width += m_main->columnWidth(c);
    }
    m_frozen->setRootIsDecorated(m_main->rootIsDecorated());
    m_frozen->setIndentation(m_main->indentation());
    // The same header height, so row k of one pane sits beside row k of the other.
    m_frozen->header()->setFixedHeight(m_main->header()->height());
    const int frame = m_main->frameWidth();
    m_frozen->setGeometry(frame, frame, width,
                          m_main->viewport()->height() + m_main->header()->height());
    m_edge->setGeometry(frame + width, frame, 1, m_frozen->height());
    m_frozen->verticalScrollBar()->setValue(m_main->verticalScrollBar()->value());
    m_frozen->show();
    m_frozen->raise();
    m_edge->show();
    m_edge->raise();
}

bool FrozenColumns::eventFilter(QObject* watched, QEvent* event) {
    if ((watched == m_main && (event->type() == QEvent::Resize || event->type() == QEvent::Show)) ||
        (watched == m_main->header() && event->type() == QEvent::Resize))
        relayout();
    return QObject::eventFilter(watched, event);
}

}  // namespace runlens
