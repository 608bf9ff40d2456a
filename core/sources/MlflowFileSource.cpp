#include "MlflowFileSource.h"

#include <yaml-cpp/yaml.h>

#include <sys/stat.h>
#include <unistd.h>
#include <QCryptographicHash>
#include <QDataStream>
#include <QDir>
#include <QSaveFile>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <algorithm>
#include <charconv>
#include <ctime>
#include <numeric>

#include "MlflowRules.h"
#include "codec/LocalFiles.h"

namespace runlens {

namespace {

// Folders inside an experiment that are not runs (file_store.py: RESERVED_EXPERIMENT_FOLDERS).
bool isReservedExperimentFolder(const std::string& name) {
    return name == "tags" || name == "datasets" || name == "traces" || name == "models";
}

// A folder without meta.yaml is a run that lost it if it is named like a run id or holds
// what runs hold; anything else (a user's notes folder) is not our business.
bool looksLikeRunFolder(const std::string& dir, const std::string& name) {
    const bool hexName = name.size() == 32 && std::all_of(name.begin(), name.end(), [](char c) {
                             return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                         });
    if (hexName) return true;
    for (const char* sub : {"/metrics", "/params", "/tags"})
        if (access((dir + sub).c_str(), F_OK) == 0) return true;
    return false;
}

// MLflow caps a param value at 6,000 characters and a tag at 8,000 (mlflow/utils/
// validation.py), and writes a meta.yaml of a few hundred bytes: a file past 1 MB in their
// place is not MLflow's, and is not read (a link to a huge file costs nothing).
constexpr uint64_t kMaxKeyFileBytes = 1 << 20;
constexpr uint64_t kMaxMetaYamlBytes = 1 << 20;

struct Experiment {
    QString id;
    QString name;
    bool deleted = false;
    std::string dir;
};

struct RunFolder {
    const Experiment* experiment = nullptr;
    std::string dir;
    std::string folderName;
};

QString scalarText(const YAML::Node& node) {
    if (!node || node.IsNull() || !node.IsScalar()) return {};
    return QString::fromStdString(node.Scalar());
}

std::optional<qint64> scalarInt(const YAML::Node& node) {
    if (!node || node.IsNull() || !node.IsScalar()) return std::nullopt;
    const std::string& s = node.Scalar();
    qint64 v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// Parses a meta.yaml; on failure returns nothing and sets `error`.
std::optional<YAML::Node> loadYaml(const std::string& path, std::string& buffer, QString& error) {
    if (!readWholeFile(path, buffer, &error, kMaxMetaYamlBytes)) return std::nullopt;
    try {
        YAML::Node node = YAML::Load(buffer);
        if (!node.IsMap()) {
            error = buffer.empty() ? QStringLiteral("is empty")
                                   : QStringLiteral("is not a YAML mapping of keys to values");
            return std::nullopt;
        }
        return node;
    } catch (const YAML::Exception& e) {
        error = QStringLiteral("is not valid YAML (line %1: %2)")
                    .arg(e.mark.line + 1)
                    .arg(QString::fromStdString(e.msg));
        return std::nullopt;
    }
}

// Reads every file below `dir` as key -> content; a '/' in a key is a subfolder.
void readKeyFiles(const std::string& dir, const std::string& prefix, int depth, std::string& buffer,
                  QMap<QString, QString>& out, QStringList& problems, const QString& displayDir) {
    std::vector<DirEntry> entries;
    if (!listDirectory(dir, entries, nullptr)) return;  // absent: nothing logged
    for (const DirEntry& e : entries) {
        const std::string path = dir + '/' + e.name;
        const std::string key = prefix.empty() ? e.name : prefix + '/' + e.name;
        if (e.isDir) {
            // Symlinked folders are not followed: a loop must not recurse forever.
            if (!e.isSymlink && depth < 16)
                readKeyFiles(path, key, depth + 1, buffer, out, problems, displayDir);
            continue;
        }
        QString error;
        if (!readWholeFile(path, buffer, &error, kMaxKeyFileBytes)) {
            problems
                << QStringLiteral("%1/%2 %3").arg(displayDir, QString::fromStdString(key), error);
            continue;
        }
        out.insert(QString::fromStdString(key),
                   QString::fromUtf8(buffer.data(), qsizetype(buffer.size())));
    }
}

void collectMetricFiles(const std::string& dir, const std::string& prefix, int depth,
                        std::vector<std::pair<std::string, std::string>>& out) {
    std::vector<DirEntry> entries;
    if (!listDirectory(dir, entries, nullptr)) return;
    for (const DirEntry& e : entries) {
        const std::string key = prefix.empty() ? e.name : prefix + '/' + e.name;
        if (e.isDir) {
            if (!e.isSymlink && depth < 16)
                collectMetricFiles(dir + '/' + e.name, key, depth + 1, out);
        } else {
            out.emplace_back(key, dir + '/' + e.name);
        }
    }
}

QString metricProblem(const QString& key, const MetricLinesOutcome& outcome) {
    QString text = QStringLiteral("metrics/%1 line %2 is not `<timestamp> <value> <step>` (\"%3\")")
                       .arg(key)
                       .arg(outcome.firstBadLine)
                       .arg(outcome.firstBadText);
    if (outcome.badLines > 1)
        text += QStringLiteral("; %1 bad lines were skipped").arg(outcome.badLines);
    else
        text += QStringLiteral("; the line was skipped");
    return text;
}

// A metric file's last line without its newline is a line being written, unless the file has
// been left alone this long (a store copied from elsewhere, a run that crashed mid-line).
constexpr double kSettledSeconds = 2;

struct RunReadResult {
    std::optional<Run> run;
    Problems problems;
    bool changed = true;
    bool filtered = false;  // deleted, and deleted runs are not listed
};

// Reads one run folder, or, with the state of an earlier read, only what changed since: files
// are compared by size, modification time and inode; a metric file that grew is read from
// where the last read stopped, one that shrank or was replaced is read again whole.
class RunReader {
public:
    RunReader(const QString& root, const ScanOptions& options) : m_root(root), m_options(options) {}

    RunReadResult read(const RunFolder& folder, MlflowRunState& state) const {
        thread_local std::string buffer;
        RunReadResult result;
        bool changed = !state.seen;
        state.seen = true;

        // meta.yaml: name, status, times, lifecycle.
        const FileStamp metaStamp = FileStamp::of(folder.dir + "/meta.yaml");
        if (changed || metaStamp != state.meta) {
            changed = true;
            state.meta = metaStamp;
            readMeta(folder, buffer, state);
        }
        // params/ and tags/: read again when any file in them changed.
        std::map<std::string, FileStamp> keyStamps;
        FileStamp::ofTree(folder.dir + "/params", "params/", 0, keyStamps);
        FileStamp::ofTree(folder.dir + "/tags", "tags/", 0, keyStamps);
        if (changed || keyStamps != state.keyFiles) {
            changed = true;
            state.keyFiles = std::move(keyStamps);
            state.params.clear();
            state.tags.clear();
            state.keyProblems.clear();
            QMap<QString, QString> params;
            readKeyFiles(folder.dir + "/params", {}, 0, buffer, params, state.keyProblems,
                         QStringLiteral("params"));
            for (auto it = params.begin(); it != params.end(); ++it)
                state.params.insert(it.key(), ParamValue::parse(it.value()));
            readKeyFiles(folder.dir + "/tags", {}, 0, buffer, state.tags, state.keyProblems,
                         QStringLiteral("tags"));
        }
        // metrics/: each file from where it was left.
        std::vector<std::pair<std::string, std::string>> metricFiles;
        collectMetricFiles(folder.dir + "/metrics", {}, 0, metricFiles);
        if (metricFiles.size() != state.metrics.size()) changed = true;
        std::map<std::string, MlflowMetricState> metrics;
        for (const auto& [key, path] : metricFiles) {
            auto old = state.metrics.find(key);
            MlflowMetricState m =
                old != state.metrics.end() ? std::move(old->second) : MlflowMetricState{};
            if (updateMetric(QString::fromStdString(key), path, buffer, m)) changed = true;
            metrics.emplace(key, std::move(m));
        }
        state.metrics = std::move(metrics);

        result.changed = changed;
        result.filtered = state.run.deleted && !m_options.includeDeleted;
        // Unchanged runs are not listed again, except on a first scan from the index.
        if (result.filtered || (!changed && state.reported)) return result;
        result.changed = true;
        Run run = state.run;
        run.params = state.params;
        run.tags = state.tags;
        run.problems = state.metaProblems + state.keyProblems;
        completeMlflowRun(run, m_root);
        for (const auto& [key, m] : state.metrics) {
            if (!m.problem.isEmpty()) run.problems << m.problem;
            if (m.summary.count > 0) run.metrics.insert(QString::fromStdString(key), m.summary);
        }
        run.id = RunId::make(run.sourceKind, m_root, run.nativeId);
        for (const QString& text : std::as_const(run.problems))
            result.problems.append({run.location, text});
        result.run = std::move(run);
        return result;
    }

private:
    void readMeta(const RunFolder& folder, std::string& buffer, MlflowRunState& state) const {
        Run& run = state.run;
        run = Run{};
        state.metaProblems.clear();
        run.sourceKind = QString::fromLatin1(MlflowFileSource::kKind);
        run.location = QString::fromStdString(folder.dir);
        run.experiment = folder.experiment->name;
        run.experimentId = folder.experiment->id;
        run.deleted = folder.experiment->deleted;
        run.nativeId = QString::fromStdString(folder.folderName);
        QString error;
        const std::optional<YAML::Node> parsed = loadYaml(folder.dir + "/meta.yaml", buffer, error);
        if (!parsed) {
            state.metaProblems << QStringLiteral(
                                      "meta.yaml %1; the run's name, status and times are unknown")
                                      .arg(error);
            return;
        }
        const YAML::Node& meta = *parsed;
        const QString runId = scalarText(meta["run_id"]);
        const QString runUuid = scalarText(meta["run_uuid"]);
        if (!runId.isEmpty())
            run.nativeId = runId;
        else if (!runUuid.isEmpty())
            run.nativeId = runUuid;
        run.name = scalarText(meta["run_name"]);
        if (run.name.isEmpty()) run.name = scalarText(meta["name"]);
        run.status = mlflowStatusFromInt(
            meta["status"] ? scalarInt(meta["status"]) : std::optional<qint64>(1),
            scalarText(meta["status"]));
        run.startTimeMs = scalarInt(meta["start_time"]);
        run.endTimeMs = scalarInt(meta["end_time"]);
        if (scalarText(meta["lifecycle_stage"]) == u"deleted") run.deleted = true;
    }

    // Returns true if the metric's summary or problem changed.
    static bool updateMetric(const QString& key, const std::string& path, std::string& buffer,
                             MlflowMetricState& m) {
        const FileStamp stamp = FileStamp::of(path);
        // Unchanged, unless a last line was held back as being written and the file has
        // settled since.
        if (m.read && stamp == m.stamp && !(m.tailPending && stamp.ageSeconds() > kSettledSeconds))
            return false;
        // Replaced, shrunk, or grown after a last line taken without its newline: read whole.
        const bool whole = !m.read || stamp.inode != m.stamp.inode ||
                           uint64_t(std::max<int64_t>(stamp.size, 0)) < m.offset ||
                           (m.tailTaken && stamp.size != m.stamp.size);
        if (whole) m = MlflowMetricState{};
        m.read = true;
        m.stamp = stamp;
        QString error;
        if (!readFileFrom(path, m.offset, buffer, &error)) {
            m.problem = QStringLiteral("metrics/%1 %2").arg(key, error);
            return true;
        }
        // A last line without its newline is a line being written, unless the file has been
        // left alone for a while (a store copied from elsewhere, say).
        const bool settled = stamp.ageSeconds() > kSettledSeconds;
        const MetricLinesOutcome outcome = parseMetricLines(
            buffer, settled,
            [&m](qint64 step, double value, double ts) { m.summary.add(step, value, ts); },
            m.lines + 1);
        m.offset += outcome.consumed;
        m.lines += outcome.lines;
        m.tailTaken = settled && outcome.consumed > 0 && buffer[outcome.consumed - 1] != '\n';
        m.tailPending = outcome.incompleteTail;
        if (outcome.badLines > 0) {
            if (m.badLines == 0) {
                m.firstBad = outcome;
            }
            m.badLines += outcome.badLines;
            MetricLinesOutcome total = m.firstBad;
            total.badLines = m.badLines;
            m.problem = metricProblem(key, total);
        }
        return outcome.consumed > 0 || whole;
    }

    QString m_root;
    const ScanOptions& m_options;
};

// A task of the thread pool must not throw (QtConcurrent would rethrow it as
// QUnhandledException and take the listing along): out of memory on one run folder is a
// problem of that run, and its state starts over at the next scan.
RunReadResult readGuarded(const RunReader& reader, const RunFolder& folder, MlflowRunState& state) {
    QString what;
    try {
        return reader.read(folder, state);
    } catch (const std::exception& e) {
        what = QString::fromLocal8Bit(e.what());
    } catch (...) {
        what = QStringLiteral("an unknown error");
    }
    MlflowRunState fresh;  // read again whole next time; a run shown before goes
    fresh.reported = state.reported;
    fresh.reportedId = state.reportedId;
    state = std::move(fresh);
    RunReadResult result;
    result.filtered = true;  // not listed: nothing of it could be trusted
    result.problems.append(
        {QString::fromStdString(folder.dir),
         QStringLiteral("Reading this run failed (%1); it was skipped").arg(what)});
    return result;
}

}  // namespace

MlflowFileSource::MlflowFileSource(QString root) : m_root(QDir(root).absolutePath()) {}
MlflowFileSource::~MlflowFileSource() {
    if (!m_cacheDir.isEmpty()) saveIndex(m_cacheDir);
}

bool MlflowFileSource::looksLikeStore(const QString& dir) {
    std::vector<DirEntry> entries;
    if (!listDirectory(toLocalPath(dir), entries, nullptr)) return false;
    std::string buffer;
    for (const DirEntry& e : entries) {
        if (!e.isDir) continue;
        if (e.name == ".trash") return true;
        const std::string meta = toLocalPath(dir) + '/' + e.name + "/meta.yaml";
        if (readWholeFile(meta, buffer, nullptr, kMaxMetaYamlBytes) &&
            buffer.find("artifact_location") != std::string::npos)
            return true;
    }
    return false;
}

ScanDelta MlflowFileSource::scan(const ScanOptions& options) {
    ScanDelta delta;
    const std::string root = toLocalPath(m_root);
    std::string buffer;

    // Experiments: <root>/<id>/meta.yaml, and deleted ones moved to <root>/.trash/<id>/.
    // Where an experiment lives is the truth: MLflow 1.11 leaves lifecycle_stage: active
    // inside a trashed experiment's meta.yaml.
    std::vector<Experiment> experiments;
    auto collectExperiments = [&](const std::string& dir, bool trashed) {
        std::vector<DirEntry> entries;
        QString error;
        if (!listDirectory(dir, entries, &error)) {
            if (!trashed) delta.problems.append({QString::fromStdString(dir), error});
            return;
        }
        for (const DirEntry& e : entries) {
            if (!e.isDir || e.isSymlink || e.name == ".trash" || e.name == "models") continue;
            Experiment exp;
            exp.dir = dir + '/' + e.name;
            exp.id = QString::fromStdString(e.name);
            exp.deleted = trashed;
            QString metaError;
            const std::optional<YAML::Node> meta =
                loadYaml(exp.dir + "/meta.yaml", buffer, metaError);
            if (!meta) {
                // A folder without meta.yaml is not an experiment (an artifact folder, say);
                // one with a broken meta.yaml is, and its runs still load under its id.
                if (access((exp.dir + "/meta.yaml").c_str(), F_OK) != 0) continue;
                delta.problems.append(
                    {QString::fromStdString(exp.dir + "/meta.yaml"),
                     QStringLiteral(
                         "Experiment meta.yaml %1; its runs are listed under the experiment's id")
                         .arg(metaError)});
                exp.name = exp.id;
            } else {
                exp.name = scalarText((*meta)["name"]);
                if (exp.name.isEmpty()) exp.name = exp.id;
                if (scalarText((*meta)["lifecycle_stage"]) == u"deleted") exp.deleted = true;
            }
            if (exp.deleted && !options.includeDeleted) continue;
            experiments.push_back(std::move(exp));
        }
    };
    collectExperiments(root, false);
    collectExperiments(root + "/.trash", true);

    std::vector<RunFolder> folders;
    for (const Experiment& exp : experiments) {
        std::vector<DirEntry> entries;
        QString error;
        if (!listDirectory(exp.dir, entries, &error)) {
            delta.problems.append({QString::fromStdString(exp.dir), error});
            continue;
        }
        for (const DirEntry& e : entries) {
            if (!e.isDir || e.isSymlink || isReservedExperimentFolder(e.name)) continue;
            const std::string dir = exp.dir + '/' + e.name;
            if (access((dir + "/meta.yaml").c_str(), F_OK) != 0) {
                if (looksLikeRunFolder(dir, e.name))
                    delta.problems.append(
                        {QString::fromStdString(dir),
                         QStringLiteral("Run folder has no meta.yaml; it was skipped")});
                continue;
            }
            folders.push_back({&exp, dir, e.name});
        }
    }
    // One run asked for (runlens-cli history): its folder is named by its run id.
    const bool oneRun = !options.onlyRun.isEmpty();
    if (oneRun) {
        QString id = options.onlyRun;
        const QString prefix = QString::fromLatin1(kKind) + u':';
        if (id.startsWith(prefix)) id = id.mid(id.indexOf(u':', prefix.size()) + 1);
        const std::string name = id.toStdString();
        std::erase_if(folders, [&](const RunFolder& f) { return f.folderName != name; });
    }

    // The state of every folder read before; folders that are gone take their runs along.
    // An experiment's name is part of its runs: a renamed experiment reads its runs again.
    if (m_state.empty() && !options.cacheDir.isEmpty()) loadIndex(options.cacheDir);
    std::map<std::string, MlflowRunState> previous = std::move(m_state);
    m_state.clear();
    std::vector<MlflowRunState*> states;
    for (const RunFolder& folder : folders) {
        auto old = previous.find(folder.dir);
        MlflowRunState& state = m_state[folder.dir];
        if (old != previous.end()) {
            state = std::move(old->second);
            previous.erase(old);
            if (state.run.experiment != folder.experiment->name ||
                state.run.deleted != folder.experiment->deleted)
                state = MlflowRunState{};
        }
    }
    for (const RunFolder& folder : folders)
        states.push_back(&m_state[folder.dir]);
    for (const auto& [dir, state] : previous)
        if (state.reported) delta.removed.append(state.reportedId);

    std::atomic_int done = 0;
    RunReader reader(m_root, options);
    std::vector<size_t> indices(folders.size());
    std::iota(indices.begin(), indices.end(), size_t(0));
    // On a pool of the scan's own, as TensorBoard's: its threads start from the scan's (the
    // app's loader runs below the GUI thread, and they follow it).
    static QThreadPool scanPool;
    const QList<RunReadResult> results =
        QtConcurrent::blockingMapped<QList<RunReadResult>>(&scanPool, indices, [&](size_t i) {
            if (options.cancelled()) return RunReadResult{};
            RunReadResult r = readGuarded(reader, folders[i], *states[i]);
            const int n = ++done;
            if (options.progress && (n % 64 == 0 || n == int(folders.size()))) options.progress(n);
            return r;
        });
    if (options.cancelled()) {
        m_state.clear();  // half-read: the next scan starts over
        delta.cancelled = true;
        return delta;
    }
    for (size_t i = 0; i < folders.size(); ++i) {
        const RunReadResult& r = results[qsizetype(i)];
        MlflowRunState& state = *states[i];
        if (r.filtered) {
            delta.problems += r.problems;
            // Filtered out (deleted, or failed): if it was shown before, it goes.
            if (state.reported) delta.removed.append(state.reportedId);
            state.reported = false;
            continue;
        }
        if (!r.changed || !r.run) continue;
        delta.problems += r.problems;
        if (state.reported && state.reportedId != r.run->id) delta.removed.append(state.reportedId);
        state.reported = true;
        state.reportedId = r.run->id;
        delta.runs.push_back(std::move(*r.run));
    }
    sortRunsNewestFirst(delta.runs);
    // A scan of one run does not replace the index of them all.
    if (!options.cacheDir.isEmpty() && !oneRun) {
        m_cacheDir = options.cacheDir;
        // After the first scan, then at most every 30 s while live; the rest when it goes.
        const bool due = !m_lastSave.isValid() || m_lastSave.elapsed() > 30000;
        if (due && (!delta.runs.empty() || !delta.removed.isEmpty())) {
            saveIndex(m_cacheDir);
            m_lastSave.start();
        }
    }
    return delta;
}

// The index: every run folder's state (file stamps, offsets, summaries, meta, params, tags),
// so a store opened again reads only files whose stamp changed. It is a cache, never the
// truth: a magic, a version, the store's path and a checksum must all match, else it is
// ignored; and a file whose stamp differs is read again regardless.
namespace {
constexpr quint32 kIndexMagic = 0x524c4958;  // "RLIX"
constexpr quint32 kIndexVersion = 1;

QDataStream& operator<<(QDataStream& out, const FileStamp& s) {
    return out << qint64(s.size) << qint64(s.mtimeNs) << quint64(s.inode);
}
QDataStream& operator>>(QDataStream& in, FileStamp& s) {
    qint64 size, mtime;
    quint64 inode;
    in >> size >> mtime >> inode;
    s = {size, mtime, inode};
    return in;
}
QDataStream& operator<<(QDataStream& out, const MetricSummary& m) {
    return out << m.last << qint64(m.step) << m.timestampMs << m.min << m.max << qint64(m.count)
               << m.hasStats;
}
QDataStream& operator>>(QDataStream& in, MetricSummary& m) {
    qint64 step, count;
    in >> m.last >> step >> m.timestampMs >> m.min >> m.max >> count >> m.hasStats;
    m.step = step;
    m.count = count;
    return in;
}
QDataStream& operator<<(QDataStream& out, const std::string& s) {
    return out << QByteArray::fromStdString(s);
}
QDataStream& operator>>(QDataStream& in, std::string& s) {
    QByteArray bytes;
    in >> bytes;
    s = bytes.toStdString();
    return in;
}
}  // namespace

QString MlflowFileSource::indexPath(const QString& cacheDir) const {
    const QByteArray id = QCryptographicHash::hash(m_root.toUtf8(), QCryptographicHash::Sha1);
    return cacheDir + QStringLiteral("/mlflow-file-") + QString::fromLatin1(id.toHex().left(16)) +
           QStringLiteral(".index");
}

void MlflowFileSource::saveIndex(const QString& cacheDir) const {
    QByteArray payload;
    {
        QDataStream out(&payload, QIODevice::WriteOnly);
        out.setVersion(QDataStream::Qt_6_4);
        out << quint64(m_state.size());
        for (const auto& [dir, st] : m_state) {
            const Run& run = st.run;
            out << dir << st.seen << st.meta << run.nativeId << run.name << run.experiment
                << run.experimentId << run.location << qint32(run.status)
                << run.startTimeMs.value_or(-1) << bool(run.startTimeMs)
                << run.endTimeMs.value_or(-1) << bool(run.endTimeMs) << run.deleted
                << st.metaProblems << quint64(st.keyFiles.size());
            for (const auto& [key, stamp] : st.keyFiles)
                out << key << stamp;
            out << quint64(st.params.size());
            for (auto it = st.params.begin(); it != st.params.end(); ++it)
                out << it.key() << it->text();
            out << st.tags << st.keyProblems << quint64(st.metrics.size());
            for (const auto& [key, m] : st.metrics)
                out << key << m.read << m.stamp << quint64(m.offset) << qint32(m.lines)
                    << m.tailTaken << m.tailPending << m.summary << qint32(m.badLines)
                    << qint32(m.firstBad.firstBadLine) << m.firstBad.firstBadText << m.problem;
        }
    }
    QByteArray file;
    {
        QDataStream out(&file, QIODevice::WriteOnly);
        out << kIndexMagic << kIndexVersion << m_root
            << QCryptographicHash::hash(payload, QCryptographicHash::Sha1) << payload;
    }
    // Written beside, then renamed over: a crash never leaves half an index.
    QDir().mkpath(cacheDir);
    QSaveFile save(indexPath(cacheDir));
    if (save.open(QIODevice::WriteOnly) && save.write(file) == file.size()) save.commit();
}

bool MlflowFileSource::loadIndex(const QString& cacheDir) {
    QFile file(indexPath(cacheDir));
    if (!file.open(QIODevice::ReadOnly)) return false;
    QDataStream in(file.readAll());
    quint32 magic = 0, version = 0;
    QString root;
    QByteArray digest, payload;
    in >> magic >> version >> root >> digest >> payload;
    if (in.status() != QDataStream::Ok || magic != kIndexMagic || version != kIndexVersion ||
        root != m_root || QCryptographicHash::hash(payload, QCryptographicHash::Sha1) != digest)
        return false;
    QDataStream data(payload);
    data.setVersion(QDataStream::Qt_6_4);
    std::map<std::string, MlflowRunState> states;
    quint64 runs = 0;
    data >> runs;
    for (quint64 r = 0; r < runs && data.status() == QDataStream::Ok; ++r) {
        std::string dir;
        MlflowRunState st;
        Run& run = st.run;
        qint32 status = 0;
        qint64 start = 0, end = 0;
        bool hasStart = false, hasEnd = false;
        quint64 keyFiles = 0, params = 0, metrics = 0;
        data >> dir >> st.seen >> st.meta >> run.nativeId >> run.name >> run.experiment >>
            run.experimentId >> run.location >> status >> start >> hasStart >> end >> hasEnd >>
            run.deleted >> st.metaProblems >> keyFiles;
        run.sourceKind = QString::fromLatin1(kKind);
        run.status = RunStatus(std::clamp<qint32>(status, 0, qint32(RunStatus::Unknown)));
        if (hasStart) run.startTimeMs = start;
        if (hasEnd) run.endTimeMs = end;
        for (quint64 i = 0; i < keyFiles && data.status() == QDataStream::Ok; ++i) {
            std::string key;
            FileStamp stamp;
            data >> key >> stamp;
            st.keyFiles.emplace(key, stamp);
        }
        data >> params;
        for (quint64 i = 0; i < params && data.status() == QDataStream::Ok; ++i) {
            QString key, text;
            data >> key >> text;
            st.params.insert(key, ParamValue::parse(text));
        }
        data >> st.tags >> st.keyProblems >> metrics;
        for (quint64 i = 0; i < metrics && data.status() == QDataStream::Ok; ++i) {
            std::string key;
            MlflowMetricState m;
            quint64 offset = 0;
            qint32 lines = 0, bad = 0, firstBadLine = 0;
            data >> key >> m.read >> m.stamp >> offset >> lines >> m.tailTaken >> m.tailPending >>
                m.summary >> bad >> firstBadLine >> m.firstBad.firstBadText >> m.problem;
            m.offset = offset;
            m.lines = lines;
            m.badLines = bad;
            m.firstBad.firstBadLine = firstBadLine;
            m.firstBad.badLines = bad;
            st.metrics.emplace(key, std::move(m));
        }
        states.emplace(std::move(dir), std::move(st));
    }
    if (data.status() != QDataStream::Ok) return false;  // cut short: start from nothing
    m_state = std::move(states);
    return true;
}

HistoryResult MlflowFileSource::loadHistory(const Run& run, const QString& metric) {
    return loadHistoryFrom(run, metric, 0);
}

HistoryResult MlflowFileSource::loadHistoryFrom(const Run& run, const QString& metric,
                                                uint64_t resume) {
    HistoryResult result;
    if (metric.isEmpty() || metric.split(u'/').contains(QStringLiteral("..")) ||
        metric.startsWith(u'/'))
        return result;
    const QString path = run.location + QStringLiteral("/metrics/") + metric;
    const std::string local = toLocalPath(path);
    const FileStamp stamp = FileStamp::of(local);
    // Go on from `resume` only if the file still reaches it and a whole line ended there.
    std::string buffer;
    if (resume > 0 && stamp.size >= int64_t(resume) &&
        readFileFrom(local, resume - 1, buffer, nullptr) && !buffer.empty() && buffer[0] == '\n') {
        buffer.erase(0, 1);
        result.appended = true;
    } else {
        resume = 0;
        QString error;
        if (!readWholeFile(local, buffer, &error)) {
            if (QFile::exists(path)) result.problems.append({path, error});
            return result;
        }
    }
    result.found = true;
    const auto lines = std::count(buffer.begin(), buffer.end(), '\n');
    result.series.reserve(size_t(lines) + 1);
    const MetricLinesOutcome outcome = parseMetricLines(
        buffer, stamp.ageSeconds() > kSettledSeconds,
        [&](qint64 step, double value, double ts) { result.series.append(step, value, ts); });
    if (outcome.badLines > 0) result.problems.append({path, metricProblem(metric, outcome)});
    result.resume = resume + outcome.consumed;
    return result;
}

// A running run's metric files, one per metric, each appended a line per point.
QStringList MlflowFileSource::followedFiles(const Run& run) const {
    QStringList files;
    if (run.status != RunStatus::Running) return files;
    for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it)
        files << run.location + QStringLiteral("/metrics/") + *it;
    return files;
}

Format MlflowFileSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {
        QStringLiteral("MLflow file stores: an mlruns folder (meta.yaml per experiment)")};
    // An mlruns folder holds nothing else of ours: claimed whole, it is not searched further.
    f.claim = [](const Candidate& c) {
        return c.isDir && looksLikeStore(c.path) ? Claim::mine(100) : Claim{};
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<MlflowFileSource>(paths.first());
    };
    return f;
}

}  // namespace runlens
