#include "OptunaStudy.h"

#include "model/NumberText.h"

#include <QDateTime>
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

ParamValue optunaParamValue(double internal, const QString& distributionJson) {
    const QJsonObject dist = QJsonDocument::fromJson(distributionJson.toUtf8()).object();
    const QString name = dist.value(QStringLiteral("name")).toString();
    const QJsonObject attrs = dist.value(QStringLiteral("attributes")).toObject();
    if (name == u"CategoricalDistribution") {
        const QJsonArray choices = attrs.value(QStringLiteral("choices")).toArray();
        const auto index = qsizetype(internal);
        if (index >= 0 && index < choices.size() && double(index) == internal)
            return fromJson(choices[index]);
        return ParamValue::fromDouble(internal, numberText(internal));
    }
    if (name == u"IntDistribution" || name == u"IntUniformDistribution" ||
        name == u"IntLogUniformDistribution") {
        const auto value = qint64(std::llround(internal));
        return ParamValue::fromInt(value, QString::number(value));
    }
    return ParamValue::fromDouble(internal, numberText(internal));
}

ParamValue optunaAttrValue(const QString& valueJson) {
    // Wrapped in an array so that bare scalars ("gen-node-0", 5, null) parse too.
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + valueJson.toUtf8() + ']');
    if (!doc.isArray() || doc.array().size() != 1) return ParamValue::fromString(valueJson);
    return fromJson(doc.array().first());
}

std::optional<qint64> optunaTime(const QString& text) {
    if (text.isEmpty()) return std::nullopt;
    QString iso = text;
    iso.replace(u' ', u'T');
    // Optuna writes microseconds; Qt reads milliseconds: cut to three digits.
    const qsizetype dot = iso.indexOf(u'.');
    if (dot > 0 && iso.size() > dot + 4) iso.truncate(dot + 4);
    const QDateTime local = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!local.isValid()) return std::nullopt;
    return local.toMSecsSinceEpoch();
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
                run.params.insert(p.name, optunaParamValue(p.internal, p.distribution));
                run.tags.insert(QStringLiteral("optuna.distribution.") + p.name, p.distribution);
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
                run.metrics[key].add(0, trial.values[i], when);
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
