#include "TensorBoardRun.h"

#include <sys/stat.h>

#include <QDataStream>
#include <algorithm>
#include <cstring>
#include <ctime>

#include "codec/LocalFiles.h"
#include "codec/SeriesCacheFile.h"
#include "codec/SeriesCacheWriter.h"
#include "codec/TfRecordReader.h"

namespace runlens {

namespace {

// As for MLflow's metric files: unchanged this long, a file is no longer being written.
constexpr double kSettledSeconds = 2;
// As for the MLflow file store's index: a live run's cache entry is written at most this often.
constexpr qint64 kLiveSaveMs = 30000;

// a == b for a tag checked once a record: whole words instead of a call to memcmp.
bool sameBytes(std::string_view a, std::string_view b) {
    const size_t n = a.size();
    if (n != b.size()) return false;
    auto word = [](const char* p) {
        uint64_t w;
        memcpy(&w, p, 8);
        return w;
    };
    if (n < 8) return memcmp(a.data(), b.data(), n) == 0;
    for (size_t i = 0; i + 8 < n; i += 8)
        if (word(a.data() + i) != word(b.data() + i)) return false;
    return word(a.data() + n - 8) == word(b.data() + n - 8);
}

// Prefetching is harmless past a column's end: the address need not be mapped.
void prefetchForWrite(const std::vector<double>& column) {
    constexpr size_t kAhead = 8;  // the next cache line
    __builtin_prefetch(
        reinterpret_cast<const void*>(uintptr_t(column.data()) + (column.size() + kAhead) * 8), 1);
}

QString text(std::string_view b) {
    return QString::fromUtf8(b.data(), qsizetype(b.size()));
}

}  // namespace

void TensorBoardRun::reset() {
    m_files.clear();
    m_tags.clear();
    m_lastTag = nullptr;
    m_scalars.clear();
    m_skipped.clear();
    m_hparams = {};
    m_hasHParams = false;
    m_firstWallTime = m_lastWallTime = 0;
    m_problems.clear();
    m_historiesCached = false;
    m_entry.reset();
    m_unsaved = false;
}

void TensorBoardRun::summarise() {
    for (Scalar& s : m_scalars) {
        s.summary = {};
        for (size_t i = 0; i < s.series.size(); ++i)
            s.summary.add(s.series.steps[i], s.series.values[i], s.series.wallTimesMs[i]);
        if (s.series.empty()) continue;
        s.lastStep = s.series.steps.back();
        s.lastValue = s.series.values.back();
        s.lastWallTimeMs = s.series.wallTimesMs.back();
    }
}

const TensorBoardRun::Scalar* TensorBoardRun::scalar(const QString& tag) const {
    for (const Scalar& s : m_scalars)
        if (s.tag == tag) return &s;
    return nullptr;
}

bool TensorBoardRun::update(const std::vector<std::string>& fileNames, const Options& options) {
    bool restored = false;
    if (!m_triedCache && m_files.empty() && !options.cacheDir.isEmpty()) {
        m_triedCache = true;
        restored = restore(fileNames, options);
    }
    // Files are read in name order; a known file that vanished or shrank means the run was
    // rewritten: start over.
    bool restart = fileNames.size() < m_files.size();
    for (size_t i = 0; i < m_files.size() && !restart; ++i) {
        struct stat st;
        restart = fileNames[i] != m_files[i].name ||
                  stat((m_dir + '/' + fileNames[i]).c_str(), &st) != 0 ||
                  uint64_t(st.st_size) < m_files[i].offset;
    }
    if (restart) reset();
    if (m_historiesCached) {
        bool grew = fileNames.size() > m_files.size();
        for (size_t i = 0; i < m_files.size() && !grew; ++i) {
            struct stat st;
            grew = stat((m_dir + '/' + m_files[i].name).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
                   uint64_t(st.st_size) != m_files[i].offset;
        }
        // New points join the whole history, which may be purged from a step on.
        if (grew && !hydrate(options)) {
            reset();
            restored = false;
        }
    }
    const bool firstRead = m_files.empty();
    bool changed = restart;
    for (size_t i = m_files.size(); i < fileNames.size(); ++i)
        m_files.push_back({fileNames[i], 0, false});

    for (size_t i = 0; i < m_files.size(); ++i) {
        FileState& file = m_files[i];
        const std::string path = m_dir + '/' + file.name;
        struct stat st;
        if (stat(path.c_str(), &st) != 0) continue;
        if (!S_ISREG(st.st_mode)) {
            // A FIFO or a link to a device named like an event file: said once, never read.
            if (!file.refused) {
                QString error;
                isRegularFile(path, &error);
                m_problems.append({QString::fromStdString(path), error});
                file.refused = changed = true;
            }
            continue;
        }
        if (uint64_t(st.st_size) == file.offset) continue;
        // A file left alone for a while is not being written: a record running past its end
        // is damage then, not a record still to come.
        const double ageSeconds = double(time(nullptr) - st.st_mtim.tv_sec);
        QString error;
        TfRecordScan scan;
        m_fileEnd = uint64_t(st.st_size);
        if (!scanTfRecordFile(
                path, file.offset, ageSeconds > kSettledSeconds,
                [&](std::string_view record, uint64_t offset) {
                    readRecord(record, offset, int(i), path, options);
                },
                scan, &error)) {
            m_problems.append({QString::fromStdString(path), error});
            changed = true;
            continue;
        }
        for (const TfRecordIssue& issue : scan.issues)
            m_problems.append({QString::fromStdString(path), issue.message});
        changed = changed || scan.resumeOffset != file.offset;
        file.offset = scan.resumeOffset;
    }
    // Once, after the first read: shrinking on every live update would copy whole series.
    if (changed && firstRead)
        for (Scalar& s : m_scalars) {
            // At most 24 bytes a point: give back what vector growth over-allocated.
            if (s.series.values.capacity() > s.series.values.size() + s.series.values.size() / 8) {
                s.series.steps.shrink_to_fit();
                s.series.values.shrink_to_fit();
                s.series.wallTimesMs.shrink_to_fit();
            }
        }
    if (changed && !m_historiesCached) {
        summarise();
        // A run written to while it is watched keeps its histories here between writes of its
        // entry (at most one every 30 s, and when it goes), so each new point does not cost a
        // rewrite of the whole run.
        if (!options.cacheDir.isEmpty()) {
            m_unsaved = true;
            m_saveOptions = options;
            if (!m_lastSave.isValid() || m_lastSave.elapsed() > kLiveSaveMs) save(options);
        }
    }
    return changed || restored;
}

bool TensorBoardRun::updateGuarded(const std::vector<std::string>& fileNames,
                                   const Options& options) {
    QString what;
    try {
        return update(fileNames, options);
    } catch (const std::exception& e) {
        what = QString::fromLocal8Bit(e.what());
    } catch (...) {
        what = QStringLiteral("an unknown error");
    }
    reset();
    m_problems.append({QString::fromStdString(m_dir),
                       QStringLiteral("Reading this run failed (%1); it is read again at the next "
                                      "look")
                           .arg(what)});
    return true;
}

inline TensorBoardRun::TagState& TensorBoardRun::tagState(std::string_view tag,
                                                          const SummaryValueView& first,
                                                          int fileIndex) {
    if (m_lastTag && m_lastTag->second.next && sameBytes(m_lastTag->second.next->first, tag)) {
        m_lastTag = const_cast<std::pair<const std::string, TagState>*>(m_lastTag->second.next);
        return m_lastTag->second;
    }
    return findTag(tag, first, fileIndex);
}

TensorBoardRun::TagState& TensorBoardRun::findTag(std::string_view tag,
                                                  const SummaryValueView& first, int fileIndex) {
    if (auto it = m_tags.find(tag); it != m_tags.end()) return follow(*it);
    // A tag's kind comes from its first value's metadata (TensorBoard's data_compat).
    TagState state;
    SummaryMetadataView meta;
    if (!first.metadata.empty()) decodeSummaryMetadata(first.metadata, meta);
    QString skippedAs;
    if (first.simpleValue) {
        state.kind = TagKind::Scalar;
    } else if (meta.pluginName == "scalars" ||
               (meta.dataClass == 1 && meta.pluginName != "hparams")) {
        state.kind = TagKind::Scalar;
    } else if (meta.pluginName == "hparams") {
        state.kind = TagKind::HParams;
    } else {
        state.kind = TagKind::Skipped;
        skippedAs = first.legacyKind           ? QString::fromLatin1(first.legacyKind)
                    : !meta.pluginName.empty() ? text(meta.pluginName)
                                               : QStringLiteral("tensors");
    }
    if (state.kind == TagKind::Scalar) {
        state.scalarIndex = int(m_scalars.size());
        Scalar scalar;
        scalar.tag = text(tag);
        m_scalars.push_back(std::move(scalar));
    } else if (state.kind == TagKind::Skipped) {
        QStringList& tags = m_skipped[skippedAs];
        tags.insert(std::lower_bound(tags.begin(), tags.end(), text(tag)), text(tag));
    }
    state.lastFile = fileIndex;
    return follow(*m_tags.emplace(std::string(tag), state).first);
}

TensorBoardRun::TagState& TensorBoardRun::follow(std::pair<const std::string, TagState>& entry) {
    if (m_lastTag) m_lastTag->second.next = &entry;
    m_lastTag = &entry;
    return entry.second;
}

void TensorBoardRun::purgeFrom(int64_t step) {
    for (Scalar& s : m_scalars)
        s.series.removeStepsFrom(step);
}

void TensorBoardRun::readRecord(std::string_view record, uint64_t offset, int fileIndex,
                                const std::string& path, const Options& options) {
    auto undecodable = [&] {
        m_problems.append(
            {QString::fromStdString(path),
             QStringLiteral("record at offset %1 is not a TensorBoard event; it was skipped")
                 .arg(offset)});
    };
    EventView event;
    SummaryValueView scalar;
    if (decodeScalarEvent(record, event, scalar)) {
        noteWallTime(event.wallTime);
        if (!readValue(scalar, event, fileIndex, offset, options)) undecodable();
        return;
    }
    event = EventView();
    if (!decodeEvent(record, event)) return undecodable();
    noteWallTime(event.wallTime);
    // A restart (PyTorch's purge_step) writes SessionLog START at the step it resumes from:
    // points at or after it are orphans of the crashed attempt (event_accumulator.py, _Purge).
    if (event.sessionLogStatus == 1 && options.purgeRestarts) purgeFrom(event.step);
    if (event.summary.empty()) return;
    const bool ok = forEachSummaryValue(event.summary, [&](const SummaryValueView& value) {
        if (!readValue(value, event, fileIndex, offset, options)) undecodable();
    });
    if (!ok) undecodable();
}

bool TensorBoardRun::readValue(const SummaryValueView& value, const EventView& event, int fileIndex,
                               uint64_t offset, const Options& options) {
    TagState& state = tagState(value.tag, value, fileIndex);
    if (state.kind == TagKind::HParams) {
        SummaryMetadataView meta;
        if (decodeSummaryMetadata(value.metadata, meta) && !meta.pluginContent.empty()) {
            if (!decodeHParamsPluginData(meta.pluginContent, m_hparams)) return false;
            m_hasHParams = true;
        }
        return true;
    }
    if (state.kind != TagKind::Scalar) return true;
    std::optional<double> number;
    if (value.simpleValue)
        number = *value.simpleValue;
    else if (!value.tensor.empty())
        number = scalarFromTensor(value.tensor);
    if (!number) return true;
    MetricSeries& series = m_scalars[size_t(state.scalarIndex)].series;
    // A newer file that goes back in steps is a restart without purge_step: its points
    // replace the older ones from that step on (TensorBoard's Rust server keeps both).
    if (options.purgeRestarts && fileIndex > state.lastFile && !series.empty() &&
        event.step <= series.steps.back()) {
        series.removeStepsFrom(event.step);
    }
    state.lastFile = fileIndex;
    if (state.countedFile != fileIndex) {
        state.countedFile = fileIndex;
        state.pointsBefore = series.size();
    }
    if (series.size() == series.values.capacity()) makeRoom(series, state, offset);
    // Writers interleave their tags, so each point goes to other columns, far apart in memory:
    // the cache line the tag's next points go to is asked for now, not when they are written.
    prefetchForWrite(series.steps);
    prefetchForWrite(series.values);
    prefetchForWrite(series.wallTimesMs);
    series.append(event.step, *number, event.wallTime * 1000.0);
    return true;
}

// Room for the points the tag will have at the end of the file, from its share of the file so
// far: doubling copied every column about twice over (the last doubling and the shrink after
// the first read) through memory not yet in the cache. At least half again what it has
// (appends to a live run stay amortised), at most 16 times (a guess on a file's first part
// costs no more memory than the points read).
void TensorBoardRun::makeRoom(MetricSeries& series, const TagState& state, uint64_t offset) const {
    constexpr size_t kEstimateFrom = 1024;  // points in this file before its share is trusted
    const size_t n = series.size();
    const size_t inFile = n - state.pointsBefore;
    size_t room = std::max<size_t>(16, n + n / 2);
    if (inFile >= kEstimateFrom && offset > 0 && m_fileEnd > offset) {
        const double expected =
            double(n) + double(inFile) * double(m_fileEnd - offset) / double(offset);
        room = std::clamp(size_t(expected * (1 + 1.0 / 32)), room, 16 * n);
    }
    series.reserve(room);
}

// The cache entry of this run: its folder, and the one option that changes what is read.
QString TensorBoardRun::cacheIdentity(const Options& options) const {
    return QStringLiteral("tensorboard\n%1\npurge=%2")
        .arg(QString::fromStdString(m_dir))
        .arg(options.purgeRestarts ? 1 : 0);
}

QString TensorBoardRun::cachePath(const Options& options) const {
    return SeriesCacheFile::pathFor(options.cacheDir, QStringLiteral("tensorboard"),
                                    cacheIdentity(options));
}

TensorBoardRun::~TensorBoardRun() {
    if (m_unsaved) save(m_saveOptions);
}

void TensorBoardRun::save(const Options& options) {
    m_lastSave.start();
    m_unsaved = false;
    SeriesCacheWriter writer(cachePath(options), cacheIdentity(options));
    std::vector<CachedInput> inputs;
    for (const FileState& f : m_files)
        inputs.push_back(CachedInput::of(m_dir + '/' + f.name, f.offset));
    writer.setInputs(std::move(inputs));
    writer.setMeta(stateBytes());
    for (const Scalar& s : m_scalars)
        writer.add(s.tag, s.series, s.summary);  // summarise() made it
    if (!writer.commit()) return;  // a cache that cannot be written: histories stay here
    m_entry = SeriesCacheFile::open(cachePath(options), cacheIdentity(options));
    for (Scalar& s : m_scalars)
        s.series = MetricSeries{};
    m_historiesCached = true;
}

bool TensorBoardRun::restore(const std::vector<std::string>& fileNames, const Options& options) {
    std::shared_ptr<const SeriesCacheFile> entry =
        SeriesCacheFile::open(cachePath(options), cacheIdentity(options));
    if (!entry || entry->inputs().size() > fileNames.size()) return false;
    for (size_t i = 0; i < entry->inputs().size(); ++i) {
        const CachedInput& input = entry->inputs()[i];
        if (input.path != m_dir + '/' + fileNames[i] || input.check() == CachedInput::State::Stale)
            return false;
    }
    bool ok = setState(entry->meta()) && m_files.size() == entry->inputs().size() &&
              entry->series().size() == m_scalars.size();
    for (size_t i = 0; ok && i < m_files.size(); ++i)
        ok = m_files[i].name == fileNames[i] && m_files[i].offset == entry->inputs()[i].consumed;
    for (size_t i = 0; ok && i < m_scalars.size(); ++i) {
        const CachedSeriesInfo& info = entry->series()[i];
        Scalar& s = m_scalars[i];
        ok = info.key == s.tag;
        s.summary = info.summary;
        s.lastStep = info.lastStep;
        s.lastValue = info.lastValue;
        s.lastWallTimeMs = info.lastWallTimeMs;
    }
    if (!ok) {
        reset();
        return false;
    }
    m_historiesCached = true;
    m_entry = std::move(entry);
    return true;
}

bool TensorBoardRun::hydrate(const Options& options) {
    const std::shared_ptr<const SeriesCacheFile> entry =
        m_entry ? m_entry : SeriesCacheFile::open(cachePath(options), cacheIdentity(options));
    // Another process may have written the entry since, from more of the files: it must be
    // the state this run holds, else the new bytes would be added twice.
    if (!entry || entry->series().size() != m_scalars.size() ||
        entry->inputs().size() != m_files.size())
        return false;
    for (size_t i = 0; i < m_files.size(); ++i)
        if (entry->inputs()[i].consumed != m_files[i].offset) return false;
    for (size_t i = 0; i < m_scalars.size(); ++i)
        if (entry->series()[i].key != m_scalars[i].tag || !entry->read(int(i), m_scalars[i].series))
            return false;
    m_historiesCached = false;
    m_entry.reset();
    return true;
}

bool TensorBoardRun::history(const QString& tag, const Options& options, MetricSeries& out) const {
    const Scalar* s = scalar(tag);
    if (!s) return false;
    if (!m_historiesCached) {
        out = s->series;
        return true;
    }
    const std::shared_ptr<const SeriesCacheFile> entry =
        m_entry ? m_entry : SeriesCacheFile::open(cachePath(options), cacheIdentity(options));
    if (entry) {
        bool same = entry->inputs().size() == m_files.size();
        for (size_t i = 0; same && i < m_files.size(); ++i)
            same = entry->inputs()[i].consumed == m_files[i].offset;
        const int index = entry->indexOf(tag);
        if (same && index >= 0 && entry->read(index, out)) return true;
    }
    // The entry went (the cache was cleared) or is damaged: the event files again.
    TensorBoardRun fresh(m_dir);
    Options uncached = options;
    uncached.cacheDir.clear();
    std::vector<std::string> names;
    for (const FileState& f : m_files)
        names.push_back(f.name);
    fresh.updateGuarded(names, uncached);
    const Scalar* again = fresh.scalar(tag);
    out = again ? again->series : MetricSeries{};
    return true;
}

// The run's state besides its histories, for the cache entry's meta.
std::string TensorBoardRun::stateBytes() const {
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << quint32(m_files.size());
    for (const FileState& f : m_files)
        out << QByteArray::fromStdString(f.name) << quint64(f.offset) << f.refused;
    out << quint32(m_tags.size());
    for (const auto& [tag, state] : m_tags)
        out << QByteArray::fromStdString(tag) << qint32(state.kind) << qint32(state.scalarIndex)
            << qint32(state.lastFile);
    out << quint32(m_scalars.size());
    for (const Scalar& s : m_scalars)
        out << s.tag;
    out << m_skipped << m_hasHParams << m_firstWallTime << m_lastWallTime;
    const HParamsData& hp = m_hparams;
    out << hp.hasExperiment << quint32(hp.metrics.size());
    for (const HParamsMetric& m : hp.metrics)
        out << m.group << m.tag << m.displayName;
    out << hp.hparamNames << hp.hasSessionStart << hp.hparams << hp.groupName << hp.startTimeSecs
        << hp.hasSessionEnd << qint32(hp.endStatus) << hp.endTimeSecs;
    out << quint32(m_problems.size());
    for (const Problem& p : m_problems)
        out << p.path << p.message;
    return bytes.toStdString();
}

bool TensorBoardRun::setState(const std::string& bytes) {
    reset();
    QDataStream in(QByteArray::fromStdString(bytes));
    in.setVersion(QDataStream::Qt_6_4);
    // Counts are checked against what is left, so a damaged entry cannot ask for much memory.
    auto count = [&](quint32& n) {
        in >> n;
        return in.status() == QDataStream::Ok && n <= bytes.size();
    };
    quint32 n = 0;
    if (!count(n)) return false;
    for (quint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        QByteArray name;
        quint64 offset = 0;
        bool refused = false;
        in >> name >> offset >> refused;
        m_files.push_back({name.toStdString(), offset, refused});
    }
    if (!count(n)) return false;
    for (quint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        QByteArray tag;
        qint32 kind = 0, index = 0, lastFile = 0;
        in >> tag >> kind >> index >> lastFile;
        if (kind < 0 || kind > qint32(TagKind::Skipped)) return false;
        m_tags[tag.toStdString()] = {TagKind(kind), index, lastFile, nullptr};
    }
    if (!count(n)) return false;
    for (quint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        Scalar s;
        in >> s.tag;
        m_scalars.push_back(std::move(s));
    }
    for (const auto& [tag, state] : m_tags)
        if (state.kind == TagKind::Scalar &&
            (state.scalarIndex < 0 || size_t(state.scalarIndex) >= m_scalars.size()))
            return false;
    in >> m_skipped >> m_hasHParams >> m_firstWallTime >> m_lastWallTime;
    HParamsData& hp = m_hparams;
    in >> hp.hasExperiment;
    if (!count(n)) return false;
    for (quint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        HParamsMetric m;
        in >> m.group >> m.tag >> m.displayName;
        hp.metrics.push_back(std::move(m));
    }
    qint32 endStatus = 0;
    in >> hp.hparamNames >> hp.hasSessionStart >> hp.hparams >> hp.groupName >> hp.startTimeSecs >>
        hp.hasSessionEnd >> endStatus >> hp.endTimeSecs;
    hp.endStatus = endStatus;
    if (!count(n)) return false;
    for (quint32 i = 0; i < n && in.status() == QDataStream::Ok; ++i) {
        Problem p;
        in >> p.path >> p.message;
        m_problems.append(p);
    }
    return in.status() == QDataStream::Ok && in.atEnd();
}

}  // namespace runlens
