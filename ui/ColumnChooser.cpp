#include "ColumnChooser.h"

#include <QDialogButtonBox>
#include <QLineEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "RunTableModel.h"

namespace runlens {

ColumnChooser::ColumnChooser(const RunTableModel* model, const QSet<int>& hidden, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Columns"));
    resize(420, 560);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search keys"));
    m_search->setClearButtonEnabled(true);
    m_tree = new QTreeWidget(this);
    m_tree->setHeaderHidden(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_tree, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_search, &QLineEdit::textChanged, this, &ColumnChooser::filter);

    using Kind = ColumnRef::Kind;
    const std::pair<Kind, QString> groups[] = {{Kind::Attribute, tr("Run")},
                                               {Kind::Param, tr("Params")},
                                               {Kind::Metric, tr("Metrics")},
                                               {Kind::Tag, tr("Tags")}};
    for (const auto& [kind, title] : groups) {
        auto* group = new QTreeWidgetItem(m_tree, {title});
        group->setFlags(group->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsAutoTristate);
        for (int c = 0; c < model->columnCount(); ++c) {
            if (model->columnRef(c).kind != kind || c == RunTableModel::Name) continue;
            const QString label =
                RunTableModel::isFixed(c)
                    ? model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString()
                    : model->columnRef(c).name;
            auto* item = new QTreeWidgetItem(group, {label});
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(0, hidden.contains(c) ? Qt::Unchecked : Qt::Checked);
            item->setData(0, Qt::UserRole, c);
        }
        group->setText(0, QStringLiteral("%1 (%2)").arg(title).arg(group->childCount()));
        if (group->childCount() == 0) delete group;
    }
    m_tree->expandAll();
}

void ColumnChooser::filter(const QString& text) {
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            group->child(i)->setHidden(
                !text.isEmpty() && !group->child(i)->text(0).contains(text, Qt::CaseInsensitive));
    }
}

QSet<int> ColumnChooser::hiddenColumns() const {
    QSet<int> hidden;
    for (int g = 0; g < m_tree->topLevelItemCount(); ++g) {
        const QTreeWidgetItem* group = m_tree->topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i)
            if (group->child(i)->checkState(0) != Qt::Checked)
                hidden.insert(group->child(i)->data(0, Qt::UserRole).toInt());
    }
    return hidden;
}

}  // namespace runlens
