#pragma once

#include <QWidget>
#include <vector>

#include "model/Run.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace runlens {

// The selected runs in detail: for one run its status, times, params, metrics, tags,
// location and problems; for several a side-by-side diff (one column per run) with the
// differing rows highlighted, a "differences only" switch, and nested keys grouped.
class DetailsPane : public QWidget {
    Q_OBJECT
public:
    explicit DetailsPane(QWidget* parent = nullptr);

    // Shows `runs`; the same runs again (their values changed) keep the scroll position.
    void showRuns(const std::vector<const Run*>& runs);
    bool shows(const RunId& id) const;
    QTreeWidget* tree() const { return m_tree; }
    QCheckBox* differencesOnly() const { return m_differencesOnly; }

private:
    void rebuild();
    void showMetric(QTreeWidgetItem* item, const QString& key) const;

    std::vector<const Run*> m_runs;  // valid until the catalog changes: showRuns() again then
    QList<RunId> m_ids;
    QLabel* m_title;
    QCheckBox* m_differencesOnly;
    QPushButton* m_openFolder;
    QTreeWidget* m_tree;
    QLabel* m_problems;
};

}  // namespace runlens
