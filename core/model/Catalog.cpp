#include "Catalog.h"

namespace runlens {

const Run* Catalog::find(const RunId& id) const {
    const int row = indexOf(id);
    return row < 0 ? nullptr : &m_runs[size_t(row)];
}

void Catalog::apply(ScanDelta delta) {
    if (!delta.removed.isEmpty()) {
        emit aboutToReset();
        QSet<RunId> gone(delta.removed.begin(), delta.removed.end());
        std::erase_if(m_runs, [&](const Run& r) { return gone.contains(r.id); });
        reindex();
        emit reset();
    }
    const int firstNew = size();
    for (Run& run : delta.runs) {
        const int row = indexOf(run.id);
        if (row >= 0) {
            m_runs[size_t(row)] = std::move(run);
            emit runChanged(row);
        } else {
            m_rowById.insert(run.id, size());
            m_runs.push_back(std::move(run));
        }
    }
    if (size() > firstNew) emit runsAppended(firstNew, size() - 1);
    // A rescan reports a damaged file again: each problem is listed once.
    bool newProblems = false;
    for (const Problem& p : std::as_const(delta.problems)) {
        const QString key = p.path + u'\n' + p.message;
        if (m_problemKeys.contains(key)) continue;
        m_problemKeys.insert(key);
        m_problems.append(p);
        newProblems = true;
    }
    if (newProblems) emit problemsChanged();
}

void Catalog::clear() {
    emit aboutToReset();
    m_runs.clear();
    m_rowById.clear();
    m_problems.clear();
    m_problemKeys.clear();
    emit reset();
    emit problemsChanged();
}

void Catalog::reindex() {
    m_rowById.clear();
    for (int i = 0; i < size(); ++i)
        m_rowById.insert(m_runs[size_t(i)].id, i);
}

}  // namespace runlens
