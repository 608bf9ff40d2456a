#include "MlflowRestReply.h"

#include <cmath>
#include <limits>

#include "MlflowRules.h"
#include "codec/JsonLimits.h"
#include "model/NumberCast.h"

namespace runlens {

namespace {

using rapidjson::Value;

// Full precision: a value must read back as the double MLflow holds, to the last bit.
constexpr unsigned kFlags = rapidjson::kParseNanAndInfFlag | rapidjson::kParseFullPrecisionFlag;

const Value* member(const Value& object, const char* name) {
    if (!object.IsObject()) return nullptr;
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

QString text(const Value* v) {
    if (!v) return {};
    if (v->IsString()) return QString::fromUtf8(v->GetString(), qsizetype(v->GetStringLength()));
    if (v->IsInt64()) return QString::number(v->GetInt64());
    if (v->IsNumber()) return QString::number(v->GetDouble(), 'g', 17);
    if (v->IsBool()) return v->GetBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

std::optional<qint64> int64Of(const Value* v) {
    if (!v) return std::nullopt;
    if (v->IsInt64()) return v->GetInt64();
    if (v->IsNumber()) return toInt64(v->GetDouble());
    if (v->IsString()) {
        bool ok = false;
        const qint64 n = QByteArray::fromRawData(v->GetString(), qsizetype(v->GetStringLength()))
                             .toLongLong(&ok);
        if (ok) return n;
    }
    return std::nullopt;
}

// A double as protobuf's JSON writes it: a number, or "NaN", "Infinity", "-Infinity".
double doubleOf(const Value* v) {
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    if (!v) return kNaN;
    if (v->IsNumber()) return v->GetDouble();
    if (!v->IsString()) return kNaN;
    const std::string_view s(v->GetString(), v->GetStringLength());
    if (s == "NaN") return kNaN;
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double d = QByteArray::fromRawData(s.data(), qsizetype(s.size())).toDouble(&ok);
    return ok ? d : kNaN;
}

const Value* list(const Value& object, const char* name) {
    const Value* v = member(object, name);
    return v && v->IsArray() ? v : nullptr;
}

template <typename Add>
void forEachKeyValue(const Value& data, const char* name, Add add) {
    if (const Value* items = list(data, name))
        for (const Value& item : items->GetArray()) {
            const QString key = text(member(item, "key"));
            if (!key.isEmpty()) add(key, text(member(item, "value")));
        }
}

Run runOf(const Value& item, const MlflowRunContext& context) {
    Run run;
    const Value* info = member(item, "info");
    if (!info) return run;
    run.nativeId = text(member(*info, "run_id"));
    if (run.nativeId.isEmpty()) run.nativeId = text(member(*info, "run_uuid"));
    if (run.nativeId.isEmpty()) return run;
    run.sourceKind = context.kind;
    run.name = text(member(*info, "run_name"));
    run.status = mlflowStatusFromText(text(member(*info, "status")));
    run.startTimeMs = int64Of(member(*info, "start_time"));
    run.endTimeMs = int64Of(member(*info, "end_time"));
    run.experimentId = text(member(*info, "experiment_id"));
    const MlflowExperiment experiment = context.experiments.value(run.experimentId);
    run.experiment = experiment.name.isEmpty() ? run.experimentId : experiment.name;
    run.deleted = text(member(*info, "lifecycle_stage")) == u"deleted" || experiment.deleted;
    run.location = context.root + QStringLiteral("/#/experiments/") + run.experimentId +
                   QStringLiteral("/runs/") + run.nativeId;
    run.id = RunId::make(context.kind, context.root, run.nativeId);
    if (const Value* data = member(item, "data")) {
        forEachKeyValue(*data, "params", [&run](const QString& key, const QString& value) {
            run.params.insert(key, ParamValue::parse(value));
        });
        forEachKeyValue(*data, "tags", [&run](const QString& key, const QString& value) {
            run.tags.insert(key, value);
        });
        if (const Value* metrics = list(*data, "metrics"))
            for (const Value& m : metrics->GetArray()) {
                const QString key = text(member(m, "key"));
                if (key.isEmpty()) continue;
                // runs/search sends the latest point of each key only (latest_metrics).
                MetricSummary& summary = run.metrics[key];
                summary.add(int64Of(member(m, "step")).value_or(0),
                            mlflowMetricValue(doubleOf(member(m, "value")), false),
                            double(int64Of(member(m, "timestamp")).value_or(0)));
                summary.hasStats = false;
            }
    }
    completeMlflowRun(run, context.root);
    return run;
}

// Parses `json` into `doc`; false with `problem` set when it is not a JSON object.
bool parseObject(rapidjson::Document& doc, std::string_view json, QString& problem) {
    if (!parseJson<kFlags>(doc, json, &problem)) return false;
    if (doc.IsObject()) return true;
    problem = QStringLiteral("is JSON but not an object");
    return false;
}

}  // namespace

MlflowRestReply::Experiments MlflowRestReply::experiments(std::string_view json) {
    Experiments out;
    rapidjson::Document doc;
    if (!parseObject(doc, json, out.problem)) return out;
    out.nextPageToken = text(member(doc, "next_page_token"));
    if (const Value* items = list(doc, "experiments"))
        for (const Value& item : items->GetArray()) {
            MlflowExperiment e;
            e.id = text(member(item, "experiment_id"));
            if (e.id.isEmpty()) continue;
            e.name = text(member(item, "name"));
            e.deleted = text(member(item, "lifecycle_stage")) == u"deleted";
            e.lastUpdateMs = int64Of(member(item, "last_update_time")).value_or(0);
            out.experiments.push_back(std::move(e));
        }
    return out;
}

MlflowRestReply::Runs MlflowRestReply::runs(std::string_view json,
                                            const MlflowRunContext& context) {
    Runs out;
    rapidjson::Document doc;
    if (!parseObject(doc, json, out.problem)) return out;
    out.nextPageToken = text(member(doc, "next_page_token"));
    if (const Value* items = list(doc, "runs")) {
        out.runs.reserve(items->Size());
        for (const Value& item : items->GetArray()) {
            Run run = runOf(item, context);
            if (!run.nativeId.isEmpty()) out.runs.push_back(std::move(run));
        }
    }
    return out;
}

MlflowRestReply::History MlflowRestReply::history(std::string_view json, MetricSeries& series) {
    History out;
    rapidjson::Document doc;
    if (!parseObject(doc, json, out.problem)) return out;
    out.nextPageToken = text(member(doc, "next_page_token"));
    if (const Value* items = list(doc, "metrics")) {
        series.reserve(series.size() + items->Size());
        for (const Value& m : items->GetArray()) {
            if (!m.IsObject()) continue;
            series.append(int64Of(member(m, "step")).value_or(0),
                          mlflowMetricValue(doubleOf(member(m, "value")), false),
                          double(int64Of(member(m, "timestamp")).value_or(0)));
            ++out.points;
        }
    }
    return out;
}

QString MlflowRestReply::errorMessage(std::string_view json) {
    rapidjson::Document doc;
    QString problem;
    if (!parseObject(doc, json, problem)) return {};
    QString message = text(member(doc, "message")).simplified();
    if (message.isEmpty()) message = text(member(doc, "error_code"));
    if (message.size() > 300) message = message.left(300) + QStringLiteral("…");
    return message;
}

}  // namespace runlens
