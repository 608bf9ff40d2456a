#include "Detector.h"

#include <sys/stat.h>
#include <sys/vfs.h>

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <optional>

#include "FormatRegistry.h"
#include "codec/LocalFiles.h"

namespace runlens {

namespace {

bool isSkippedFolder(const std::string& name) {
    static const std::vector<std::string> kSkipped = {".git",
                                                      ".hg",
                                                      ".svn",
                                                      "node_modules",
                                                      "__pycache__",
                                                      ".venv",
                                                      "venv",
                                                      "site-packages",
                                                      ".tox",
                                                      ".mypy_cache",
                                                      ".pytest_cache",
                                                      "artifacts",
                                                      ".ipynb_checkpoints",
                                                      ".cache"};
    return std::find(kSkipped.begin(), kSkipped.end(), name) != kSkipped.end();
}

// Pseudo file systems (statfs f_type, linux/magic.h) that hold no runs and may not end:
// proc, sysfs, devpts, debugfs, tracefs, securityfs, cgroup and cgroup2.
bool isPseudoFileSystem(const QString& dir) {
    struct statfs fs;
    if (statfs(QFile::encodeName(dir).constData(), &fs) != 0) return false;
    for (const long magic : {0x9fa0L, 0x62656572L, 0x1cd1L, 0x64626720L, 0x74726163L, 0x73636673L,
                             0x27e0ebL, 0x63677270L})
        if (long(fs.f_type) == magic) return true;
    return false;
}

bool isUnder(const QString& path, const QString& folder) {
    return path == folder || path.startsWith(folder == u"/" ? folder : folder + u'/');
}

dev_t deviceOf(const QString& path) {
    struct stat st;
    return stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_dev : dev_t(-1);
}

// A file name worth saying it was skipped: one some format might have read.
bool namedLikeData(const std::string& name) {
    for (const Format& format : formats())
        if (format.namedLikeData && format.namedLikeData(name)) return true;
    return false;
}

class Walker {
public:
    Walker(const DetectOptions& options, DetectResult& result, const QString& root)
        : m_options(options),
          m_result(result),
          m_root(QFileInfo(root).canonicalFilePath()),
          m_rootDevice(deviceOf(root)) {}

    // Why the folder at `path` is not searched, or empty to search it.
    QString whyNotFollowed(const QString& path, bool isSymlink) const {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (canonical.isEmpty()) return {};  // gone: walk() passes it by
        // Every hop of a chain of links counts: /proc/self/cwd resolves to a folder anywhere.
        QStringList hops{canonical};
        for (QFileInfo hop(path); hop.isSymLink() && hops.size() < 10;
             hop = QFileInfo(hop.symLinkTarget()))
            hops << hop.symLinkTarget();
        for (const QString& hop : std::as_const(hops))
            for (const char* system : {"/proc", "/sys", "/dev"})
                if (isUnder(hop, QLatin1String(system)))
                    return QStringLiteral("%1 is a system folder; it is never searched").arg(hop);
        if (isUnder(canonical, m_root)) {
            // A mount inside the project is searched, unless it is a pseudo file system.
            if (deviceOf(canonical) != m_rootDevice && isPseudoFileSystem(canonical))
                return QStringLiteral(
                    "a pseudo file system (proc, sysfs, ...) is mounted here; "
                    "it was not searched");
            return {};
        }
        if (!isSymlink) return {};
        if (isUnder(m_root, canonical))
            return QStringLiteral(
                       "the link leads to %1, a folder holding the project; it was "
                       "not followed")
                .arg(canonical);
        if (deviceOf(canonical) != m_rootDevice)
            return QStringLiteral(
                       "the link leads to %1, on another file system than the "
                       "project; it was not followed (open that folder to read it)")
                .arg(canonical);
        return {};
    }

    // Offers `candidate` to every format that reads its kind of place (a URL's scheme, or
    // files); the highest claim wins. Returns the winner, or nullptr.
    const Format* offer(const Candidate& candidate) {
        const Format* winner = nullptr;
        Claim best;
        QString problem;
        const QString scheme = candidate.isUrl ? urlScheme(candidate.path) : QString();
        for (const Format& format : formats()) {
            if (!format.schemes.contains(scheme, Qt::CaseInsensitive) &&
                !(scheme.isEmpty() && format.schemes.isEmpty()))
                continue;
            const Claim claim = format.claim(candidate);
            if (claim.score > best.score) {
                best = claim;
                winner = &format;
            } else if (claim.score == 0 && problem.isEmpty()) {
                problem = claim.problem;
            }
        }
        if (!winner) {
            if (!problem.isEmpty()) m_result.problems.append({candidate.path, problem});
            return nullptr;
        }
        keep(*winner, best.path.isEmpty() ? candidate.path : best.path);
        return winner;
    }

