#pragma once

#include <QElapsedTimer>
#include <QMap>
#include <QString>
#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "TfEvent.h"
#include "model/MetricSeries.h"
#include "model/MetricSummary.h"
#include "model/Problem.h"

namespace runlens {

class SeriesCacheFile;

// Everything read so far from the event files of one TensorBoard run (one directory), kept
// between scans so a later scan reads only appended bytes (per-file offsets).
//
// With a cache folder, the run's histories go into its series cache entry (SeriesCacheFile)
// after each read and only their summaries stay in memory; the entry also keeps this state
// (offsets, tags, hparams, problems), so the run opened again reads no event file that is
// unchanged, and only the new bytes of one that grew.
class TensorBoardRun {
public:
    struct Options {
        bool purgeRestarts = true;
        QString cacheDir;  // empty: histories stay in memory
    };

    explicit TensorBoardRun(std::string dir) : m_dir(std::move(dir)) {}
    ~TensorBoardRun();  // writes what a live run read since its entry was last written

    // Reads new bytes of the run's event files (their names sorted). Returns true if
    // anything changed. A file that shrank or disappeared makes the run start over.
    bool update(const std::vector<std::string>& fileNames, const Options& options);
    // update() inside a thread-pool task: an exception (out of memory on a hostile file)
    // empties the run, which starts over next time, with one problem saying why.
    bool updateGuarded(const std::vector<std::string>& fileNames, const Options& options);

    const std::string& dir() const { return m_dir; }
    double firstWallTime() const { return m_firstWallTime; }
    double lastWallTime() const { return m_lastWallTime; }
    const Problems& problems() const { return m_problems; }
    const HParamsData& hparams() const { return m_hparams; }
    bool hasHParams() const { return m_hasHParams; }

    struct Scalar {
        QString tag;
        MetricSeries series;  // empty while the histories are in the cache
        MetricSummary summary;
        double lastStep = 0, lastValue = 0, lastWallTimeMs = 0;  // the last point recorded
    };
    const std::vector<Scalar>& scalars() const { return m_scalars; }
    const Scalar* scalar(const QString& tag) const;
    // One tag's whole history: from memory, else from the cache entry, else read again from
    // the event files (the entry went or was damaged). False if the run has no such tag.
    bool history(const QString& tag, const Options& options, MetricSeries& out) const;
    // True while the histories live in the cache entry rather than in memory.
    bool historiesCached() const { return m_historiesCached; }
    // Tags whose payload was skipped (images, histograms, audio, text, ...), by plugin.
    const QMap<QString, QStringList>& skippedTags() const { return m_skipped; }

private:
    enum class TagKind { Scalar, HParams, Skipped };
    struct TagState {
        TagKind kind = TagKind::Skipped;
        int scalarIndex = -1;
        int lastFile = -1;  // the file that gave the tag's last point
        // The tag that came after this one last time (writers log their tags in the same
        // order every step): checked before hashing. Map entries never move.
        const std::pair<const std::string, TagState>* next = nullptr;
        // The tag's points before file `countedFile` was read: its share of that file so far
        // tells how many more to make room for (makeRoom).
        int countedFile = -1;
        size_t pointsBefore = 0;
    };
    struct FileState {
        std::string name;
        uint64_t offset = 0;
        bool refused = false;  // not a regular file: said once
    };
    struct TransparentHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    void reset();
    void summarise();
    QString cacheIdentity(const Options& options) const;
    QString cachePath(const Options& options) const;
    // Takes the state the cache entry kept, if its files are unchanged or only appended to.
    bool restore(const std::vector<std::string>& fileNames, const Options& options);
    // Reads every history back from the cache entry before new points are added to them.
    bool hydrate(const Options& options);
    // Writes the entry; on success the histories leave memory.
    void save(const Options& options);
    std::string stateBytes() const;
    bool setState(const std::string& bytes);
    void readRecord(std::string_view record, uint64_t offset, int fileIndex,
                    const std::string& path, const Options& options);
    void noteWallTime(double wallTime) {
        if (wallTime <= 0) return;
        if (m_firstWallTime == 0 || wallTime < m_firstWallTime) m_firstWallTime = wallTime;
        m_lastWallTime = std::max(m_lastWallTime, wallTime);
    }
    // One Summary.value of `event`; false when its hparams content is malformed.
    bool readValue(const SummaryValueView& value, const EventView& event, int fileIndex,
                   uint64_t offset, const Options& options);
    void makeRoom(MetricSeries& series, const TagState& state, uint64_t offset) const;
    // The successor of the last tag when it is this one (checked first), else findTag().
    TagState& tagState(std::string_view tag, const SummaryValueView& first, int fileIndex);
    TagState& findTag(std::string_view tag, const SummaryValueView& first, int fileIndex);
    TagState& follow(std::pair<const std::string, TagState>& entry);  // the last tag: this
    void purgeFrom(int64_t step);  // all tags: SessionLog START at `step`

    std::string m_dir;
    std::vector<FileState> m_files;
    uint64_t m_fileEnd = 0;  // the size of the file being read
    std::unordered_map<std::string, TagState, TransparentHash, std::equal_to<>> m_tags;
    std::pair<const std::string, TagState>* m_lastTag = nullptr;  // the tag of the last value
    std::vector<Scalar> m_scalars;
    QMap<QString, QStringList> m_skipped;
    HParamsData m_hparams;
    bool m_hasHParams = false;
    double m_firstWallTime = 0;
    double m_lastWallTime = 0;
    Problems m_problems;
    bool m_historiesCached = false;
    // The entry holding the histories, kept mapped from its write or read on: the cache
    // cleared under an open project costs no re-read of the event files.
    std::shared_ptr<const SeriesCacheFile> m_entry;
    bool m_triedCache = false;
    bool m_unsaved = false;  // histories read since the entry was last written
    Options m_saveOptions;
    QElapsedTimer m_lastSave;
};

}  // namespace runlens
