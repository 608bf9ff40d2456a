#include "NeptuneExportSource.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <charconv>

#include "SkippedTags.h"
#include "codec/FileStamp.h"
#include "codec/LocalFiles.h"
#include "codec/ParquetFile.h"

namespace runlens {

struct NeptuneExportSource::RunEntry {
    QString prefix;
    QStringList parts;              // by part number
    std::vector<FileStamp> stamps;  // of each part, as listed
    bool missingPartZero = false;
    NeptuneExportRun::Listing listing;
};

NeptuneExportSource::NeptuneExportSource(QString root) : m_root(QDir(root).absolutePath()) {}

NeptuneExportSource::~NeptuneExportSource() = default;

namespace {

// True if `name` ends in "-" + 16 lowercase hex digits, sanitize()'s blake2b digest
// (neptune_exporter/utils.py): the exporter's project folders and run file prefixes.
bool hasDigestSuffix(std::string_view name) {
    if (name.size() < 18 || name[name.size() - 17] != '-') return false;
    for (const char c : name.substr(name.size() - 16))
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace

bool NeptuneExportSource::parsePartName(std::string_view name, std::string& prefix, int& part) {
    // <sanitize(run_id)>_part_<n>.parquet, sanitize() ending in "-" + blake2b(8).hexdigest()
    // (neptune_exporter/utils.py, storage/parquet_writer.py).
    constexpr std::string_view kSuffix = ".parquet", kPart = "_part_";
    if (!name.ends_with(kSuffix)) return false;
    name.remove_suffix(kSuffix.size());
    const size_t at = name.rfind(kPart);
    if (at == std::string_view::npos) return false;
    const std::string_view number = name.substr(at + kPart.size());
    if (number.empty() || number.size() > 9) return false;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), part);
    if (ec != std::errc() || end != number.data() + number.size()) return false;
    const std::string_view head = name.substr(0, at);
    if (!hasDigestSuffix(head)) return false;
    prefix = std::string(head);
    return true;
}

namespace {

// The exporter's part files in `dir`, by run prefix and part number.
std::map<std::string, std::map<int, QString>> findParts(const QString& dir) {
    std::map<std::string, std::map<int, QString>> out;
    std::vector<DirEntry> entries;
    if (!listDirectory(toLocalPath(dir), entries, nullptr)) return out;
    for (const DirEntry& e : entries) {
        std::string prefix;
        int part = 0;
        if (e.isDir || e.isSpecial || !isValidUtf8Name(e.name) ||
            !NeptuneExportSource::parsePartName(e.name, prefix, part))
            continue;
        out[prefix][part] = dir + u'/' + QString::fromStdString(e.name);
    }
    return out;
}

FileStamp stampOf(const QString& path) {
    return FileStamp::of(toLocalPath(path));
}

}  // namespace

bool NeptuneExportSource::looksLikeExport(const QString& dir) {
    for (const auto& [prefix, parts] : findParts(dir)) {
        for (const auto& [number, path] : parts) {
            ParquetFile file;
            if (!file.open(path, nullptr)) continue;
            if (file.findColumn({"attribute_path"}) >= 0 &&
                file.findColumn({"attribute_type"}) >= 0)
                return true;
        }
    }
    return false;
}

ScanDelta NeptuneExportSource::scan(const ScanOptions& options) {
    ScanDelta delta;
    m_stamp.note({m_root});
    std::map<QString, std::shared_ptr<const RunEntry>> previous;
    {
        QMutexLocker lock(&m_mutex);
        previous = m_runs;
    }
    // Each run's parts; a run whose parts kept their size and time is taken as it was.
    std::vector<std::shared_ptr<RunEntry>> work;
    std::map<QString, std::shared_ptr<const RunEntry>> runs;
    for (const auto& [prefix, parts] : findParts(m_root)) {
        auto entry = std::make_shared<RunEntry>();
        entry->prefix = QString::fromStdString(prefix);
        for (const auto& [number, path] : parts) {
            entry->parts << path;
            entry->stamps.push_back(stampOf(path));
        }
        entry->missingPartZero = !parts.contains(0);
        const auto old = previous.find(entry->prefix);
        if (old != previous.end() && old->second->parts == entry->parts &&
            old->second->stamps == entry->stamps) {
            runs[entry->prefix] = old->second;
            continue;
        }
        work.push_back(entry);
        runs[entry->prefix] = entry;
    }
    std::atomic_int done = 0;
    // A pool of the scan's own, as TensorBoard's: history loads waiting on the shared pool
    // must not leave this work without a thread.
    static QThreadPool listPool;
    QtConcurrent::blockingMap(&listPool, work, [&](const std::shared_ptr<RunEntry>& entry) {
        if (options.cancelled()) return;
        entry->listing = NeptuneExportRun::list(entry->parts);
        const int n = ++done;
        if (options.progress && (n % 16 == 0 || n == int(work.size()))) options.progress(n);
    });
    if (options.cancelled()) {
        delta.cancelled = true;
        return delta;
    }
    QHash<QString, RunId> idOfRunId;
    for (const auto& [prefix, entry] : runs) {
        Run run = entry->listing.run;
        run.sourceKind = kind();
        if (run.nativeId.isEmpty() || idOfRunId.contains(run.nativeId))
            run.nativeId = prefix;  // unreadable parts, or a run id met twice
        if (run.name.isEmpty()) run.name = run.nativeId;
        if (run.experiment.isEmpty()) run.experiment = QFileInfo(m_root).fileName();
        run.location = entry->parts.first();
        run.id = RunId::make(run.sourceKind, m_root, run.nativeId);
        idOfRunId.insert(run.nativeId, run.id);
        for (const Problem& p : entry->listing.problems) {
            run.problems << p.message;
            delta.problems.append(p);
        }
        if (entry->missingPartZero) {
            const QString message =
                QStringLiteral(
                    "The export of this run did not finish: %1_part_0.parquet is missing (the "
                    "exporter writes it last), so some of its data may be missing too")
                    .arg(prefix);
            run.problems << message;
            delta.problems.append({run.location, message});
        }
        delta.runs.push_back(std::move(run));
    }
    // Forks: the parent is a run of the project (sys/forking/parent holds its run id).
    for (const auto& [prefix, entry] : runs) {
        const QString parent = entry->listing.parentRunId;
        if (parent.isEmpty() || !idOfRunId.contains(parent)) continue;
        for (Run& run : delta.runs)
            if (run.location == entry->parts.first()) run.parentId = idOfRunId.value(parent);
    }
    sortRunsNewestFirst(delta.runs);
    QMutexLocker lock(&m_mutex);
    m_runs = std::move(runs);
    return delta;
}

HistoryResult NeptuneExportSource::loadHistory(const Run& run, const QString& metric) {
    std::shared_ptr<const RunEntry> entry;
    {
        QMutexLocker lock(&m_mutex);
        for (const auto& [prefix, e] : m_runs)
            if (e->parts.first() == run.location) entry = e;
    }
    if (!entry) return {};
    // The row groups the listing saw the series in, while the parts are as they were then.
    std::vector<FileStamp> now;
    for (const QString& part : entry->parts)
        now.push_back(stampOf(part));
    const auto places = entry->listing.places.find(metric);
    if (now == entry->stamps && places == entry->listing.places.end()) return {};
    return NeptuneExportRun::history(entry->parts, now == entry->stamps ? &places->second : nullptr,
                                     metric);
}

QMap<QString, QStringList> NeptuneExportSource::skippedTags() const {
    QMutexLocker lock(&m_mutex);
    SkippedTags all;
    for (const auto& [prefix, entry] : m_runs)
        all.add(entry->listing.skipped);
    return all.sorted();
}

Format NeptuneExportSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral(
        "Neptune exports (neptune-exporter): a project folder of <run>-<digest>_part_<n>.parquet "
        "files")};
    // A project folder holds nothing else of ours: claimed whole, it is not searched further.
    // Only folders named like sanitize(project_id), or just below one (a model registry's
    // entity scope, parquet_writer.py), are listed for part files.
    f.claim = [](const Candidate& c) {
        if (!c.isDir) return Claim{};
        const std::string parent = QFileInfo(c.path).dir().dirName().toStdString();
        if (!hasDigestSuffix(c.name) && !hasDigestSuffix(parent)) return Claim{};
        return looksLikeExport(c.path) ? Claim::mine(80) : Claim{};
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<NeptuneExportSource>(paths.first());
    };
    f.namedLikeData = [](const std::string& name) { return name.ends_with(".parquet"); };
    return f;
}

}  // namespace runlens
