#pragma once

#include <QString>
#include <vector>

#include "Run.h"

namespace runlens {

// One column of the run table as every view reads it: a param, a metric's latest value, a
// tag or an attribute, named as in the filter language ("params.lr", "metrics.val/acc").
struct ColumnRef {
    enum class Kind { Param, Metric, Tag, Attribute };
    Kind kind = Kind::Param;
    QString name;

    // "params.lr" -> Param "lr". A key without a known prefix is a param.
    static ColumnRef parse(const QString& key);
    static ColumnRef param(QString name) { return {Kind::Param, std::move(name)}; }
    static ColumnRef metric(QString name) { return {Kind::Metric, std::move(name)}; }
    static ColumnRef tag(QString name) { return {Kind::Tag, std::move(name)}; }
    static ColumnRef attribute(QString name) { return {Kind::Attribute, std::move(name)}; }
    QString key() const;        // "params.lr"
    QString filterKey() const;  // the key as the filter language reads it (quoted if needed)
    friend bool operator==(const ColumnRef& a, const ColumnRef& b) {
        return a.kind == b.kind && a.name == b.name;
    }
};

// A run's value in one column: a number (with the text the tracker wrote), a text, or
// nothing. Bools and nulls are text, as they are categories, not quantities.
struct CellValue {
    enum class Kind { Missing, Number, Text };
    Kind kind = Kind::Missing;
    double number = 0;
    QString text;  // original text; for numbers without one, the shortest repr
};

// Which of a metric's summaries a column shows: the latest value (MLflow's rule), or the
// minimum or maximum over its history (when the reader knows them).
enum class MetricStat { Last, Min, Max };

CellValue cellValue(const Run& run, const ColumnRef& column, MetricStat stat = MetricStat::Last);

// Attributes a view can show as a column.
const QStringList& viewAttributes();

// The columns worth a parallel-coordinates axis by default: params whose value differs across
// `runs`, then metrics present in most runs (at least a few of them), at most `limit` in all.
std::vector<ColumnRef> defaultAxes(const std::vector<const Run*>& runs, int limit = 12);

// When `runs` come from several experiments (Optuna studies, MLflow experiments, TensorBoard
// logdirs), the one whose params say most: the most runs with params, then the most runs, then
// the first name. Empty when they come from one. Default axes are taken from its runs, as
// axes picked over unrelated searches leave every run missing most of them.
QString largestExperiment(const std::vector<const Run*>& runs);

// The axes parallel coordinates show over `runs`: `chosen`, or when none are chosen the
// default axes of the largest experiment's runs (its name and run count in `*experiment`
// and `*experimentRuns`, empty and 0 when chosen or when all runs are one experiment's).
std::vector<ColumnRef> parallelColumns(const std::vector<const Run*>& runs,
                                       const std::vector<ColumnRef>& chosen,
                                       QString* experiment = nullptr,
                                       int* experimentRuns = nullptr);

// Every param and metric key of `runs`, params first, each sorted.
std::vector<ColumnRef> allColumns(const std::vector<const Run*>& runs);

}  // namespace runlens
