#include "OptunaStudy.h"

#include "model/NumberCast.h"
#include "model/NumberText.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <charconv>
#include <cmath>

namespace runlens {

namespace {

ParamValue fromJson(const QJsonValue& v) {
    switch (v.type()) {
        case QJsonValue::Bool:
            return ParamValue::fromBool(
                v.toBool(), v.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
        case QJsonValue::Double: {
            const QVariant n = v.toVariant();
            if (n.typeId() == QMetaType::LongLong)
                return ParamValue::fromInt(n.toLongLong(), QString::number(n.toLongLong()));
            return ParamValue::fromDouble(v.toDouble(), numberText(v.toDouble()));
        }
        case QJsonValue::String:
            return ParamValue::fromString(v.toString());
        case QJsonValue::Null:
            return ParamValue::null(QStringLiteral("null"));
        default: {
            const QJsonDocument doc =
                v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
            return ParamValue::fromString(QString::fromUtf8(doc.toJson(QJsonDocument::Compact)));
        }
    }
}

RunStatus statusOf(const QString& state) {
    if (state == u"RUNNING") return RunStatus::Running;
    if (state == u"COMPLETE") return RunStatus::Finished;
    if (state == u"PRUNED") return RunStatus::Pruned;
    if (state == u"FAIL") return RunStatus::Failed;
    if (state == u"WAITING") return RunStatus::Scheduled;
    return RunStatus::Unknown;
}

}  // namespace

const OptunaDistribution& OptunaDistributions::of(const QString& distributionJson) {
    if (const auto it = m_parsed.constFind(distributionJson); it != m_parsed.constEnd()) return *it;
    if (m_parsed.size() > 4096) m_parsed.clear();  // hostile input: every trial its own
    return m_parsed.insert(distributionJson, optunaDistribution(distributionJson)).value();
}

ParamHint OptunaDistribution::hint() const {
    ParamHint h;
    h.log = log;
    for (const QJsonValue& choice : choices)
        h.choices << fromJson(choice).text();
    return h;
}

OptunaDistribution optunaDistribution(const QString& distributionJson) {
    const QJsonObject dist = QJsonDocument::fromJson(distributionJson.toUtf8()).object();
    const QString name = dist.value(QStringLiteral("name")).toString();
    const QJsonObject attrs = dist.value(QStringLiteral("attributes")).toObject();
    OptunaDistribution d;
    if (name == u"CategoricalDistribution") {
        d.kind = OptunaDistribution::Categorical;
        d.choices = attrs.value(QStringLiteral("choices")).toArray();
    } else if (name.startsWith(u"Int")) {
        d.kind = OptunaDistribution::Int;
    }
    d.log = attrs.value(QStringLiteral("log")).toBool() || name.contains(u"LogUniform");
    return d;
}

ParamValue optunaParamValue(double internal, const OptunaDistribution& d) {
    if (d.kind == OptunaDistribution::Categorical) {
        const std::optional<qint64> index = toInt64(internal);
        if (index && *index >= 0 && *index < d.choices.size() && double(*index) == internal)
            return fromJson(d.choices[qsizetype(*index)]);
        return ParamValue::fromDouble(internal, numberText(internal));  // not a choice: as stored
    }
    if (d.kind == OptunaDistribution::Int) {
        // An int outside qint64 (a damaged row) stays the double it was stored as.
        if (const std::optional<qint64> value = toInt64(std::round(internal)))
            return ParamValue::fromInt(*value, QString::number(*value));
    }
    return ParamValue::fromDouble(internal, numberText(internal));
}

ParamValue optunaParamValue(double internal, const QString& distributionJson) {
    return optunaParamValue(internal, optunaDistribution(distributionJson));
}

ParamValue optunaAttrValue(const QString& valueJson) {
    // Wrapped in an array so that bare scalars ("gen-node-0", 5, null) parse too.
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + valueJson.toUtf8() + ']');
    if (!doc.isArray() || doc.array().size() != 1) return ParamValue::fromString(valueJson);
    return fromJson(doc.array().first());
}

std::optional<qint64> optunaTime(const QString& text) {
    // "YYYY-MM-DD HH:MM:SS[.ffffff]" (SQLite) or with a 'T' (journal), read by hand:
    // QDateTime::fromString costs ~20 us a call, and a study has 10,000 trials.
    if (text.size() < 19) return std::nullopt;
    auto digits = [&](qsizetype from, qsizetype count, int& out) {
        out = 0;
        for (qsizetype i = from; i < from + count; ++i) {
            const QChar c = text[i];
            if (!c.isDigit()) return false;
            out = out * 10 + c.digitValue();
        }
        return true;
    };
    int y, mo, d, h, mi, s, ms = 0;
    if (!digits(0, 4, y) || !digits(5, 2, mo) || !digits(8, 2, d) || !digits(11, 2, h) ||
        !digits(14, 2, mi) || !digits(17, 2, s))
        return std::nullopt;
    if (text.size() >= 23 && text[19] == u'.' && !digits(20, 3, ms)) return std::nullopt;
    const QDate date(y, mo, d);
    const QTime time(h, mi, s, ms);
    if (!date.isValid() || !time.isValid()) return std::nullopt;
    // The local zone's offset, looked up once per date and hour (exact but inside a DST
    // change's own hour): converting local time is the slow part of QDateTime.
    thread_local QHash<qint64, int> offsets;
    const qint64 hourKey = date.toJulianDay() * 24 + h;
    auto it = offsets.constFind(hourKey);
    if (it == offsets.constEnd()) {
        if (offsets.size() > 100000) offsets.clear();
        it = offsets.insert(hourKey, QDateTime(date, QTime(h, 0), Qt::LocalTime).offsetFromUtc());
    }
    return QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch() - qint64(*it) * 1000;
}

std::map<QString, MetricSeries> takeIntermediate(std::vector<OptunaStudy>& studies) {
    std::map<QString, MetricSeries> out;
    for (OptunaStudy& study : studies)
        for (OptunaTrial& trial : study.trials)
            if (!trial.intermediate.empty())
                out[study.name + u'#' + QString::number(trial.number)] =
                    std::move(trial.intermediate);
    return out;
}

void stampIntermediateTimes(std::vector<OptunaStudy>& studies) {
    for (OptunaStudy& study : studies)
        for (OptunaTrial& trial : study.trials) {
            const double start = double(optunaTime(trial.datetimeStart).value_or(0));
            std::fill(trial.intermediate.wallTimesMs.begin(), trial.intermediate.wallTimesMs.end(),
                      start);
        }
}

std::vector<Run> optunaRuns(const QString& kind, const QString& root,
                            const std::vector<OptunaStudy>& studies) {
    std::vector<Run> runs;
    OptunaDistributions distributions;
    for (const OptunaStudy& study : studies) {
        for (const OptunaTrial& trial : study.trials) {
            Run run;
            run.sourceKind = kind;
            run.nativeId = study.name + u'#' + QString::number(trial.number);
            run.id = RunId::make(kind, root, run.nativeId);
            run.name = QStringLiteral("trial %1").arg(trial.number);
            run.experiment = study.name;
            run.location = root;
            run.status = statusOf(trial.state);
            run.startTimeMs = optunaTime(trial.datetimeStart);
            run.endTimeMs = optunaTime(trial.datetimeComplete);
            run.tags.insert(QStringLiteral("optuna.directions"), study.directions.join(u','));
            for (const OptunaTrial::Param& p : trial.params) {
                const OptunaDistribution& d = distributions.of(p.distribution);
                run.params.insert(p.name, optunaParamValue(p.internal, d));
                if (d.log || d.kind == OptunaDistribution::Categorical)
                    run.paramHints.insert(p.name, d.hint());
            }
            for (auto it = trial.userAttrs.begin(); it != trial.userAttrs.end(); ++it)
                run.params.insert(QStringLiteral("user_attrs.") + it.key(),
                                  optunaAttrValue(it.value()));
            for (auto it = trial.systemAttrs.begin(); it != trial.systemAttrs.end(); ++it)
                run.tags.insert(it.key(), optunaAttrValue(it.value()).text());
            const double when = double(run.endTimeMs.value_or(run.startTimeMs.value_or(0)));
            for (size_t i = 0; i < trial.values.size(); ++i) {
                if (std::isnan(trial.values[i]) && trial.state != u"COMPLETE" &&
                    trial.state != u"PRUNED")
                    continue;
                const QString key = trial.values.size() == 1 ? QStringLiteral("value")
                                                             : QStringLiteral("values_%1").arg(i);
                // At the trial's number, as Optuna's optimization history plots it.
                run.metrics[key].add(trial.number, trial.values[i], when);
            }
            if (!trial.intermediate.empty()) {
                MetricSummary& summary = run.metrics[QStringLiteral("intermediate_value")];
                for (size_t i = 0; i < trial.intermediate.size(); ++i)
                    summary.add(trial.intermediate.steps[i], trial.intermediate.values[i],
                                trial.intermediate.wallTimesMs[i]);
            }
            runs.push_back(std::move(run));
        }
    }
    return runs;
}

}  // namespace runlens
