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
// differing rows highlighted, a "differences only" switch, and nested keys grouped. At most
// kCompareUpTo runs side by side: the first of those selected.
class DetailsPane : public QWidget {
    Q_OBJECT
public:
    static constexpr size_t kCompareUpTo = 12;

    explicit DetailsPane(QWidget* parent = nullptr);

    // Shows `runs`; the same runs again cost nothing, unless `valuesChanged` (a live update:
    // their new values, keeping the scroll position).
    void showRuns(const std::vector<const Run*>& runs, bool valuesChanged = false);
    bool shows(const RunId& id) const;
    QTreeWidget* tree() const { return m_tree; }
    QCheckBox* differencesOnly() const { return m_differencesOnly; }

private:
    void rebuild();
    void showMetric(QTreeWidgetItem* item, const QString& key) const;

    std::vector<const Run*> m_runs;  // valid until the catalog changes: showRuns() again then
    QList<RunId> m_ids;
    size_t m_selected = 0;  // runs selected, of which m_runs are shown
    QLabel* m_title;
    QCheckBox* m_differencesOnly;
    QPushButton* m_openFolder;
    QTreeWidget* m_tree;
    QLabel* m_problems;
};

}  // namespace runlens
