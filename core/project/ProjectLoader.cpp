#include "ProjectLoader.h"

#include <QFileInfo>

namespace runlens {

Source* LoadedProject::sourceFor(const Run& run) const {
    for (const SourcePtr& source : sources)
        if (source->kind() == run.sourceKind &&
            run.id.text().startsWith(source->kind() + u':' + RunId::rootHash(source->root())))
            return source.get();
    return nullptr;
}

LoadedProject loadProject(const QString& path, const ScanOptions& options,
                          const DetectOptions& detect,
                          const std::function<void(int)>& sourcesFound) {
    LoadedProject project;
    DetectResult found = detectSources(path, detect);
    project.sources = std::move(found.sources);
    project.hydra = std::move(found.hydra);
    project.delta.problems = std::move(found.problems);
    if (sourcesFound) sourcesFound(int(project.sources.size()));
    int readBefore = 0;  // runs of the sources already scanned
    ScanOptions sourceOptions = options;
    if (options.progress) sourceOptions.progress = [&](int n) { options.progress(readBefore + n); };
    for (const SourcePtr& source : project.sources) {
        if (options.cancelled()) {
            project.delta.cancelled = true;
            break;
        }
        ScanDelta delta = source->scan(sourceOptions);
        readBefore += int(delta.runs.size());
        project.runCounts.push_back(int(delta.runs.size()));
        project.delta.problems += delta.problems;
        for (Run& run : delta.runs)
            project.delta.runs.push_back(std::move(run));
        if (delta.cancelled) project.delta.cancelled = true;
    }
    if (project.hydra) {
        project.hydra->join(project.delta.runs);
        for (Run& run :
             project.hydra->standaloneRuns(project.delta.runs, QFileInfo(path).absoluteFilePath()))
            project.delta.runs.push_back(std::move(run));
    }
    sortRunsNewestFirst(project.delta.runs);
    return project;
}

}  // namespace runlens
