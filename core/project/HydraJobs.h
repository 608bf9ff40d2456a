#pragma once

#include <QMap>
#include <QString>
#include <QStringList>
#include <vector>

#include "model/Problem.h"
#include "model/Run.h"
#include "sources/Source.h"

namespace runlens {

// Hydra job folders (a folder with `.hydra/config.yaml`): Hydra writes the job's config and
// its command-line overrides there, and the job's tracker writes its runs below. The config
// becomes params of every run inside the folder (the tracker's own params win on a clash), the
// overrides a tag `hydra.overrides`. A job folder with no run of another tracker inside is a
// run of its own (source "hydra", params only).
struct HydraJob {
    QString dir;
    QMap<QString, ParamValue> params;
    QString overrides;  // "lr=0.1 model=resnet"
    QString problem;    // a config that could not be read
};

class HydraJobs {
public:
    static bool isJobFolder(const QString& dir);
    void add(const QString& dir);
    bool empty() const { return m_jobs.empty(); }
    // Adds the job's params to the runs inside a job folder.
    void join(std::vector<Run>& runs) const;
    // What could not be read of the job folders, one problem per job folder.
    Problems problems() const;
    // Job folders with no run inside, as runs of their own.
    std::vector<Run> standaloneRuns(const std::vector<Run>& others, const QString& root) const;

private:
    const HydraJob* jobOf(const QString& location) const;
    std::vector<HydraJob> m_jobs;
};

}  // namespace runlens
