#include "Detector.h"

#include <sys/stat.h>
#include <sys/vfs.h>

#include <QFileInfo>
#include <QSet>

#include "codec/LocalFiles.h"
#include "codec/SqliteDatabase.h"
#include "sources/CometSource.h"
#include "sources/CsvSource.h"
#include "sources/MlflowFileSource.h"
#include "sources/MlflowSqlSource.h"
#include "sources/OptunaJournalSource.h"
#include "sources/OptunaSqlSource.h"
#include "sources/TensorBoardSource.h"
#include "sources/WandbSource.h"

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

// Optuna's JournalFileStorage has no fixed name; users pick "journal.log" and the like.
bool hasJournalSuffix(const std::string& name) {
    for (const char* suffix : {".log", ".journal", ".jsonl"}) {
        const size_t n = strlen(suffix);
        if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) return true;
    }
    return false;
}

bool hasDatabaseSuffix(const std::string& name) {
    for (const char* suffix : {".db", ".sqlite", ".sqlite3"}) {
        const size_t n = strlen(suffix);
        if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) return true;
    }
    return false;
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

// A file name worth saying it was skipped: one RunLens might have read.
bool looksLikeData(const std::string& name) {
    return TensorBoardSource::isEventFileName(name) || hasJournalSuffix(name) ||
           hasDatabaseSuffix(name) || name.ends_with(".csv") || name.ends_with(".zip") ||
           name.ends_with(".wandb");
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

    void walk(const QString& dir, int depth) {
        const QString canonical = QFileInfo(dir).canonicalFilePath();
        if (canonical.isEmpty() || m_visited.contains(canonical)) return;
        m_visited.insert(canonical);

        if (MlflowFileSource::looksLikeStore(dir)) {
            m_result.sources.push_back(std::make_unique<MlflowFileSource>(dir));
            return;  // an mlruns folder holds nothing else of ours
        }
        std::vector<DirEntry> entries;
        QString error;
        if (!listDirectory(toLocalPath(dir), entries, &error)) {
            m_result.problems.append(
                {dir, QStringLiteral("Folder %1; it was not searched").arg(error)});
            return;
        }
        if (depth == 0 && HydraJobs::isJobFolder(dir)) addHydra(dir);  // opened on a job
        bool hasEvents = false;
        QStringList badNames;
        for (const DirEntry& e : entries) {
            if (!isValidUtf8Name(e.name)) {
                if (e.isDir || looksLikeData(e.name)) badNames << QString::fromStdString(e.name);
                continue;
            }
            const QString path = dir + u'/' + QString::fromStdString(e.name);
            if (e.isSpecial) {
                // A FIFO, socket or device named like data is said, never opened (event files
                // are left to the TensorBoard reader, which says the same).
                QString why;
                if (looksLikeData(e.name) && !TensorBoardSource::isEventFileName(e.name) &&
                    !isRegularFile(toLocalPath(path), &why))
                    m_result.problems.append({path, QString::fromStdString(e.name) + u' ' + why});
                if (!TensorBoardSource::isEventFileName(e.name)) continue;
            }
            // A Hydra job folder, whatever else it is (its tracker's runs are inside it).
            if (e.isDir && e.name != ".hydra" && HydraJobs::isJobFolder(path)) addHydra(path);
            if (!e.isDir && TensorBoardSource::isEventFileName(e.name)) hasEvents = true;
            if (e.isDir && WandbSource::isRunFolder(path)) {
                addWandb(dir);  // its run folders are read by the W&B source, not walked
            } else if (!e.isDir && CometSource::isArchive(path)) {
                m_cometArchives << path;
            } else if (!CsvSource::looksLikeRun(path).isEmpty()) {
                addCsvRun(path);  // a simple logger's run folder or Keras file
            } else if (e.isDir) {
                if (depth >= m_options.maxDepth || isSkippedFolder(e.name)) continue;
                const QString why = whyNotFollowed(path, e.isSymlink);
                if (why.isEmpty())
                    walk(path, depth + 1);
                else
                    m_result.skipped.append({path, why});
            } else if (e.name == "mlflow.db") {
                // Named like MLflow's default store: always a source, so a broken one is reported.
                addDatabase(path);
            } else if (hasJournalSuffix(e.name) && OptunaJournalSource::looksLikeJournal(path)) {
                addJournal(path);
            } else if (hasDatabaseSuffix(e.name)) {
                addDatabaseFile(path);
            }
        }
        if (hasEvents) m_eventDirs << dir;
        if (!badNames.isEmpty())
            m_result.problems.append(
                {dir, QStringLiteral("%1 names here are not valid UTF-8 (the first reads \"%2\"); "
                                     "they were skipped (rename them to read them)")
                          .arg(badNames.size())
                          .arg(badNames.first())});
    }

    // A file with a database's suffix: read if it holds MLflow's or Optuna's tables, said if
    // it is an SQLite file SQLite cannot read (a corrupt optuna.db), else none of ours.
    void addDatabaseFile(const QString& path) {
        const SqliteTables tables = sqliteTables(path);
        if (!tables.error.isEmpty())
            m_result.problems.append({path, QStringLiteral("%1 %2; it was skipped")
                                                .arg(QFileInfo(path).fileName(), tables.error)});
        else if (MlflowSqlSource::hasTables(tables))
            addDatabase(path);
        else if (OptunaSqlSource::hasTables(tables))
            addOptuna(path);
    }

    // TensorBoard's logdir for the event folders found under `opened`: their deepest common
    // folder, or its parent when that folder is itself a run (so a lone run is named after
    // its folder, not "."), except that a run at the opened folder with runs below it stays
    // "." as in `tensorboard --logdir`.
    void addTensorBoard(const QString& opened) {
        if (m_eventDirs.isEmpty()) return;
        QString common = m_eventDirs.first();
        for (const QString& dir : std::as_const(m_eventDirs))
            while (!(dir == common || dir.startsWith(common + u'/')))
                common = QFileInfo(common).absolutePath();
        QString logdir = common;
        const bool commonIsRun = m_eventDirs.contains(common);
        if (commonIsRun && (common != opened || m_eventDirs.size() == 1))
            logdir = QFileInfo(common).absolutePath();
        m_result.sources.push_back(std::make_unique<TensorBoardSource>(
            logdir, opened.startsWith(logdir + u'/') ? opened : logdir));
    }

    void addDatabase(const QString& path) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (m_visited.contains(canonical)) return;
        m_visited.insert(canonical);
        // A file named on its own is Optuna's if it has Optuna's tables or journal lines;
        // MLflow's reader explains what is wrong with anything else.
        if (OptunaJournalSource::looksLikeJournal(path))
            m_result.sources.push_back(std::make_unique<OptunaJournalSource>(path));
        else if (OptunaSqlSource::looksLikeStore(path))
            m_result.sources.push_back(std::make_unique<OptunaSqlSource>(path));
        else
            m_result.sources.push_back(std::make_unique<MlflowSqlSource>(path));
    }

    void addJournal(const QString& path) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (m_visited.contains(canonical)) return;
        m_visited.insert(canonical);
        m_result.sources.push_back(std::make_unique<OptunaJournalSource>(path));
    }

    // Once per real folder or file: a link to a run inside the project is the same run.
    void addCsvRun(const QString& path) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (m_csvCanonical.contains(canonical)) return;
        m_csvCanonical.insert(canonical);
        m_csvRuns << path;
    }

    void addHydra(const QString& dir) {
        if (!m_result.hydra) m_result.hydra = std::make_shared<HydraJobs>();
        m_result.hydra->add(dir);
    }

    void addWandb(const QString& dir) {
        if (m_wandbRoots.contains(dir)) return;
        m_wandbRoots.insert(dir);
        m_result.sources.push_back(std::make_unique<WandbSource>(dir));
    }

    void addOptuna(const QString& path) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (m_visited.contains(canonical)) return;
        m_visited.insert(canonical);
        m_result.sources.push_back(std::make_unique<OptunaSqlSource>(path));
    }

