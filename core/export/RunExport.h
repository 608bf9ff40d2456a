#pragma once

#include <QByteArray>
#include <functional>
#include <vector>

#include "model/MetricSeries.h"
#include "model/NumberText.h"
#include "model/Problem.h"
#include "model/Run.h"
#include "model/RunColumn.h"

namespace runlens {

// The command line's documented output (README, "JSON output"), also used for the GUI's
// CSV export of the run table.

struct SourceSummary {
    QString kind;
    QString root;
    int runs = 0;
    QMap<QString, QStringList> skippedTags;  // kind -> tags whose payloads are not read
};

// `runlens-cli sources --format json`: {"sources": [{"kind", "root", "runs"}], "problems": [...],
// "skipped": [{"path", "reason"}]} (folders not searched on purpose).
QByteArray sourcesToJson(const std::vector<SourceSummary>& sources, const Problems& problems,
                         const Problems& skipped = {});

QByteArray runsToJson(const std::vector<const Run*>& runs, const Problems& problems, bool indent);
// One row per run: id, native_id, name, experiment, source, status, start_time, end_time,
// parent_id, then params.<key>, metrics.<key> (the latest value) and tags.<key>, each
// group's keys sorted. RFC 4180 quoting.
QByteArray runsToCsv(const std::vector<const Run*>& runs);
// The data of a parallel-coordinates or scatter view: one row per run (id, name), one column
// per axis key, values as the tracker wrote them (numbers in full precision), empty when
// missing. RFC 4180 quoting, CRLF line ends.
QByteArray columnsToCsv(const std::vector<const Run*>& runs, const std::vector<ColumnRef>& columns);
// Aligned columns for a terminal.
QByteArray runsToTable(const std::vector<const Run*>& runs);

// `runlens-cli history`: {"run", "metric", "points": [[step, value, timestamp_ms], ...]}.
QByteArray historyToJson(const Run& run, const QString& metric, const MetricSeries& series);
// step,value,timestamp_ms rows, CRLF line ends.
QByteArray historyToCsv(const MetricSeries& series);

// Receives an export's bytes in order, a piece of up to 64 KB at a time.
using ByteSink = std::function<void(const char* data, size_t size)>;
// The bytes of historyToJson() and historyToCsv() given to `sink` as they are made, so that a
// history of millions of points is written without being held (nor its pages touched) whole.
void writeHistoryJson(const Run& run, const QString& metric, const MetricSeries& series,
                      const ByteSink& sink);
void writeHistoryCsv(const MetricSeries& series, const ByteSink& sink);

// numberText() (model/NumberText.h) as bytes, for the exports.
QByteArray numberBytes(double value);
QString isoTime(std::optional<qint64> ms);

}  // namespace runlens
