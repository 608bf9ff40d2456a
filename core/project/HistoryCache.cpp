#include "HistoryCache.h"

#include <QSet>
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
    if (!m_project || !m_project->sourceFor(run)) {
        m_entries.remove(key);
        return nullptr;
    }
    load(run, metric, entry);
    return nullptr;
}

void HistoryCache::load(const Run& run, const QString& metric, Entry& entry) {
    Source* source = m_project ? m_project->sourceFor(run) : nullptr;
    if (!source) return;
    entry.loading = true;
    entry.stale = false;
    const Key key{run.id.text(), metric};
    const quint64 generation = m_generation;
    std::shared_ptr<const LoadedProject> keepAlive = m_project;
    std::shared_ptr<const MetricSeries> have = entry.series;
    const uint64_t resume = have ? entry.resume : 0;
    QThreadPool::globalInstance()->start(
        [this, source, run, metric, key, generation, keepAlive, have, resume] {
            HistoryResult result = loadHistoryGuarded(*source, run, metric, resume);
            std::shared_ptr<MetricSeries> series;
            if (result.appended && have) {
                // The points written since, after the ones already here.
                series = std::make_shared<MetricSeries>(*have);
                series->reserve(have->size() + result.series.size());
                for (size_t i = 0; i < result.series.size(); ++i)
                    series->append(result.series.steps[i], result.series.values[i],
                                   result.series.wallTimesMs[i]);
            } else {
                series = std::make_shared<MetricSeries>(std::move(result.series));
            }
            QMetaObject::invokeMethod(
                this,
                [this, key, series, generation, resume = result.resume] {
                    store(key, series, resume, generation);
                },
                Qt::QueuedConnection);
        });
}

void HistoryCache::refresh(const std::vector<Run>& runs) {
    QHash<QString, const Run*> byId;
    for (const Run& run : runs)
        byId.insert(run.id.text(), &run);
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        const Run* run = byId.value(it.key().first);
        if (!run) continue;
        if (it->loading) {
            it->stale = true;
            m_pendingRuns.insert(run->id.text(), *run);
        } else if (it->series) {
            load(*run, it.key().second, *it);
        }
    }
}

void HistoryCache::forget(const QList<RunId>& runs) {
    QSet<QString> gone;
    for (const RunId& id : runs)
        gone.insert(id.text());
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (gone.contains(it.key().first) && !it->loading) {
            if (it->series) m_bytes -= qint64(it->series->size()) * 24 + 64;
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
}

void HistoryCache::store(const Key& key, std::shared_ptr<const MetricSeries> series,
                         uint64_t resume, quint64 generation) {
    if (generation != m_generation) return;  // a load for a project no longer open
    Entry& entry = m_entries[key];
    entry.loading = false;
    if (entry.series) m_bytes -= bytesOf(*entry.series);
    entry.series = std::move(series);
    entry.resume = resume;
    entry.lastUse = ++m_clock;
    m_bytes += bytesOf(*entry.series);
    if (entry.stale) {
        // Written to again while it loaded: go on from here.
        const auto pending = m_pendingRuns.constFind(key.first);
        if (pending != m_pendingRuns.constEnd()) load(*pending, key.second, entry);
    }
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
