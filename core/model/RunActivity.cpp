#include "RunActivity.h"

#include <algorithm>
#include <cmath>

#include "analysis/AxisTicks.h"

namespace runlens {

std::optional<qint64> lastWriteMs(const Run& run) {
    std::optional<qint64> last = run.startTimeMs;
    for (const MetricSummary& m : run.metrics)
        if (m.count > 0 && std::isfinite(m.timestampMs) && m.timestampMs > 0)
            last = std::max(last.value_or(0), qint64(m.timestampMs));
    return last;
}

bool isStale(const Run& run, qint64 nowMs, qint64 quietMs) {
    if (run.status != RunStatus::Running || run.endTimeMs) return false;
    const std::optional<qint64> last = lastWriteMs(run);
    return last && nowMs - *last > quietMs;
}

QString shownStatusName(const Run& run, qint64 nowMs, qint64 quietMs) {
    return isStale(run, nowMs, quietMs) ? QStringLiteral("stale") : statusName(run.status);
}

QString staleNote(const Run& run, qint64 nowMs, qint64 quietMs) {
    if (!isStale(run, nowMs, quietMs)) return {};
    const double seconds = double(nowMs - *lastWriteMs(run)) / 1000.0;
    // Whole units are enough here: "3 h ago", not "3 h 12 min ago".
    const QString ago = durationText(seconds).section(u' ', 0, 1);
    return QStringLiteral("no end record · last write %1 ago").arg(ago);
}

}  // namespace runlens
