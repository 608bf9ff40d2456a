#pragma once

#include <QString>
#include <cmath>
#include <vector>

#include "sources/MlflowSqlStore.h"

// A chart's read of one metric for many runs (MlflowSqlStore::histories, one query) against the
// same runs read one by one: every run delivered, every history the same point for point
// (NaN equal to NaN), the same place to go on from. `failure` says where they first differ.
namespace testsupport {

struct ManyRunCheck {
    QString failure;
    size_t found = 0;  // runs that have the metric
};

inline ManyRunCheck compareManyRunRead(runlens::MlflowSqlStore& store,
                                       const std::vector<runlens::Run>& runs, const QString& key) {
    using runlens::HistoryResult;
    std::vector<HistoryResult> together(runs.size());
    std::vector<bool> delivered(runs.size(), false);
    runlens::HistoryBatch batch;
    batch.cancelled = [] { return false; };
    batch.deliver = [&](size_t i, HistoryResult result) {
        delivered[i] = true;
        together[i] = std::move(result);
    };
    store.histories(runs, key, batch, 0);
    ManyRunCheck check;
    for (size_t i = 0; i < runs.size() && check.failure.isEmpty(); ++i) {
        const QString where = runs[i].name + u' ' + key;
        const HistoryResult alone = store.history(runs[i], key, 0);
        const HistoryResult& one = together[i];
        const auto& a = one.series;
        const auto& b = alone.series;
        bool same = a.steps == b.steps && a.wallTimesMs == b.wallTimesMs &&
                    a.values.size() == b.values.size();
        for (size_t p = 0; same && p < a.values.size(); ++p)
            same =
                a.values[p] == b.values[p] || (std::isnan(a.values[p]) && std::isnan(b.values[p]));
        if (!delivered[i])
            check.failure = where + QStringLiteral(": not delivered");
        else if (!one.problems.isEmpty())
            check.failure = where + QStringLiteral(": ") + one.problems.front().message;
        else if (one.found != alone.found || one.resume != alone.resume || !same)
            check.failure = where + QStringLiteral(": not as read alone");
        check.found += one.found ? 1 : 0;
    }
    return check;
}

}  // namespace testsupport
