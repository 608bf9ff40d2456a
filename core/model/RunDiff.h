#pragma once

#include <QString>
#include <QStringList>
#include <vector>

#include "Run.h"

namespace runlens {

// The side-by-side comparison of two or more runs: one row per key that any of them has
// (attributes, then params, metrics and tags), one text per run ("" where a run lacks the
// key), and whether the texts differ. Keys keep their '/' or '.' nesting in `group` (the
// part before the last separator) so views can group them.
struct RunDiffRow {
    QString section;  // "Run", "Params", "Metrics", "Tags"
    QString key;
    QString group;  // "train" for "train/loss", "mlflow" for "mlflow.runName", "" otherwise
    QStringList values;
    bool differs = false;
};

std::vector<RunDiffRow> diffRuns(const std::vector<const Run*>& runs);

}  // namespace runlens
