#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <memory>

#include "ProjectLoader.h"
#include "model/MetricSeries.h"

namespace runlens {

// Metric histories for the charts, loaded on a thread pool of its own and announced by signal,
// kept up to a byte budget. The views say what they want now (want()): what is missing is
// loaded in batches (a database reads one metric of many runs in one pass), and loads nothing
// wants any more are cancelled, so a newer selection never waits behind an older one. What is
// wanted is never evicted; of the rest, the least recently used go first, and only a tenth of
// the budget is kept for histories no view shows. The project is shared so that a load still
// running when another project opens reads from sources that still exist.
class HistoryCache : public QObject {
    Q_OBJECT
public:
    using Key = QPair<QString, QString>;  // run id text, metric
    static constexpr qint64 kDefaultByteLimit = qint64(256) << 20;

    explicit HistoryCache(QObject* parent = nullptr);
    ~HistoryCache() override;

    void setProject(std::shared_ptr<const LoadedProject> project);
    // The history if it is here; otherwise starts loading it (once) and returns null.
    std::shared_ptr<const MetricSeries> get(const Run& run, const QString& metric);
    // The history if it is here, else null; loads nothing.
    std::shared_ptr<const MetricSeries> peek(const Run& run, const QString& metric) const;
    // What the views show now, replacing what they wanted before: loads what is missing and
    // cancels loads of what is no longer wanted. Returns how many are still loading.
    int want(const std::vector<std::pair<const Run*, QString>>& wanted);
    // The runs changed on disk (a live update): their cached histories are brought up to
    // date, appended to where the source can go on from where it stopped, else read again.
    // The old series stays available until the new one is stored.
    void refresh(const std::vector<Run>& runs);
    void forget(const QList<RunId>& runs);
    void setByteLimit(qint64 bytes);
    qint64 byteLimit() const { return m_byteLimit; }
    qint64 bytesHeld() const { return m_bytes; }
    int loadsRunning() const { return int(m_jobs.size()); }

signals:
    void loaded(const RunId& run, const QString& metric);
    // Some histories were stored (after their loaded() signals), a batch at a time.
    void arrived();

private:
    struct Job;
    struct Entry {
        std::shared_ptr<const MetricSeries> series;
        quint64 lastUse = 0;
        std::shared_ptr<Job> job;  // loading, by this job
        bool stale = false;        // changed while loading: load again when it arrives
        uint64_t resume = 0;       // where the source can go on from
        quint64 wantedIn = 0;      // the last want() that asked for it
    };
    struct Loaded {
        Key key;
        HistoryResult result;
    };
    void load(const Run& run, const QString& metric, Entry& entry);
    void startBatch(Source* source, const QString& metric, std::vector<Run> runs);
    void storeBatch(const std::shared_ptr<Job>& job, std::vector<Loaded> batch, bool last);
    void store(const Key& key, std::shared_ptr<const MetricSeries> series, uint64_t resume);
    void finish(const std::shared_ptr<Job>& job);
    void cancel(const std::shared_ptr<Job>& job);
    void evict();
    void scheduleEvict();
    void scheduleTrim();

    QThreadPool m_pool;
    std::shared_ptr<const LoadedProject> m_project;
    QHash<Key, Entry> m_entries;
    QHash<QString, Run> m_pendingRuns;  // run id -> the run to reload a stale entry with
    quint64 m_wantRound = 1;            // counts want() calls: entries of the latest are wanted now
    QHash<Job*, std::shared_ptr<Job>> m_jobs;  // loading now or queued
    qint64 m_bytes = 0;
    qint64 m_byteLimit = kDefaultByteLimit;
    quint64 m_clock = 0;
    bool m_evictPending = false;
    bool m_trimPending = false;
};

}  // namespace runlens