    void walk(const QString& dir, int depth) {
        const QString canonical = QFileInfo(dir).canonicalFilePath();
        if (canonical.isEmpty() || m_visited.contains(canonical)) return;
        m_visited.insert(canonical);

        std::vector<DirEntry> entries;
        QString error;
        if (!listDirectory(toLocalPath(dir), entries, &error)) {
            m_result.problems.append(
                {dir, QStringLiteral("Folder %1; it was not searched").arg(error)});
            return;
        }
        if (depth == 0 && HydraJobs::isJobFolder(dir)) addHydra(dir);  // opened on a job
        QStringList badNames;
        for (const DirEntry& e : entries) {
            if (!isValidUtf8Name(e.name)) {
                if (e.isDir || namedLikeData(e.name)) badNames << QString::fromStdString(e.name);
                continue;
            }
            const QString next = meet(dir, e, depth);
            if (!next.isEmpty()) walk(next, depth + 1);
        }
        if (!badNames.isEmpty())
            m_result.problems.append(
                {dir, QStringLiteral("%1 names here are not valid UTF-8 (the first reads \"%2\"); "
                                     "they were skipped (rename them to read them)")
                          .arg(badNames.size())
                          .arg(badNames.first())});
    }

    // One entry of `dir` (a valid name) as a walk meets it: a Hydra job folder noted, the
    // entry offered to the formats. Returns the folder to walk into, or nothing (claimed, a
    // file, or a folder not followed: said why).
    QString meet(const QString& dir, const DirEntry& e, int depth) {
        const QString path = dir + u'/' + QString::fromStdString(e.name);
        // A Hydra job folder, whatever else it is (its tracker's runs are inside it).
        if (e.isDir && e.name != ".hydra" && HydraJobs::isJobFolder(path)) addHydra(path);
        if (offer(Candidate(path, e.name, e.isDir, e.isSpecial, false))) return {};
        if (e.isSpecial) {
            // A FIFO, socket or device named like data is said, never opened.
            QString why;
            if (namedLikeData(e.name) && !isRegularFile(toLocalPath(path), &why))
                m_result.problems.append({path, QString::fromStdString(e.name) + u' ' + why});
            return {};
        }
        if (!e.isDir || depth >= m_options.maxDepth || isSkippedFolder(e.name)) return {};
        const QString why = whyNotFollowed(path, e.isSymlink);
        if (why.isEmpty()) return path;
        m_result.skipped.append({path, why});
        return {};
    }

    // DetectOptions::onlyRun: the folders from `dir` down along `parts` (where `placing` puts
    // the run), each met as walk() meets it (Hydra, the formats' claims, the folders never
    // followed), then the last walked whole. False unless that finds a store of `placing`
    // there, and no format claims a folder on the way: the whole walk would then not look
    // inside it, or would find the run twice (a CSV logger's run folder also holding events).
    bool walkTowards(const QString& dir, QStringList parts, int depth, const Format& placing) {
        const QString canonical = QFileInfo(dir).canonicalFilePath();
        if (canonical.isEmpty() || m_visited.contains(canonical)) return false;
        m_visited.insert(canonical);
        if (depth == 0 && HydraJobs::isJobFolder(dir)) addHydra(dir);
        const QString name = parts.takeFirst();
        DirEntry e;
        if (!entryAt(toLocalPath(dir), QFile::encodeName(name).toStdString(), e) ||
            !isValidUtf8Name(e.name))
            return false;
        const QString path = meet(dir, e, depth);
        if (path.isEmpty()) return false;
        if (!parts.isEmpty()) return walkTowards(path, parts, depth + 1, placing);
        walk(path, depth + 1);
        return m_keptKinds.contains(placing.kind);
    }

