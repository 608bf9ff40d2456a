#include "KeptHistories.h"

#include <cstring>

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

namespace {

bool sameBits(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// True when `entry` holds `histories`, every point bit for bit (decoding is several times
// cheaper than encoding and writing them again).
bool holdsExactly(const SeriesCacheFile& entry, const KeptHistories::Histories& histories) {
    if (entry.series().size() != histories.size()) return false;
    int i = 0;
    MetricSeries read;
    for (const auto& [key, series] : histories) {
        const CachedSeriesInfo& info = entry.series()[size_t(i)];
        if (info.key != key || info.count != series.size() || !entry.read(i++, read) ||
            !sameBits(read.steps, series.steps) || !sameBits(read.values, series.values) ||
            !sameBits(read.wallTimesMs, series.wallTimesMs))
            return false;
    }
    return true;
}

}  // namespace

std::shared_ptr<const SeriesCacheFile> KeptHistories::store(const QString& run,
                                                            const Histories& histories) const {
    QString path, id;
    std::shared_ptr<const SeriesCacheFile> kept;
    {
        QMutexLocker lock(&m_mutex);
        if (m_cacheDir.isEmpty()) return nullptr;
        path = entryPath(run);
        id = identity(run);
        if (const auto it = m_cached.find(run); it != m_cached.end()) kept = it->second;
    }
    // A scan that read the run again as it was (formats read whole at every scan) leaves its
    // entry alone.
    if (kept && kept->path() == path && holdsExactly(*kept, histories)) return kept;
    SeriesCacheWriter writer(path, id);
    for (const auto& [key, series] : histories)
        writer.add(key, series);
    if (!writer.commit()) return nullptr;  // a cache that cannot be written: kept in memory
    std::shared_ptr<const SeriesCacheFile> entry = SeriesCacheFile::open(path, id);
    // Another process's entry renamed over it in between must hold the same histories.
    if (!entry || entry->series().size() != histories.size()) return nullptr;
    size_t i = 0;
    for (const auto& [key, series] : histories) {
        const CachedSeriesInfo& info = entry->series()[i++];
        if (info.key != key || info.count != series.size()) return nullptr;
    }
    return entry;
}

void KeptHistories::replace(ByRun histories) {
    std::map<QString, std::shared_ptr<const SeriesCacheFile>> cached;
    for (auto it = histories.begin(); it != histories.end();) {
        auto entry = store(it->first, it->second);
        if (!entry) {
            ++it;
            continue;
        }
        cached.emplace(it->first, std::move(entry));
        it = histories.erase(it);
    }
    QMutexLocker lock(&m_mutex);
    m_cached = std::move(cached);
    m_histories = std::move(histories);
}

void KeptHistories::put(const QString& run, Histories histories) {
    auto entry = histories.empty() ? nullptr : store(run, histories);
    QMutexLocker lock(&m_mutex);
    m_cached.erase(run);
    m_histories.erase(run);
    if (entry)
        m_cached.emplace(run, std::move(entry));
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
    // The entry stays until the run's histories are put back: the same ones leave it alone.
    if (const auto cached = m_cached.find(run); cached != m_cached.end()) {
        const SeriesCacheFile* entry = cached->second.get();
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
    std::shared_ptr<const SeriesCacheFile> entry;
    {
        QMutexLocker lock(&m_mutex);
        if (const auto cached = m_cached.find(run); cached != m_cached.end()) {
            entry = cached->second;
        } else {
            const auto kept = m_histories.find(run);
            if (kept == m_histories.end()) return result;
            const auto series = kept->second.find(metric);
            if (series == kept->second.end()) return result;
            result.found = true;
            result.series = series->second;
            return result;
        }
    }
    // Read outside the lock: charts load many runs' histories at once.
    const int index = entry->indexOf(metric);
    result.found = index >= 0 && entry->read(index, result.series);
    if (!result.found && index >= 0)
        result.problems.append({entry->path(), QStringLiteral("The cached history is damaged "
                                                              "(changed on disk); reopen the "
                                                              "project to read it again")});
    return result;
}

}  // namespace runlens
