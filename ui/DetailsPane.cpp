#include "DetailsPane.h"

#include <QCheckBox>
#include <QDesktopServices>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

#include "model/NumberText.h"
#include "model/RunDiff.h"

namespace runlens {

DetailsPane::DetailsPane(QWidget* parent) : QWidget(parent) {
    m_title =
        new QLabel(tr("Select a run to see its details; select several to compare them."), this);
    m_title->setWordWrap(true);
    m_differencesOnly = new QCheckBox(tr("Differences only"), this);
    m_differencesOnly->hide();
    m_openFolder = new QPushButton(tr("Open folder"), this);
    m_openFolder->setToolTip(tr("Show the run's files in the file manager"));
    m_openFolder->hide();
    m_tree = new QTreeWidget(this);
    m_tree->setRootIsDecorated(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    // Every column as wide as its longest text, scrolling sideways in a narrow pane, so a
    // value is never cut off (its exact form is in the tooltip).
    m_tree->header()->setStretchLastSection(false);
    m_problems = new QLabel(this);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_problems->hide();

    auto* top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_differencesOnly);
    top->addWidget(m_openFolder);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(top);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_problems);

    connect(m_differencesOnly, &QCheckBox::toggled, this, &DetailsPane::rebuild);
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        if (m_runs.size() != 1) return;
        // A tracking server's run: its page in MLflow's own UI.
        const QUrl page(m_runs.front()->location);
        if (page.scheme() == u"http" || page.scheme() == u"https") {
            QDesktopServices::openUrl(page);
            return;
        }
        const QFileInfo where(m_runs.front()->location);
        QDesktopServices::openUrl(
            QUrl::fromLocalFile(where.isDir() ? where.absoluteFilePath() : where.absolutePath()));
    });
    rebuild();  // the empty state: showRuns() with no runs has nothing new to show
}

void DetailsPane::showRuns(const std::vector<const Run*>& all, bool valuesChanged) {
    // Side by side, a few runs read; thousands (Ctrl+A) would cost seconds to lay out.
    const std::vector<const Run*> runs(all.begin(),
                                       all.begin() + qsizetype(std::min(all.size(), kCompareUpTo)));
    // The same runs again: nothing to do, unless their values changed (a live update); then
    // their new values, where the user was looking.
    const bool same = m_selected == all.size() &&
                      std::equal(runs.begin(), runs.end(), m_ids.begin(), m_ids.end(),
                                 [](const Run* run, const RunId& id) { return run->id == id; });
    if (same && !valuesChanged && runs == m_runs) return;
    const int scroll = m_tree->verticalScrollBar()->value();
    m_selected = all.size();
    m_runs = runs;
    m_ids.clear();
    for (const Run* run : runs)
        m_ids << run->id;
    rebuild();
    if (same) m_tree->verticalScrollBar()->setValue(scroll);
}

bool DetailsPane::shows(const RunId& id) const {
    return m_ids.contains(id);
}

void DetailsPane::rebuild() {
    m_tree->clear();
    const bool several = m_runs.size() > 1;
    m_differencesOnly->setVisible(several);
    m_openFolder->setVisible(m_runs.size() == 1);
    if (m_runs.size() == 1) {
        const bool web = m_runs.front()->location.startsWith(u"http");
        m_openFolder->setText(web ? tr("Open in browser") : tr("Open folder"));
        m_openFolder->setToolTip(web ? tr("Show the run in the MLflow UI")
                                     : tr("Show the run's files in the file manager"));
    }
    m_tree->setHeaderHidden(m_runs.empty());
    if (m_runs.empty()) {
        m_tree->setColumnCount(1);  // no columns left over from a comparison
        m_title->setText(tr("Select a run to see its details; select several to compare them."));
        m_problems->hide();
        return;
    }
    m_title->setText(m_selected > m_runs.size()
                         ? tr("Comparing the first %1 of %2 selected runs")
                               .arg(m_runs.size())
                               .arg(QLocale().toString(qulonglong(m_selected)))
                     : several ? tr("Comparing %1 runs").arg(m_runs.size())
                               : QStringLiteral("<b>%1</b><br>%2")
                                     .arg(m_runs.front()->name.toHtmlEscaped(),
                                          m_runs.front()->location.toHtmlEscaped()));
    QStringList headers{tr("Key")};
    for (const Run* run : m_runs)
        headers << (several ? run->name : tr("Value"));
    m_tree->setColumnCount(int(headers.size()));
    m_tree->setHeaderLabels(headers);

    const QBrush highlight(QColor(255, 196, 0, 70));
    QTreeWidgetItem* section = nullptr;
    QMap<QString, QTreeWidgetItem*> groups;
    for (const RunDiffRow& row : diffRuns(m_runs)) {
        if (several && m_differencesOnly->isChecked() && !row.differs) continue;
        if (!section || section->text(0) != row.section) {
            section = new QTreeWidgetItem(m_tree, {row.section});
            QFont bold = section->font(0);
            bold.setBold(true);
            section->setFont(0, bold);
            section->setFirstColumnSpanned(true);
            groups.clear();
        }
        // Nested keys ("train/loss", "mlflow.source.name") under their prefix.
        QTreeWidgetItem* parent = section;
        if (!row.group.isEmpty() && row.section != u"Run") {
            QTreeWidgetItem*& group = groups[row.group];
            if (!group) group = new QTreeWidgetItem(section, {row.group + u'/'});
            parent = group;
        }
        auto* item = new QTreeWidgetItem(
            parent, QStringList{row.group.isEmpty() ? row.key : row.key.mid(row.group.size() + 1)} +
                        row.values);
        item->setToolTip(0, row.key);
        for (int c = 1; c <= int(row.values.size()); ++c)
            item->setToolTip(c, row.values[c - 1]);
        if (row.section == u"Metrics") showMetric(item, row.key);
        if (several && row.differs)
            for (int c = 0; c < m_tree->columnCount(); ++c)
                item->setBackground(c, highlight);
        item->setData(0, Qt::UserRole, row.differs);
    }
    m_tree->expandAll();
    m_tree->header()->resizeSections(QHeaderView::ResizeToContents);

    QStringList problems;
    for (const Run* run : m_runs)
        for (const QString& p : run->problems)
            problems << (several ? run->name + QStringLiteral(": ") + p : p);
    m_problems->setText(problems.join(u'\n'));
    m_problems->setVisible(!problems.isEmpty());
}

// Metric values short on screen (0.94, not 0.9400000000000001), exact in the tooltip; one run
// gets its whole summary, not just the latest value.
void DetailsPane::showMetric(QTreeWidgetItem* item, const QString& key) const {
    for (int c = 1; c <= int(m_runs.size()); ++c) {
        const auto it = m_runs[size_t(c - 1)]->metrics.find(key);
        if (it == m_runs[size_t(c - 1)]->metrics.end()) continue;
        QString text = shortNumberText(it->last);
        QString exact = numberText(it->last);
        if (m_runs.size() == 1) {
            text = tr("%1 at step %2").arg(text).arg(it->step);
            exact = tr("%1 at step %2").arg(exact).arg(it->step);
            if (it->hasStats) {
                text += tr("  (min %1, max %2, %3 points)")
                            .arg(shortNumberText(it->min), shortNumberText(it->max))
                            .arg(it->count);
                exact += tr("\nmin %1, max %2, %3 points")
                             .arg(numberText(it->min), numberText(it->max))
                             .arg(it->count);
            }
        }
        item->setText(c, text);
        item->setToolTip(c, exact);
    }
}

}  // namespace runlens
