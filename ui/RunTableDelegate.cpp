#include "RunTableDelegate.h"

#include <QAbstractItemView>
#include <QStyle>
#include <algorithm>

namespace runlens {

RunTableDelegate::RunTableDelegate(QAbstractItemView* mainView)
    : QStyledItemDelegate(mainView), m_mainView(mainView) {}

int RunTableDelegate::rowHeight() const {
    const QStyle* style = m_mainView->style();
    const int text = m_mainView->fontMetrics().height();
    const int check = style->pixelMetric(QStyle::PM_IndicatorHeight, nullptr, m_mainView);
    const int icon = m_mainView->iconSize().isValid()
                         ? m_mainView->iconSize().height()
                         : style->pixelMetric(QStyle::PM_SmallIconSize, nullptr, m_mainView);
    const int margin = style->pixelMetric(QStyle::PM_FocusFrameVMargin, nullptr, m_mainView);
    return std::max({text, check, icon}) + 2 * margin;
}

QSize RunTableDelegate::sizeHint(const QStyleOptionViewItem& option,
                                 const QModelIndex& index) const {
    return {QStyledItemDelegate::sizeHint(option, index).width(), rowHeight()};
}

// Fusion outlines a check box in the Window colour darkened (qfusionstyle.cpp, outline()); in a
// dark palette that is the colour of Base, and an empty box vanishes. There the outline is
// drawn from a colour between Base and Text instead.
void RunTableDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const {
    QStyleOptionViewItem opt(option);
    const QColor base = opt.palette.color(QPalette::Base);
    const QColor text = opt.palette.color(QPalette::Text);
    if ((index.flags() & Qt::ItemIsUserCheckable) && base.lightness() < text.lightness()) {
        auto mix = [](int from, int to) { return from + (to - from) * 3 / 5; };
        opt.palette.setColor(QPalette::Window,
                             QColor(mix(base.red(), text.red()), mix(base.green(), text.green()),
                                    mix(base.blue(), text.blue())));
    }
    QStyledItemDelegate::paint(painter, opt, index);
}

}  // namespace runlens
