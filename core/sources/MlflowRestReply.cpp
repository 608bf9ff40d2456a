#include "MlflowRestReply.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_map>

#include "MlflowRules.h"
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

std::string_view view(const Value& v) {
    return {v.GetString(), v.GetStringLength()};
}

// Reads the runs of one answer. What repeats from run to run (keys, experiment ids, status
// names, the start of every run id) is made once, so a thousand runs share their key strings.
class RunReader {
public:
    explicit RunReader(const MlflowRunContext& context)
        : m_context(context),
          m_idPrefix(RunId::make(context.kind, context.root, {}).text()),
          m_pagePrefix(context.root + QStringLiteral("/#/experiments/")) {}

    Run read(const Value& item) {
        Run run;
        const Value* info = member(item, "info");
        if (!info || !info->IsObject()) return run;
        const Value* runId = nullptr;
        const Value* runUuid = nullptr;
        bool deleted = false;
        // One pass over the fields (mlflow/protos/service.proto, RunInfo).
        for (const auto& field : info->GetObject()) {
            const std::string_view name = view(field.name);
            const Value& v = field.value;
            if (name == "run_id") {
                runId = &v;
            } else if (name == "run_uuid") {
                runUuid = &v;
            } else if (name == "run_name") {
                run.name = text(&v);
            } else if (name == "status") {
                run.status = status(v);
            } else if (name == "start_time") {
                run.startTimeMs = int64Of(&v);
            } else if (name == "end_time") {
                run.endTimeMs = int64Of(&v);
            } else if (name == "experiment_id") {
                run.experimentId = shared(v);
            } else if (name == "lifecycle_stage") {
                deleted = v.IsString() && view(v) == "deleted";
            }
        }
        run.nativeId = text(runId);
        if (run.nativeId.isEmpty()) run.nativeId = text(runUuid);
        if (run.nativeId.isEmpty()) return run;
        run.sourceKind = m_context.kind;
        const auto experiment = m_context.experiments.constFind(run.experimentId);
        const bool known = experiment != m_context.experiments.constEnd();
        run.experiment = known && !experiment->name.isEmpty() ? experiment->name : run.experimentId;
        run.deleted = deleted || (known && experiment->deleted);
        run.location = m_pagePrefix + run.experimentId + QStringLiteral("/runs/") + run.nativeId;
        run.id = RunId(m_idPrefix + run.nativeId);
        if (const Value* data = member(item, "data")) readData(*data, run);
        completeMlflowRun(run, m_context.root);
        return run;
    }

private:
    void readData(const Value& data, Run& run) {
        if (const Value* params = list(data, "params"))
            for (const Value& item : params->GetArray()) {
                const auto [key, value] = keyValue(item);
                if (key) run.params.insert(shared(*key), ParamValue::parse(text(value)));
            }
        if (const Value* tags = list(data, "tags"))
            for (const Value& item : tags->GetArray()) {
                const auto [key, value] = keyValue(item);
                if (key) run.tags.insert(shared(*key), text(value));
            }
        // runs/search sends the latest point of each key only (latest_metrics).
        if (const Value* metrics = list(data, "metrics"))
            for (const Value& item : metrics->GetArray()) {
                if (!item.IsObject()) continue;
                const Value* key = nullptr;
                const Value* value = nullptr;
                const Value* step = nullptr;
                const Value* timestamp = nullptr;
                for (const auto& field : item.GetObject()) {
                    const std::string_view name = view(field.name);
                    if (name == "key")
                        key = &field.value;
                    else if (name == "value")
                        value = &field.value;
                    else if (name == "step")
                        step = &field.value;
                    else if (name == "timestamp")
                        timestamp = &field.value;
                }
                if (!key || !key->IsString() || key->GetStringLength() == 0) continue;
                MetricSummary& summary = run.metrics[shared(*key)];
                summary.add(int64Of(step).value_or(0), mlflowMetricValue(doubleOf(value), false),
                            double(int64Of(timestamp).value_or(0)));
                summary.hasStats = false;
            }
    }

    // The `key` (a non-empty string, else null) and `value` of a {"key", "value"} item.
    static std::pair<const Value*, const Value*> keyValue(const Value& item) {
        const Value* key = nullptr;
        const Value* value = nullptr;
        if (item.IsObject())
            for (const auto& field : item.GetObject()) {
                const std::string_view name = view(field.name);
                if (name == "key")
                    key = &field.value;
                else if (name == "value")
                    value = &field.value;
            }
        if (key && (!key->IsString() || key->GetStringLength() == 0)) key = nullptr;
        return {key, value};
    }

