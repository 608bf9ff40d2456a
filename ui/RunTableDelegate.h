#pragma once

#include <QStyledItemDelegate>

class QAbstractItemView;

namespace runlens {

// Draws the cells of the run table for both of its panes (the scrolling one and the pinned
// one laid over it). Every row is one height, taken from the main view alone (its font, and
// its style's check box and icon sizes), so the two panes line up row for row whatever the
// palette, font or screen scale. Check boxes keep a visible outline in dark palettes.
class RunTableDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit RunTableDelegate(QAbstractItemView* mainView);

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    int rowHeight() const;

private:
    QAbstractItemView* m_mainView;
};

}  // namespace runlens
