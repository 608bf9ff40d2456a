#include "HistoryCache.h"

#include <QThreadPool>

namespace runlens {

namespace {
qint64 bytesOf(const MetricSeries& s) {
    return qint64(s.size()) * 24 + 64;
}
}  // namespace

void HistoryCache::setProject(std::shared_ptr<const LoadedProject> project) {
    m_project = std::move(project);
    m_entries.clear();
    m_bytes = 0;
    ++m_generation;
}

std::shared_ptr<const MetricSeries> HistoryCache::get(const Run& run, const QString& metric) {
    const Key key{run.id.text(), metric};
    Entry& entry = m_entries[key];
    entry.lastUse = ++m_clock;
    if (entry.series || entry.loading) return entry.series;
    Source* source = m_project ? m_project->sourceFor(run) : nullptr;
    if (!source) {
        m_entries.remove(key);
        return nullptr;
    }
    entry.loading = true;
    const quint64 generation = m_generation;
    std::shared_ptr<const LoadedProject> keepAlive = m_project;
    QThreadPool::globalInstance()->start([this, source, run, metric, key, generation, keepAlive] {
        auto series = std::make_shared<MetricSeries>(source->loadHistory(run, metric).series);
        QMetaObject::invokeMethod(
            this, [this, key, series, generation] { store(key, series, generation); },
            Qt::QueuedConnection);
    });
    return nullptr;
}

void HistoryCache::store(const Key& key, std::shared_ptr<const MetricSeries> series,
                         quint64 generation) {
    if (generation != m_generation) return;  // a load for a project no longer open
    Entry& entry = m_entries[key];
    entry.loading = false;
    entry.series = std::move(series);
    entry.lastUse = ++m_clock;
    m_bytes += bytesOf(*entry.series);
    evict();
    emit loaded(RunId(key.first), key.second);
}

void HistoryCache::evict() {
    while (m_bytes > m_byteLimit && m_entries.size() > 1) {
        auto oldest = m_entries.end();
        for (auto it = m_entries.begin(); it != m_entries.end(); ++it)
            if (it->series && (oldest == m_entries.end() || it->lastUse < oldest->lastUse))
                oldest = it;
        if (oldest == m_entries.end()) return;
        m_bytes -= bytesOf(*oldest->series);
        m_entries.erase(oldest);
    }
}

}  // namespace runlens
