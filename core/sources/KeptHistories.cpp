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

QString KeptHistories::identity(const QString& nativeId) const {
    return m_kind + u'\n' + m_root + u'\n' + nativeId;
}

QString KeptHistories::entryPath(const QString& nativeId) const {
    return SeriesCacheFile::pathFor(m_cacheDir, m_kind, identity(nativeId));
}

void KeptHistories::replace(ByRun histories) {
    QMutexLocker lock(&m_mutex);
    m_cached.clear();
    if (!m_cacheDir.isEmpty()) {
        for (auto it = histories.begin(); it != histories.end();) {
            SeriesCacheWriter writer(entryPath(it->first), identity(it->first));
            for (const auto& [key, series] : it->second)
                writer.add(key, series);
            if (!writer.commit()) {
                ++it;  // a cache that cannot be written: kept here
                continue;
            }
            m_cached.insert(it->first);
            it = histories.erase(it);
        }
    }
    m_histories = std::move(histories);
}

std::map<QString, MetricSeries> KeptHistories::take(const QString& nativeId) {
    QMutexLocker lock(&m_mutex);
    std::map<QString, MetricSeries> out;
    if (m_cached.erase(nativeId)) {
        const auto entry = SeriesCacheFile::open(entryPath(nativeId), identity(nativeId));
        for (int i = 0; entry && i < int(entry->series().size()); ++i)
            if (!entry->read(i, out[entry->series()[size_t(i)].key])) return {};
        return out;
    }
    const auto run = m_histories.find(nativeId);
    if (run == m_histories.end()) return {};
    out = std::move(run->second);
    m_histories.erase(run);
    return out;
}

HistoryResult KeptHistories::find(const QString& nativeId, const QString& metric) const {
    HistoryResult result;
    QMutexLocker lock(&m_mutex);
    if (m_cached.count(nativeId)) {
        const auto entry = SeriesCacheFile::open(entryPath(nativeId), identity(nativeId));
        const int index = entry ? entry->indexOf(metric) : -1;
        result.found = index >= 0 && entry->read(index, result.series);
        if (!result.found && (!entry || index >= 0))
            result.problems.append(
                {entryPath(nativeId), QStringLiteral("The cached history is gone or damaged (the "
                                                     "cache was cleared?); reopen the project to "
                                                     "read it again")});
        return result;
    }
    const auto run = m_histories.find(nativeId);
    if (run == m_histories.end()) return result;
    const auto series = run->second.find(metric);
    if (series == run->second.end()) return result;
    result.found = true;
    result.series = series->second;
    return result;
}

}  // namespace runlens
