#pragma once

#include <QDialog>
#include <QSet>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace runlens {

class RunTableModel;

// Chooses the run table's columns: a search box (projects have thousands of keys) and one
// checkable group per kind (params, metrics, tags) that shows or hides the whole group.
class ColumnChooser : public QDialog {
    Q_OBJECT
public:
    ColumnChooser(const RunTableModel* model, const QSet<int>& hidden, QWidget* parent = nullptr);

    QSet<int> hiddenColumns() const;
    QLineEdit* search() const { return m_search; }
    QTreeWidget* tree() const { return m_tree; }

private:
    void filter(const QString& text);

    QLineEdit* m_search;
    QTreeWidget* m_tree;
};

}  // namespace runlens
