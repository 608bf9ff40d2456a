#include "HydraJobs.h"

#include <yaml-cpp/yaml.h>

#include <QDir>
#include <QFileInfo>

#include "codec/LocalFiles.h"
#include "sources/YamlParams.h"

namespace runlens {

bool HydraJobs::isJobFolder(const QString& dir) {
    return QFileInfo::exists(dir + QStringLiteral("/.hydra/config.yaml"));
}

namespace {
// Hydra's config.yaml and overrides.yaml are a few KB; a bigger one is not Hydra's.
constexpr uint64_t kMaxHydraFileBytes = 64 << 20;
}  // namespace

void HydraJobs::add(const QString& dir) {
    HydraJob job;
    job.dir = QDir(dir).absolutePath();
    std::string bytes;
    QString error;
    ParamBudget budget;
    const QString config = dir + QStringLiteral("/.hydra/config.yaml");
    const QString overrides = dir + QStringLiteral("/.hydra/overrides.yaml");
    try {
        if (readWholeFile(toLocalPath(config), bytes, &error, kMaxHydraFileBytes))
            addYamlParams(job.params, {}, YAML::Load(bytes), budget);
        else
            job.problem = QStringLiteral(".hydra/config.yaml %1").arg(error);
        if (QFileInfo::exists(overrides)) {
            if (readWholeFile(toLocalPath(overrides), bytes, &error, kMaxHydraFileBytes))
                job.overrides = yamlStrings(YAML::Load(bytes), budget).join(u' ');
            else
                job.problem = QStringLiteral(".hydra/overrides.yaml %1").arg(error);
        }
    } catch (const YAML::Exception& e) {
        job.problem = QStringLiteral(
                          ".hydra: a file is not valid YAML (line %1); its params were "
                          "skipped")
                          .arg(e.mark.line + 1);
    }
    if (budget.exhausted()) job.problem = QStringLiteral(".hydra: ") + budget.problem();
    m_jobs.push_back(std::move(job));
}

Problems HydraJobs::problems() const {
    Problems out;
    for (const HydraJob& job : m_jobs)
        if (!job.problem.isEmpty()) out.append({job.dir, job.problem});
    return out;
}

const HydraJob* HydraJobs::jobOf(const QString& location) const {
    const HydraJob* best = nullptr;  // the innermost job folder holding `location`
    for (const HydraJob& job : m_jobs)
        if ((location == job.dir || location.startsWith(job.dir + u'/')) &&
            (!best || job.dir.size() > best->dir.size()))
            best = &job;
    return best;
}

void HydraJobs::join(std::vector<Run>& runs) const {
    if (m_jobs.empty()) return;
    for (Run& run : runs) {
        if (run.sourceKind == u"hydra") continue;
        const HydraJob* job = jobOf(run.location);
        if (!job) continue;
        for (auto it = job->params.begin(); it != job->params.end(); ++it)
            if (!run.params.contains(it.key())) run.params.insert(it.key(), it.value());
        if (!job->overrides.isEmpty())
            run.tags.insert(QStringLiteral("hydra.overrides"), job->overrides);
        run.tags.insert(QStringLiteral("hydra.job"), job->dir);
        if (!job->problem.isEmpty()) run.problems << job->problem;
    }
}

std::vector<Run> HydraJobs::standaloneRuns(const std::vector<Run>& others,
                                           const QString& root) const {
    std::vector<Run> out;
    for (const HydraJob& job : m_jobs) {
        const bool joined = std::any_of(others.begin(), others.end(), [&](const Run& r) {
            return r.location == job.dir || r.location.startsWith(job.dir + u'/');
        });
        if (joined) continue;
        Run run;
        run.sourceKind = QStringLiteral("hydra");
        run.location = job.dir;
        run.nativeId = QDir(root).relativeFilePath(job.dir);
        run.name = run.nativeId;
        run.experiment = QFileInfo(QFileInfo(job.dir).path()).fileName();
        run.params = job.params;
        if (!job.overrides.isEmpty())
            run.tags.insert(QStringLiteral("hydra.overrides"), job.overrides);
        if (!job.problem.isEmpty()) run.problems << job.problem;
        run.id = RunId::make(run.sourceKind, root, run.nativeId);
        out.push_back(std::move(run));
    }
    return out;
}

}  // namespace runlens
