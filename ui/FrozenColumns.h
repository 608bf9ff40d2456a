#pragma once

#include <QList>
#include <QObject>

class QAbstractItemDelegate;
class QTreeView;
class QWidget;

namespace runlens {

// The pinned pane of the run table, Qt's frozen-column pattern: a second view on the same
// model and selection laid over the left edge of the main one, showing only the name and the
// pinned columns, scrolled with it. Both panes draw through one delegate (one row height) and
// neither has a style sheet of its own, so they follow palette, font and style changes alike.
class FrozenColumns : public QObject {
    Q_OBJECT
public:
    FrozenColumns(QTreeView* main, QAbstractItemDelegate* delegate);

    QTreeView* view() const { return m_frozen; }
    // The logical columns to keep in place, in order; one or none hides the pane.
    void setColumns(const QList<int>& columns);
    void relayout();

private:
    void connectToMain();
    bool eventFilter(QObject* watched, QEvent* event) override;

    QTreeView* m_main;
    QTreeView* m_frozen;
    QWidget* m_edge;  // the line between the pinned pane and the scrolling one
    QList<int> m_columns;
};

}  // namespace runlens
