#include "ProblemsPanel.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QHeaderView>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace runlens {

ProblemsPanel::ProblemsPanel(const Catalog* catalog, QWidget* parent)
    : QWidget(parent), m_catalog(catalog) {
    m_list = new QTreeWidget(this);
    m_list->setHeaderLabels({tr("File"), tr("Problem")});
    m_list->setRootIsDecorated(false);
    m_list->setAlternatingRowColors(true);
    m_list->setWordWrap(false);
    m_list->header()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    connect(catalog, &Catalog::problemsChanged, this, &ProblemsPanel::rebuild);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, [](QTreeWidgetItem* item) {
        const QFileInfo where(item->toolTip(0));
        QDesktopServices::openUrl(
            QUrl::fromLocalFile(where.isDir() ? where.absoluteFilePath() : where.absolutePath()));
    });
    rebuild();
}

void ProblemsPanel::rebuild() {
    m_list->clear();
    for (const Problem& p : m_catalog->problems()) {
        auto* item = new QTreeWidgetItem(m_list, {QFileInfo(p.path).fileName(), p.message});
        item->setToolTip(0, p.path);
        item->setToolTip(1, p.message);
    }
    m_list->resizeColumnToContents(0);
}

}  // namespace runlens