    // Sources of the gathered formats, one each for all it claimed under `opened`, in the
    // registry's order.
    void addGathered(const QString& opened) {
        for (const Format& format : formats()) {
            const QStringList& paths = m_gathered[format.kind];
            if (format.grouping == Format::Grouping::Gathered && !paths.isEmpty())
                m_result.sources.push_back(format.create(opened, paths));
        }
    }

    void addHydra(const QString& dir) {
        if (!m_result.hydra) m_result.hydra = std::make_shared<HydraJobs>();
        m_result.hydra->add(dir);
    }

private:
    // Once per format and real folder or file: a link to a run inside the project is the
    // same run.
    void keep(const Format& format, const QString& path) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        const QString key = format.kind + u':' + (canonical.isEmpty() ? path : canonical);
        if (m_kept.contains(key)) return;
        m_kept.insert(key);
        m_keptKinds.insert(format.kind);
        if (format.grouping == Format::Grouping::Gathered)
            m_gathered[format.kind] << path;
        else
            m_result.sources.push_back(format.create(path, {path}));
    }

    const DetectOptions& m_options;
    DetectResult& m_result;
    const QString m_root;  // canonical
    const dev_t m_rootDevice;
    QSet<QString> m_visited;                 // folders walked, canonical
    QSet<QString> m_kept;                    // kind:canonical path of what formats claimed
    QSet<QString> m_keptKinds;               // the formats of m_kept
    QHash<QString, QStringList> m_gathered;  // by format kind
};

// DetectOptions::onlyRun: the opened folder `candidate`, and if no format claims it whole,
// only the way down to where a format places that run. Nothing when no format places it, or
// its way leads to no store.
std::optional<DetectResult> detectAtRun(const Candidate& candidate, const DetectOptions& options) {
    for (const Format& format : formats()) {
        const QString place = format.placeOfRun ? format.placeOfRun(options.onlyRun) : QString();
        if (place.isEmpty()) continue;
        DetectResult result;
        Walker walker(options, result, candidate.path);
        if (!walker.offer(candidate)) {
            if (!walker.walkTowards(candidate.path, place.split(u'/'), 0, format)) continue;
            result.onlyAtRun = true;
        }
        walker.addGathered(candidate.path);
        return result;
    }
    return std::nullopt;
}

}  // namespace

QString urlScheme(const QString& path) {
    static const QRegularExpression kScheme(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*)://"));
    const QRegularExpressionMatch match = kScheme.match(path);
    return match.hasMatch() ? match.captured(1).toLower() : QString();
}

DetectResult detectSources(const QString& path, const DetectOptions& options) {
    DetectResult result;
    if (const QString scheme = urlScheme(path); !scheme.isEmpty()) {
        // A server or database: one candidate, nothing on disk to walk.
        Walker walker(options, result, {});
        if (!walker.offer(Candidate::url(path)) && result.problems.isEmpty()) {
            QStringList schemes;
            for (const Format& format : formats())
                for (const QString& s : format.schemes)
                    schemes << s + QStringLiteral("://");
            result.problems.append(
                {path, QStringLiteral("RunLens reads no store at %1:// addresses (it reads %2)")
                           .arg(scheme, schemes.join(QStringLiteral(", ")))});
        }
        return result;
    }
    const QFileInfo info(path);
    if (!info.exists()) {
        result.problems.append({path, QStringLiteral("No such file or folder")});
        return result;
    }
    const QString opened = info.absoluteFilePath();
    const QString folder = info.isDir() ? opened : info.absolutePath();
    // The opened path itself first: an mlruns folder, a run folder, a database named on the
    // command line. A folder no format claims is searched.
    const Candidate candidate(opened, QFile::encodeName(info.fileName()).toStdString(),
                              info.isDir(), !info.isDir() && !info.isFile(), true);
    if (info.isDir() && !options.onlyRun.isEmpty())
        if (std::optional<DetectResult> atRun = detectAtRun(candidate, options))
            return std::move(*atRun);
    Walker walker(options, result, folder);
    if (!walker.offer(candidate) && info.isDir()) walker.walk(opened, 0);
    walker.addGathered(folder);
    return result;
}

QStringList knownFormats() {
    QStringList lines;
    for (const Format& format : formats())
        lines << format.descriptions;
    lines << QStringLiteral(
        "Hydra: job folders with .hydra/config.yaml (their params join the runs)");
    return lines;
}

}  // namespace runlens
