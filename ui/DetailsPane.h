#pragma once

#include <QWidget>
#include <vector>

#include "model/Run.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace runlens {

// The selected runs in detail: for one run its status, times, params, metrics, tags,
// location and problems; for several a side-by-side diff (one column per run) with the
// differing rows highlighted, a "differences only" switch, and nested keys grouped.
class DetailsPane : public QWidget {
    Q_OBJECT
public:
    explicit DetailsPane(QWidget* parent = nullptr);

    void showRuns(const std::vector<const Run*>& runs);
    QTreeWidget* tree() const { return m_tree; }
    QCheckBox* differencesOnly() const { return m_differencesOnly; }

private:
    void rebuild();

    std::vector<const Run*> m_runs;
    QLabel* m_title;
    QCheckBox* m_differencesOnly;
    QPushButton* m_openFolder;
    QTreeWidget* m_tree;
    QLabel* m_problems;
};

}  // namespace runlens
