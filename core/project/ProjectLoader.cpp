#include "ProjectLoader.h"

#include <QFileInfo>

namespace runlens {

void LoadedProject::indexSources() {
    m_sourceIndex.clear();
    for (size_t i = 0; i < sources.size(); ++i)
        m_sourceIndex.insert(sources[i]->kind() + u':' + RunId::rootHash(sources[i]->root()),
                             int(i));
}

int LoadedProject::sourceIndexOf(const Run& run) const {
    const QString& id = run.id.text();
    const qsizetype second = id.indexOf(u':', id.indexOf(u':') + 1);
    return second < 0 ? -1 : m_sourceIndex.value(id.left(second), -1);
}

Source* LoadedProject::sourceFor(const Run& run) const {
    const int i = sourceIndexOf(run);
    return i < 0 ? nullptr : sources[size_t(i)].get();
}

std::vector<const Run*> LoadedProject::runsNamed(const QString& idOrNativeId) const {
    std::vector<const Run*> matches;
    for (const Run& run : delta.runs)
        if (run.id.text() == idOrNativeId) return {&run};
    for (const Run& run : delta.runs)
        if (run.nativeId == idOrNativeId) matches.push_back(&run);
    return matches;
}

bool LoadedProject::nothingRead() const {
    return delta.runs.empty() && (sources.empty() || !delta.problems.isEmpty());
}

ScanDelta scanGuarded(Source& source, const ScanOptions& options) {
    QString what;
    try {
        return source.scan(options);
    } catch (const std::exception& e) {
        what = QString::fromLocal8Bit(e.what());
    } catch (...) {
        what = QStringLiteral("an unknown error");
    }
    ScanDelta delta;
    delta.problems.append(
        {source.root(), QStringLiteral("Reading this %1 source failed (%2); its runs were skipped")
                            .arg(source.kind(), what)});
    return delta;
}

HistoryResult loadHistoryGuarded(Source& source, const Run& run, const QString& metric,
                                 uint64_t resume) {
    QString what;
    try {
        return source.loadHistoryFrom(run, metric, resume);
    } catch (const std::exception& e) {
        what = QString::fromLocal8Bit(e.what());
    } catch (...) {
        what = QStringLiteral("an unknown error");
    }
    HistoryResult result;
    result.problems.append(
        {run.location, QStringLiteral("Reading the history of %1 failed (%2)").arg(metric, what)});
    return result;
}

void loadHistoriesGuarded(Source& source, const std::vector<Run>& runs, const QString& metric,
                          const HistoryBatch& batch) {
    std::vector<bool> delivered(runs.size(), false);
    HistoryBatch noting = batch;
    noting.deliver = [&](size_t i, HistoryResult result) {
        delivered[i] = true;
        batch.deliver(i, std::move(result));
    };
    QString what;
    try {
        source.loadHistories(runs, metric, noting);
        return;
    } catch (const std::exception& e) {
        what = QString::fromLocal8Bit(e.what());
    } catch (...) {
        what = QStringLiteral("an unknown error");
    }
    for (size_t i = 0; i < runs.size(); ++i) {
        if (delivered[i]) continue;
        HistoryResult result;
        result.problems.append(
            {runs[i].location,
             QStringLiteral("Reading the history of %1 failed (%2)").arg(metric, what)});
        batch.deliver(i, std::move(result));
    }
}

namespace {

LoadedProject loadDetected(const QString& path, DetectResult found, const ScanOptions& options,
                           const std::function<void(int)>& sourcesFound) {
    LoadedProject project;
    project.sources = std::move(found.sources);
    project.indexSources();
    project.hydra = std::move(found.hydra);
    project.delta.problems = std::move(found.problems);
    project.skipped = std::move(found.skipped);
    if (sourcesFound) sourcesFound(int(project.sources.size()));
    int readBefore = 0;  // runs of the sources already scanned
    ScanOptions sourceOptions = options;
    if (options.progress) sourceOptions.progress = [&](int n) { options.progress(readBefore + n); };
    for (const SourcePtr& source : project.sources) {
        if (options.cancelled()) {
            project.delta.cancelled = true;
            break;
        }
        ScanDelta delta = scanGuarded(*source, sourceOptions);
        readBefore += int(delta.runs.size());
        project.runCounts.push_back(int(delta.runs.size()));
        project.delta.problems += delta.problems;
        for (Run& run : delta.runs)
            project.delta.runs.push_back(std::move(run));
        if (delta.cancelled) project.delta.cancelled = true;
    }
    if (project.hydra) {
        project.delta.problems += project.hydra->problems();
        project.hydra->join(project.delta.runs);
        for (Run& run :
             project.hydra->standaloneRuns(project.delta.runs, QFileInfo(path).absoluteFilePath()))
            project.delta.runs.push_back(std::move(run));
    }
    sortRunsNewestFirst(project.delta.runs);
    return project;
}

}  // namespace

LoadedProject loadProject(const QString& path, const ScanOptions& options,
                          const DetectOptions& detect,
                          const std::function<void(int)>& sourcesFound) {
    DetectOptions whole = detect;
    whole.onlyRun.clear();
    if (!options.onlyRun.isEmpty()) {
        DetectOptions atRun = whole;
        atRun.onlyRun = options.onlyRun;
        DetectResult found = detectSources(path, atRun);
        const bool onlyAtRun = found.onlyAtRun;
        LoadedProject project = loadDetected(path, std::move(found), options, sourcesFound);
        if (!onlyAtRun || !project.runsNamed(options.onlyRun).empty() || project.delta.cancelled)
            return project;
    }
    return loadDetected(path, detectSources(path, whole), options, sourcesFound);
}

}  // namespace runlens
