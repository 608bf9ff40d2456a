#pragma once

#include <QHash>
#include <QJsonArray>
#include <QMap>
#include <QString>
#include <map>
#include <vector>

#include "model/MetricSeries.h"
#include "model/Run.h"

namespace runlens {

// Optuna's studies as both storages hold them (optuna/storages/_rdb/models.py and
// _journal/), before they become runs: a study is an experiment, a trial a run.
struct OptunaTrial {
    int number = 0;
    QString state;          // RUNNING COMPLETE PRUNED FAIL WAITING
    QString datetimeStart;  // naive local time, "YYYY-MM-DD HH:MM:SS.ffffff" or ISO with T
    QString datetimeComplete;
    struct Param {
        QString name;
        double internal = 0;   // a categorical's index, ints as floats
        QString distribution;  // distribution_json
    };
    std::vector<Param> params;
    std::vector<double> values;          // per objective; NaN where absent
    MetricSeries intermediate;           // step, value (NaN and infinities kept)
    QMap<QString, QString> userAttrs;    // key -> value_json
    QMap<QString, QString> systemAttrs;  // key -> value_json
};

struct OptunaStudy {
    QString name;
    QStringList directions;  // MINIMIZE / MAXIMIZE per objective
    std::vector<OptunaTrial> trials;
};

// The runs of `studies`: native id "<study>#<number>", name "trial <number>", params typed
// from their distributions, objective metric "value" (or values_0, values_1, ...),
// intermediate values as metric "intermediate_value", user attrs as params
// "user_attrs.<key>", system attrs as tags, tag "optuna.directions" (MINIMIZE,MAXIMIZE);
// each param's distribution as its hint (log scale, a categorical's choices in order).
std::vector<Run> optunaRuns(const QString& kind, const QString& root,
                            const std::vector<OptunaStudy>& studies);

// A param's typed value: categorical index -> its choice (text, number, bool or null), int
// distributions as integers; text is the shortest round-trip number, true/false or null.
ParamValue optunaParamValue(double internal, const QString& distributionJson);

// What a distribution_json says.
struct OptunaDistribution {
    enum Kind { Float, Int, Categorical } kind = Float;
    bool log = false;
    QJsonArray choices;
    ParamHint hint() const;
};
OptunaDistribution optunaDistribution(const QString& distributionJson);

// Distributions parsed once per distinct text: a study repeats a handful on every trial.
class OptunaDistributions {
public:
    const OptunaDistribution& of(const QString& distributionJson);

private:
    QHash<QString, OptunaDistribution> m_parsed;
};
ParamValue optunaParamValue(double internal, const OptunaDistribution& distribution);
// A value_json attribute: strings unquoted, numbers and bools typed, the rest as JSON text.
ParamValue optunaAttrValue(const QString& valueJson);
// Moves each trial's intermediate values out, by run native id ("<study>#<number>"), for
// histories.
std::map<QString, MetricSeries> takeIntermediate(std::vector<OptunaStudy>& studies);
// Gives every intermediate point its trial's start time (Optuna stores no time per point).
void stampIntermediateTimes(std::vector<OptunaStudy>& studies);
// Naive local datetime text to ms since the epoch.
std::optional<qint64> optunaTime(const QString& text);

}  // namespace runlens
