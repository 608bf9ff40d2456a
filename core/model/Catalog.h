#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <vector>

#include "Run.h"
#include "ScanDelta.h"

namespace runlens {

// Every run of the open project, from every source, in one place. Views read it in place
// (no per-view copies) and follow its signals; it lives on the GUI thread and is changed
// only by apply(), which is fed the deltas that scans produce on worker threads.
class Catalog : public QObject {
    Q_OBJECT
public:
    explicit Catalog(QObject* parent = nullptr) : QObject(parent) {}

    const std::vector<Run>& runs() const { return m_runs; }
    int size() const { return int(m_runs.size()); }
    const Run& at(int row) const { return m_runs[size_t(row)]; }
    int indexOf(const RunId& id) const { return m_rowById.value(id, -1); }
    const Run* find(const RunId& id) const;
    const Problems& problems() const { return m_problems; }

    void apply(ScanDelta delta);
    void clear();

signals:
    void aboutToReset();
    void reset();
    void runsAppended(int first, int last);
    void runChanged(int row);
    void problemsChanged();

private:
    void reindex();

    std::vector<Run> m_runs;
    QHash<RunId, int> m_rowById;
    Problems m_problems;
    QSet<QString> m_problemKeys;
};

}  // namespace runlens
