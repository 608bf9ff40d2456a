#include "KeptHistories.h"

#include "codec/SeriesCacheFile.h"
#include "codec/SeriesCacheWriter.h"

namespace runlens {

void KeptHistories::setCache(const QString& cacheDir, const QString& kind, const QString& root) {
    QMutexLocker lock(&m_mutex);
    m_cacheDir = cacheDir;
    m_kind = kind;
    m_root = root;
}

QString KeptHistories::identity(const QString& run) const {
    return m_kind + u'\n' + m_root + u'\n' + run;
}

QString KeptHistories::entryPath(const QString& run) const {
    return SeriesCacheFile::pathFor(m_cacheDir, m_kind, identity(run));
}

bool KeptHistories::store(const QString& run, const Histories& histories) const {
    QString path, id;
    {
        QMutexLocker lock(&m_mutex);
        if (m_cacheDir.isEmpty()) return false;
        path = entryPath(run);
        id = identity(run);
    }
    SeriesCacheWriter writer(path, id);
    for (const auto& [key, series] : histories)
        writer.add(key, series);
    return writer.commit();  // a cache that cannot be written: kept in memory
}

void KeptHistories::replace(ByRun histories) {
    std::set<QString> cached;
    for (auto it = histories.begin(); it != histories.end();) {
        if (!store(it->first, it->second)) {
            ++it;
            continue;
        }
        cached.insert(it->first);
        it = histories.erase(it);
    }
    QMutexLocker lock(&m_mutex);
    m_cached = std::move(cached);
    m_histories = std::move(histories);
}

void KeptHistories::put(const QString& run, Histories histories) {
    const bool cached = !histories.empty() && store(run, histories);
    QMutexLocker lock(&m_mutex);
    m_cached.erase(run);
    m_histories.erase(run);
    if (cached)
        m_cached.insert(run);
    else if (!histories.empty())
        m_histories[run] = std::move(histories);
}

void KeptHistories::drop(const QString& run) {
    QMutexLocker lock(&m_mutex);
    m_cached.erase(run);
    m_histories.erase(run);
}

std::optional<KeptHistories::Histories> KeptHistories::take(const QString& run) {
    QMutexLocker lock(&m_mutex);
    Histories out;
    if (m_cached.erase(run)) {
        const auto entry = SeriesCacheFile::open(entryPath(run), identity(run));
        if (!entry) return std::nullopt;
        for (int i = 0; i < int(entry->series().size()); ++i)
            if (!entry->read(i, out[entry->series()[size_t(i)].key])) return std::nullopt;
        return out;
    }
    const auto kept = m_histories.find(run);
    if (kept == m_histories.end()) return out;
    out = std::move(kept->second);
    m_histories.erase(kept);
    return out;
}

HistoryResult KeptHistories::find(const QString& run, const QString& metric) const {
    HistoryResult result;
    QMutexLocker lock(&m_mutex);
    if (m_cached.count(run)) {
        const auto entry = SeriesCacheFile::open(entryPath(run), identity(run));
        const int index = entry ? entry->indexOf(metric) : -1;
        result.found = index >= 0 && entry->read(index, result.series);
        if (!result.found && (!entry || index >= 0))
            result.problems.append(
                {entryPath(run), QStringLiteral("The cached history is gone or damaged (the "
                                                "cache was cleared?); reopen the project to "
                                                "read it again")});
        return result;
    }
    const auto kept = m_histories.find(run);
    if (kept == m_histories.end()) return result;
    const auto series = kept->second.find(metric);
    if (series == kept->second.end()) return result;
    result.found = true;
    result.series = series->second;
    return result;
}

}  // namespace runlens