    // A string met in many runs, made once; other values as text().
    QString shared(const Value& v) {
        if (!v.IsString()) return text(&v);
        const auto [it, added] = m_strings.try_emplace(view(v));
        if (added) it->second = text(&v);
        return it->second;
    }

    RunStatus status(const Value& v) {
        if (!v.IsString()) return RunStatus::Unknown;
        const auto [it, added] = m_statuses.try_emplace(view(v));
        if (added) it->second = mlflowStatusFromText(text(&v));
        return it->second;
    }

    const MlflowRunContext& m_context;
    const QString m_idPrefix;                                 // RunId::make's `kind:root hash:`
    const QString m_pagePrefix;                               // the MLflow UI's run pages
    std::unordered_map<std::string_view, QString> m_strings;  // views into the document
    std::unordered_map<std::string_view, RunStatus> m_statuses;
};

// Parses `json` into `doc`; false with `problem` set when it is not a JSON object. Any depth
// is safe here, so the depth pass of parseJson is left out (a fifth of the time on a large
// answer): the parse is iterative, fields are read at fixed depths, and the pool-allocated
// document is freed without recursion.
bool parseObject(rapidjson::Document& doc, std::string_view json, QString& problem,
                 std::string& buffer) {
    // In place: strings are read where they lie, not copied (a tenth of the time).
    buffer.assign(json);
    doc.ParseInsitu<kFlags | rapidjson::kParseIterativeFlag>(buffer.data());
    if (doc.HasParseError()) {
        problem = QStringLiteral("is not valid JSON (%1 at offset %2)")
                      .arg(QString::fromUtf8(rapidjson::GetParseError_En(doc.GetParseError())))
                      .arg(doc.GetErrorOffset());
        return false;
    }
    if (doc.IsObject()) return true;
    problem = QStringLiteral("is JSON but not an object");
    return false;
}

// A number as text (RapidJSON's kParseNumbersAsStringsFlag), read exactly: from_chars rounds
// correctly, and takes "NaN", "Infinity" and "-Infinity" too.
double doubleOfText(std::string_view s) {
    double d = std::numeric_limits<double>::quiet_NaN();
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (error == std::errc::result_out_of_range)  // past the double range: 0 or infinite
        return std::strtod(std::string(s).c_str(), nullptr);
    return error == std::errc() && end == s.data() + s.size()
               ? d
               : std::numeric_limits<double>::quiet_NaN();
}

std::optional<qint64> int64OfText(std::string_view s) {
    qint64 n = 0;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (error == std::errc() && end == s.data() + s.size()) return n;
    return toInt64(doubleOfText(s));  // 1e3, 1.0
}

constexpr int kMaxDepth = 64;

// get-history's answer read as it is parsed: points go straight into the series, with no
// document in between. `{"metrics": [{"key", "value", "timestamp", "step"}, ...],
// "next_page_token"}`; anything else is passed over. Depth is bounded by refusing to go on
// past kMaxDepth, so the recursive parse never runs deep.
class HistoryHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, HistoryHandler> {
public:
    explicit HistoryHandler(MetricSeries& series) : m_series(series) {}