private:
    const DetectOptions& m_options;
    DetectResult& m_result;
    const QString m_root;  // canonical
    const dev_t m_rootDevice;
    QSet<QString> m_visited;
    QSet<QString> m_csvCanonical;
    QStringList m_eventDirs;
    QSet<QString> m_wandbRoots;

public:
    QStringList m_csvRuns;
    QStringList m_cometArchives;
};

}  // namespace

DetectResult detectSources(const QString& path, const DetectOptions& options) {
    DetectResult result;
    const QFileInfo info(path);
    if (!info.exists()) {
        result.problems.append({path, QStringLiteral("No such file or folder")});
        return result;
    }
    Walker walker(options, result, info.isDir() ? info.absoluteFilePath() : info.absolutePath());
    if (info.isDir()) {
        // Opened on a simple logger's run folder itself (a Lightning version_0, say).
        if (!CsvSource::looksLikeRun(info.absoluteFilePath()).isEmpty())
            walker.addCsvRun(info.absoluteFilePath());
        walker.walk(info.absoluteFilePath(), 0);
        walker.addTensorBoard(info.absoluteFilePath());
        if (!walker.m_cometArchives.isEmpty())
            result.sources.push_back(
                std::make_unique<CometSource>(info.absoluteFilePath(), walker.m_cometArchives));
        if (!walker.m_csvRuns.isEmpty())
            result.sources.push_back(
                std::make_unique<CsvSource>(info.absoluteFilePath(), walker.m_csvRuns));
    } else {
        // A file named on the command line is taken as an MLflow database, whatever its
        // name; reading it says clearly if it is not one.
        walker.addDatabase(info.absoluteFilePath());
    }
    return result;
}

QStringList knownFormats() {
    return {
        QStringLiteral("MLflow file stores: an mlruns folder (meta.yaml per experiment)"),
        QStringLiteral(
            "MLflow SQLite stores: mlflow.db, or any .db / .sqlite with MLflow's tables"),
        QStringLiteral("TensorBoard logdirs: events.out.tfevents.* files"),
        QStringLiteral("Optuna studies: an SQLite storage, or a journal file (.log, .journal)"),
        QStringLiteral("W&B offline runs: wandb/run-* or offline-run-* folders with a .wandb file"),
        QStringLiteral("Comet offline archives: .zip files with experiment.json"),
        QStringLiteral("Lightning CSVLogger: version_N/metrics.csv with hparams.yaml"),
        QStringLiteral("Keras CSVLogger: a .csv or .log whose header starts with epoch"),
        QStringLiteral("Stable-Baselines3: progress.csv"),
        QStringLiteral("DVCLive: a dvclive folder (params.yaml, plots/metrics)"),
        QStringLiteral("Sacred: FileStorageObserver run folders (run.json, metrics.json)"),
        QStringLiteral("Hydra: job folders with .hydra/config.yaml (their params join the runs)"),
        QStringLiteral("Script folders: metrics.csv or metrics.jsonl, with params.json or "
                       "params.yaml"),
    };
}

}  // namespace runlens
