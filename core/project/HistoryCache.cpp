#include "HistoryCache.h"

#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <atomic>

#include "FreedMemory.h"
#include "ThreadPriority.h"

namespace runlens {

namespace {
qint64 bytesOf(const MetricSeries& s) {
    return qint64(s.size()) * 24 + 64;
}
// Loaded histories go to the GUI thread in batches of this many, or sooner when slow.
constexpr size_t kBatchRuns = 48;
constexpr qint64 kBatchNs = 40'000'000;
// Evictions past this many bytes hand the freed memory back to the system, this long after.
constexpr qint64 kTrimFrom = qint64(16) << 20;
constexpr int kTrimAfterMs = 500;
}  // namespace

// One load on the pool: the entries it fills, and whether they are still wanted.
struct HistoryCache::Job {
    std::atomic_bool cancelled{false};
    QList<Key> keys;
    quint64 generation = 0;
};

HistoryCache::HistoryCache(QObject* parent) : QObject(parent) {
    m_pool.setObjectName(QStringLiteral("histories"));
}

HistoryCache::~HistoryCache() {
    for (const auto& job : std::as_const(m_jobs))
        job->cancelled = true;
    m_pool.waitForDone();
}

void HistoryCache::setByteLimit(qint64 bytes) {
    m_byteLimit = std::max<qint64>(bytes, 1 << 20);
    evict();
}

void HistoryCache::setProject(std::shared_ptr<const LoadedProject> project) {
    for (const auto& job : std::as_const(m_jobs))
        job->cancelled = true;
    m_jobs.clear();
    m_project = std::move(project);
    m_entries.clear();
    ++m_wantRound;
    m_pendingRuns.clear();
    m_bytes = 0;
}

std::shared_ptr<const MetricSeries> HistoryCache::peek(const Run& run,
                                                       const QString& metric) const {
    const auto it = m_entries.constFind({run.id.text(), metric});
    return it == m_entries.constEnd() ? nullptr : it->series;
}

std::shared_ptr<const MetricSeries> HistoryCache::get(const Run& run, const QString& metric) {
    const Key key{run.id.text(), metric};
    Entry& entry = m_entries[key];
    entry.lastUse = ++m_clock;
    if (entry.series || entry.job) return entry.series;
    if (!m_project || !m_project->sourceFor(run)) {
        m_entries.remove(key);
        return nullptr;
    }
    load(run, metric, entry);
    return nullptr;
}

int HistoryCache::want(const std::vector<std::pair<const Run*, QString>>& wanted) {
    QSet<Key> now;
    now.reserve(qsizetype(wanted.size()));
    for (const auto& [run, metric] : wanted)
        now.insert({run->id.text(), metric});
    // Loads nothing wants any more make way for the new ones.
    const QList<std::shared_ptr<Job>> jobs = m_jobs.values();
    for (const auto& job : jobs)
        if (std::none_of(job->keys.begin(), job->keys.end(),
                         [&](const Key& k) { return now.contains(k); }))
            cancel(job);
    ++m_wantRound;
    // What is missing, by source and metric, in the order asked for.
    QHash<QPair<Source*, QString>, std::vector<Run>> missing;
    QList<QPair<Source*, QString>> order;
    int loading = 0;
    for (const auto& [run, metric] : wanted) {
        const Key key{run->id.text(), metric};
        Entry& entry = m_entries[key];
        entry.lastUse = ++m_clock;
        entry.wantedIn = m_wantRound;
        if (entry.job) ++loading;
        if (entry.series || entry.job) continue;
        Source* source = m_project ? m_project->sourceFor(*run) : nullptr;
        if (!source) {
            m_entries.remove(key);
            continue;
        }
        const QPair<Source*, QString> batch{source, metric};
        auto it = missing.find(batch);
        if (it == missing.end()) {
            it = missing.insert(batch, {});
            order << batch;
        }
        it->push_back(*run);
        ++loading;
    }
    for (const auto& batch : std::as_const(order)) {
        std::vector<Run>& runs = missing[batch];
        // Sources that read runs one by one get them in slices, so both cores share them
        // and a cancelled load stops soon; a database reads the whole list in one pass.
        // Slices of equal size, as many as the source's size needs rounded up to a multiple
        // of the threads: 100 runs are 4 x 25, not 32 + 32 + 32 + 4 (one thread with 64).
        const size_t preferred = std::max<size_t>(1, batch.first->historyBatchSize());
        size_t slices = runs.size() / preferred + (runs.size() % preferred ? 1 : 0);
        const size_t threads = size_t(std::max(1, m_pool.maxThreadCount()));
        if (slices > 1) slices = (slices + threads - 1) / threads * threads;
        const size_t slice =
            std::max<size_t>(1, (runs.size() + slices - 1) / std::max<size_t>(1, slices));
        for (size_t from = 0; from < runs.size(); from += slice) {
            const size_t to = std::min(runs.size(), from + slice);
            startBatch(batch.first, batch.second,
                       std::vector<Run>(std::make_move_iterator(runs.begin() + qsizetype(from)),
                                        std::make_move_iterator(runs.begin() + qsizetype(to))));
        }
    }
    scheduleEvict();
    return loading;
}

void HistoryCache::startBatch(Source* source, const QString& metric, std::vector<Run> runs) {
    auto job = std::make_shared<Job>();
    for (const Run& run : runs) {
        job->keys << Key{run.id.text(), metric};
        m_entries[job->keys.back()].job = job;
    }
    m_jobs.insert(job.get(), job);
    std::shared_ptr<const LoadedProject> keepAlive = m_project;
    m_pool.start([this, job, source, metric, runs = std::move(runs), keepAlive] {
        lowerThreadPriority();
        std::vector<Loaded> batch;
        QElapsedTimer sinceSent;
        sinceSent.start();
        auto send = [&](bool last) {
            QMetaObject::invokeMethod(
                this,
                [this, job, batch = std::move(batch), last]() mutable {
                    storeBatch(job, std::move(batch), last);
                },
                Qt::QueuedConnection);
            batch.clear();
            sinceSent.restart();
        };
        HistoryBatch loads;
        loads.cancelled = [&] { return job->cancelled.load(std::memory_order_relaxed); };
        loads.deliver = [&](size_t i, HistoryResult result) {
            batch.push_back({job->keys[qsizetype(i)], std::move(result)});
            if (batch.size() >= kBatchRuns || sinceSent.nsecsElapsed() > kBatchNs) send(false);
        };
        if (!job->cancelled) loadHistoriesGuarded(*source, runs, metric, loads);
        send(true);
    });
}

void HistoryCache::load(const Run& run, const QString& metric, Entry& entry) {
    Source* source = m_project ? m_project->sourceFor(run) : nullptr;
    if (!source) return;
    auto job = std::make_shared<Job>();
    const Key key{run.id.text(), metric};
    job->keys << key;
    entry.job = job;
    entry.stale = false;
    m_jobs.insert(job.get(), job);
    std::shared_ptr<const LoadedProject> keepAlive = m_project;
    std::shared_ptr<const MetricSeries> have = entry.series;
    const uint64_t resume = have ? entry.resume : 0;
    m_pool.start([this, job, source, run, metric, key, keepAlive, have, resume] {
        lowerThreadPriority();
        HistoryResult result = loadHistoryGuarded(*source, run, metric, resume);
        if (result.appended && have) {
            // The points written since, after the ones already here.
            MetricSeries whole = *have;
            whole.reserve(have->size() + result.series.size());
            for (size_t i = 0; i < result.series.size(); ++i)
                whole.append(result.series.steps[i], result.series.values[i],
                             result.series.wallTimesMs[i]);
            result.series = std::move(whole);
        }
        std::vector<Loaded> batch;
        batch.push_back({key, std::move(result)});
        QMetaObject::invokeMethod(
            this,
            [this, job, batch = std::move(batch)]() mutable {
                storeBatch(job, std::move(batch), true);
            },
            Qt::QueuedConnection);
    });
}

void HistoryCache::cancel(const std::shared_ptr<Job>& job) {
    job->cancelled = true;
    for (const Key& key : std::as_const(job->keys)) {
        const auto it = m_entries.find(key);
        if (it == m_entries.end() || it->job != job) continue;
        it->job.reset();
        if (!it->series) m_entries.erase(it);
    }
    m_jobs.remove(job.get());
}

// Called for each batch a job sends; the last one (empty or not) is sent when it ends.
void HistoryCache::storeBatch(const std::shared_ptr<Job>& job, std::vector<Loaded> batch,
                              bool last) {
    if (!job->cancelled && m_jobs.contains(job.get())) {
        for (Loaded& loaded : batch) {
            const auto it = m_entries.find(loaded.key);
            if (it == m_entries.end() || it->job != job) continue;
            it->job.reset();
            store(loaded.key, std::make_shared<const MetricSeries>(std::move(loaded.result.series)),
                  loaded.result.resume);
        }
    }
    if (last) finish(job);  // entries it did not fill are free to load again
    if (!batch.empty()) {
        scheduleEvict();
        emit arrived();
    }
}

void HistoryCache::finish(const std::shared_ptr<Job>& job) {
    if (!m_jobs.remove(job.get())) return;
    for (const Key& key : std::as_const(job->keys)) {
        const auto it = m_entries.find(key);
        if (it == m_entries.end() || it->job != job) continue;
        it->job.reset();
        if (!it->series) m_entries.erase(it);
    }
}

void HistoryCache::refresh(const std::vector<Run>& runs) {
    QHash<QString, const Run*> byId;
    for (const Run& run : runs)
        byId.insert(run.id.text(), &run);
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        const Run* run = byId.value(it.key().first);
        if (!run) continue;
        if (it->job) {
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
        if (gone.contains(it.key().first) && !it->job) {
            if (it->series) m_bytes -= bytesOf(*it->series);
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
}

void HistoryCache::store(const Key& key, std::shared_ptr<const MetricSeries> series,
                         uint64_t resume) {
    Entry& entry = m_entries[key];
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
    emit loaded(RunId(key.first), key.second);
}

// Once a burst of batches is stored, not after each (it walks every entry).
void HistoryCache::scheduleEvict() {
    if (m_evictPending) return;
    m_evictPending = true;
    QTimer::singleShot(0, this, [this] {
        m_evictPending = false;
        evict();
    });
}

// Past the budget, the least recently used histories no view wants go; of those, a tenth of
// the budget stays at most, so unchecking runs gives their memory back.
void HistoryCache::evict() {
    qint64 unwanted = 0;
    std::vector<std::pair<quint64, Key>> candidates;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (!it->series || it->job || it->wantedIn == m_wantRound) continue;
        unwanted += bytesOf(*it->series);
        candidates.push_back({it->lastUse, it.key()});
    }
    const qint64 spare = m_byteLimit / 10;
    if (m_bytes <= m_byteLimit && unwanted <= spare) return;
    std::sort(candidates.begin(), candidates.end());
    qint64 freed = 0;
    for (const auto& [lastUse, key] : candidates) {
        if (m_bytes <= m_byteLimit && unwanted <= spare) break;
        const auto it = m_entries.find(key);
        const qint64 bytes = bytesOf(*it->series);
        m_bytes -= bytes;
        unwanted -= bytes;
        freed += bytes;
        m_entries.erase(it);
    }
    if (freed >= kTrimFrom) scheduleTrim();
}

// Once the charts let go of the lines made from what was evicted (they are rebuilt within a
// few hundred ms), the freed pages go back to the system, on the pool.
void HistoryCache::scheduleTrim() {
    if (m_trimPending) return;
    m_trimPending = true;
    QTimer::singleShot(kTrimAfterMs, this, [this] {
        m_trimPending = false;
        m_pool.start([] {
            lowerThreadPriority();
            returnFreedMemory();
        });
    });
}

}  // namespace runlens
