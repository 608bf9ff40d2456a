#pragma once

#include <QWidget>

#include "model/Catalog.h"

class QTreeWidget;

namespace runlens {

// Every file that could not be read, with its one-sentence message: the place errors go
// instead of dialogs.
class ProblemsPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProblemsPanel(const Catalog* catalog, QWidget* parent = nullptr);
    QTreeWidget* list() const { return m_list; }

private:
    void rebuild();

    const Catalog* m_catalog;
    QTreeWidget* m_list;
};

}  // namespace runlens