    bool StartObject() {
        if (m_depth == 0 && m_sawRoot) return false;
        m_sawRoot = true;
        if (++m_depth > kMaxDepth) return m_tooDeep = true, false;
        if (inPoint()) m_point = {};
        return true;
    }
    bool EndObject(rapidjson::SizeType) {
        if (inPoint()) {
            m_series.append(m_point.step, mlflowMetricValue(m_point.value, false),
                            double(m_point.timestamp));
            ++m_points;
        }
        --m_depth;
        m_field = Field::Other;
        return true;
    }
    bool StartArray() {
        if (m_depth == 0) return m_notObject = true, false;
        if (++m_depth > kMaxDepth) return m_tooDeep = true, false;
        if (m_depth == 2 && m_field == Field::Metrics) m_inMetrics = true;
        return true;
    }
    bool EndArray(rapidjson::SizeType) {
        if (m_depth == 2) m_inMetrics = false;
        --m_depth;
        m_field = Field::Other;
        return true;
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        const std::string_view key(s, n);
        m_field = Field::Other;
        if (m_depth == 1 && key == "metrics")
            m_field = Field::Metrics;
        else if (m_depth == 1 && key == "next_page_token")
            m_field = Field::Token;
        else if (inPoint() && key == "value")
            m_field = Field::Value;
        else if (inPoint() && key == "step")
            m_field = Field::Step;
        else if (inPoint() && key == "timestamp")
            m_field = Field::Timestamp;
        return true;
    }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return scalar({s, n}); }
    bool String(const char* s, rapidjson::SizeType n, bool) {
        if (m_depth == 1 && m_field == Field::Token) m_token = QString::fromUtf8(s, qsizetype(n));
        return scalar({s, n});
    }
    bool Default() { return m_depth > 0 || (m_notObject = true, false); }

    int points() const { return m_points; }
    bool notAnObject() const { return m_notObject; }
    bool tooDeep() const { return m_tooDeep; }
    const QString& nextPageToken() const { return m_token; }

private:
    enum class Field { Other, Metrics, Token, Value, Step, Timestamp };
    struct Point {
        double value = std::numeric_limits<double>::quiet_NaN();
        qint64 step = 0;
        qint64 timestamp = 0;
    };

    bool inPoint() const { return m_inMetrics && m_depth == 3; }
    bool scalar(std::string_view text) {
        if (m_depth == 0) return m_notObject = true, false;
        if (!inPoint()) return true;
        if (m_field == Field::Value)
            m_point.value = doubleOfText(text);
        else if (m_field == Field::Step)
            m_point.step = int64OfText(text).value_or(0);
        else if (m_field == Field::Timestamp)
            m_point.timestamp = int64OfText(text).value_or(0);
        return true;
    }

    MetricSeries& m_series;
    int m_depth = 0;
    bool m_sawRoot = false;
    bool m_inMetrics = false;
    bool m_notObject = false;
    bool m_tooDeep = false;
    Field m_field = Field::Other;
    Point m_point;
    int m_points = 0;
    QString m_token;
};

}  // namespace

MlflowRestReply::Experiments MlflowRestReply::experiments(std::string_view json) {
    Experiments out;
    rapidjson::Document doc;
    std::string buffer;
    if (!parseObject(doc, json, out.problem, buffer)) return out;
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
    std::string buffer;
    if (!parseObject(doc, json, out.problem, buffer)) return out;
    out.nextPageToken = text(member(doc, "next_page_token"));
    if (const Value* items = list(doc, "runs")) {
        out.runs.reserve(items->Size());
        RunReader reader(context);
        for (const Value& item : items->GetArray()) {
            Run run = reader.read(item);
            if (!run.nativeId.isEmpty()) out.runs.push_back(std::move(run));
        }
    }
    return out;
}

MlflowRestReply::History MlflowRestReply::history(std::string_view json, MetricSeries& series) {
    History out;
    std::string buffer(json);
    HistoryHandler handler(series);
    rapidjson::Reader reader;
    rapidjson::InsituStringStream stream(buffer.data());
    const rapidjson::ParseResult result =
        reader.Parse<rapidjson::kParseInsituFlag | rapidjson::kParseNanAndInfFlag |
                     rapidjson::kParseNumbersAsStringsFlag>(stream, handler);
    out.points = handler.points();
    if (handler.notAnObject()) {
        out.problem = QStringLiteral("is JSON but not an object");
    } else if (handler.tooDeep()) {
        out.problem = QStringLiteral("is nested more than %1 levels deep").arg(kMaxDepth);
    } else if (result.IsError()) {
        out.problem = QStringLiteral("is not valid JSON (%1 at offset %2)")
                          .arg(QString::fromUtf8(rapidjson::GetParseError_En(result.Code())))
                          .arg(result.Offset());
    }
    out.nextPageToken = handler.nextPageToken();
    return out;
}

QString MlflowRestReply::errorMessage(std::string_view json) {
    rapidjson::Document doc;
    QString problem;
    std::string buffer;
    if (!parseObject(doc, json, problem, buffer)) return {};
    QString message = text(member(doc, "message")).simplified();
    if (message.isEmpty()) message = text(member(doc, "error_code"));
    if (message.size() > 300) message = message.left(300) + QStringLiteral("…");
    return message;
}

}  // namespace runlens
