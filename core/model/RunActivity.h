#pragma once

#include <QString>
#include <optional>

#include "Run.h"

namespace runlens {

// A run whose tracker still says "running" but whose data stopped coming (the process was
// killed before it could write an end record: a W&B offline run taken by the OOM killer, an
// MLflow run left RUNNING, a TensorBoard session with no end) is "stale" once nothing was
// logged for a quiet period, rather than running forever. docs/READING.md states the rule.
constexpr qint64 kStaleAfterMs = 10 * 60 * 1000;

// When the run last wrote something we can see: its latest metric point, else its start.
std::optional<qint64> lastWriteMs(const Run& run);

// Running by its tracker, and nothing logged for `quietMs` up to `nowMs`.
bool isStale(const Run& run, qint64 nowMs, qint64 quietMs = kStaleAfterMs);

// The status as RunLens shows and filters it: the tracker's, or "stale".
QString shownStatusName(const Run& run, qint64 nowMs, qint64 quietMs = kStaleAfterMs);

// "no end record · last write 3 h ago" for a stale run; empty otherwise.
QString staleNote(const Run& run, qint64 nowMs, qint64 quietMs = kStaleAfterMs);

}  // namespace runlens
