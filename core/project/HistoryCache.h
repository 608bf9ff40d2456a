#pragma once

#include <QHash>
#include <QObject>
#include <memory>

#include "ProjectLoader.h"
#include "model/MetricSeries.h"

namespace runlens {

// Metric histories for the charts, loaded lazily on the thread pool and announced by signal,
// kept up to a byte budget (least recently used go first). The project is shared so that a
// load still running when another project opens reads from sources that still exist.
class HistoryCache : public QObject {
    Q_OBJECT
public:
    explicit HistoryCache(QObject* parent = nullptr) : QObject(parent) {}

    void setProject(std::shared_ptr<const LoadedProject> project);
    // The history if it is here; otherwise starts loading it (once) and returns null.
    std::shared_ptr<const MetricSeries> get(const Run& run, const QString& metric);
    // The runs changed on disk (a live update): their cached histories are brought up to
    // date, appended to where the source can go on from where it stopped, else read again.
    // The old series stays available until the new one is stored.
    void refresh(const std::vector<Run>& runs);
    void forget(const QList<RunId>& runs);
    void setByteLimit(qint64 bytes) { m_byteLimit = bytes; }
    qint64 bytesHeld() const { return m_bytes; }

signals:
    void loaded(const RunId& run, const QString& metric);

private:
    struct Entry {
        std::shared_ptr<const MetricSeries> series;
        quint64 lastUse = 0;
        bool loading = false;
        bool stale = false;   // changed while loading: load again when it arrives
        uint64_t resume = 0;  // where the source can go on from
    };
    using Key = QPair<QString, QString>;  // run id text, metric
    void load(const Run& run, const QString& metric, Entry& entry);
    void store(const Key& key, std::shared_ptr<const MetricSeries> series, uint64_t resume,
               quint64 generation);
    QHash<QString, Run> m_pendingRuns;  // run id -> the run to reload a stale entry with
    void evict();

    std::shared_ptr<const LoadedProject> m_project;
    QHash<Key, Entry> m_entries;
    qint64 m_bytes = 0;
    qint64 m_byteLimit = qint64(2) << 30;
    quint64 m_clock = 0;
    quint64 m_generation = 0;
};

}  // namespace runlens
