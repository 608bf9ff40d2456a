#include "CometSource.h"

#include <rapidjson/document.h>
#include <unistd.h>

#include <QDir>
#include <QFileInfo>
#include <atomic>
#include <cmath>

#include "JsonParams.h"
#include "codec/JsonLimits.h"
#include "codec/LibZip.h"
#include "codec/LocalFiles.h"
#include "model/NumberCast.h"

namespace runlens {

namespace {

// libzip, loaded by openArchive() before any archive is open.
const LibZip& libzip() {
    return *LibZip::load();
}

// Reads one entry whole, refusing more than the bound (a zip's own sizes can lie).
bool readEntry(zip_t* zip, const char* name, qint64 limit, std::string& out, QString& error) {
    zip_file_t* file = libzip().zip_fopen(zip, name, 0);
    if (!file) {
        error = QStringLiteral("has no %1").arg(QLatin1String(name));
        return false;
    }
    out.clear();
    char buffer[65536];
    for (;;) {
        const zip_int64_t n = libzip().zip_fread(file, buffer, sizeof buffer);
        if (n < 0) {
            error = QStringLiteral("%1 cannot be read: %2")
                        .arg(QLatin1String(name), QString::fromUtf8(libzip().zip_error_strerror(
                                                      libzip().zip_file_get_error(file))));
            libzip().zip_fclose(file);
            return false;
        }
        if (n == 0) break;
        if (qint64(out.size()) + n > limit) {
            error = QStringLiteral("%1 inflates past %2 MB; the archive was skipped")
                        .arg(QLatin1String(name))
                        .arg(limit >> 20);
            libzip().zip_fclose(file);
            return false;
        }
        out.append(buffer, size_t(n));
    }
    libzip().zip_fclose(file);
    return true;
}

QString text(const rapidjson::Value& v) {
    if (v.IsString()) return QString::fromUtf8(v.GetString());
    if (v.IsNumber()) return numberText(v.GetDouble());
    if (v.IsBool()) return v.GetBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

// A metric value: a number, or the strings Comet writes for NaN and infinities.
bool number(const rapidjson::Value& v, double& out) {
    if (v.IsNumber()) return out = v.GetDouble(), true;
    if (!v.IsString()) return false;
    const QString s = QString::fromUtf8(v.GetString());
    if (s == u"NaN" || s == u"nan") return out = NAN, true;
    if (s == u"Infinity" || s == u"inf") return out = INFINITY, true;
    if (s == u"-Infinity" || s == u"-inf") return out = -INFINITY, true;
    bool ok = false;
    out = s.toDouble(&ok);
    return ok;
}

const rapidjson::Value* member(const rapidjson::Value& v, const char* name) {
    if (!v.IsObject()) return nullptr;
    const auto it = v.FindMember(name);
    return it == v.MemberEnd() ? nullptr : &it->value;
}

// Opens an archive read-only through a descriptor of our own: a FIFO or device named like
// a zip is refused before libzip could block on it or read it forever.
zip_t* openArchive(const QString& path, QString* error) {
    if (!LibZip::load(error)) return nullptr;
    const int fd = openRegularFile(toLocalPath(path), error);
    if (fd < 0) return nullptr;
    int code = 0;
    zip_t* zip = libzip().zip_fdopen(fd, ZIP_RDONLY, &code);  // owns fd from here on success
    if (!zip) {
        close(fd);
        if (error) {
            zip_error_t e;
            libzip().zip_error_init_with_code(&e, code);
            *error = QStringLiteral("is not a readable zip: %1")
                         .arg(QString::fromUtf8(libzip().zip_error_strerror(&e)));
            libzip().zip_error_fini(&e);
        }
    }
    return zip;
}

}  // namespace

CometSource::CometSource(QString root, QStringList archives)
    : m_root(QDir(root).absolutePath()), m_archives(std::move(archives)) {}

bool CometSource::isArchive(const QString& path) {
    if (!path.endsWith(QStringLiteral(".zip"), Qt::CaseInsensitive)) return false;
    zip_t* zip = openArchive(path, nullptr);
    if (!zip) return false;
    const bool yes = libzip().zip_name_locate(zip, "experiment.json", 0) >= 0 &&
                     libzip().zip_name_locate(zip, "messages.json", 0) >= 0;
    libzip().zip_discard(zip);
    return yes;
}

namespace {

// experiment.json: the run's id, project, workspace, times and tags.
void readExperiment(const std::string& json, Run& run, QStringList& problems) {
    rapidjson::Document doc;
    QString error;
    if (!parseJson<0>(doc, json, &error) || !doc.IsObject()) {
        problems << (error.isEmpty() ? QStringLiteral("experiment.json is not a JSON object")
                                     : QStringLiteral("experiment.json ") + error);
        return;
    }
    if (const auto* v = member(doc, "offline_id"); v && v->IsString()) run.nativeId = text(*v);
    if (const auto* v = member(doc, "project_name"); v && v->IsString()) run.experiment = text(*v);
    if (const auto* v = member(doc, "workspace"); v && v->IsString())
        run.tags.insert(QStringLiteral("comet.workspace"), text(*v));
    if (const auto* v = member(doc, "start_time"); v && v->IsNumber())
        run.startTimeMs = toInt64(v->GetDouble());
    if (const auto* v = member(doc, "stop_time"); v && v->IsNumber())
        run.endTimeMs = toInt64(v->GetDouble());
    if (const auto* v = member(doc, "tags"); v && v->IsArray()) {
        QStringList tags;
        for (const auto& t : v->GetArray())
            tags << text(t);
        if (!tags.isEmpty()) run.tags.insert(QStringLiteral("comet.tags"), tags.join(u", "));
    }
}

// What messages.json adds to a run, with what could not be read.
struct MessagesRead {
    std::map<QString, MetricSeries> series;
    int badLines = 0;
    QString firstError;
    Int64Conversions steps;
    ParamBudget budget;
};

// One message of messages.json (both dialects: metric_msg/parameter_msg/log_other, ws_msg).
void readMessage(const rapidjson::Value& doc, Run& run, MessagesRead& out) {
    const auto* type = member(doc, "type");
    const auto* payload = member(doc, "payload");
    if (!type || !type->IsString() || !payload) return;
    const std::string_view kindName = type->GetString();
    const rapidjson::Value* metric = member(*payload, "metric");
    const rapidjson::Value* param = member(*payload, "param");
    if (metric && (kindName == "metric_msg" || kindName == "ws_msg")) {
        const auto* name = member(*metric, "metricName");
        const auto* value = member(*metric, "metricValue");
        double v = 0;
        if (!name || !value || !number(*value, v)) return;
        const auto* step = member(*metric, "step");
        const auto* ts = member(*payload, "local_timestamp");
        out.series[text(*name)].append(
            step && step->IsNumber() ? out.steps(step->GetDouble()).value_or(0) : 0, v,
            ts && ts->IsNumber() ? ts->GetDouble() : 0);
    } else if (param && (kindName == "parameter_msg" || kindName == "ws_msg")) {
        const auto* name = member(*param, "paramName");
        const auto* value = member(*param, "paramValue");
        if (name && value) addJsonParams(run.params, text(*name), *value, out.budget);
    } else if (kindName == "log_other" || member(*payload, "log_other")) {
        const rapidjson::Value& other =
            member(*payload, "log_other") ? *member(*payload, "log_other") : *payload;
        const auto* key = member(other, "key");
        const auto* value = member(other, "value") ? member(other, "value") : member(other, "val");
        if (!key || !value) return;
        if (text(*key) == u"Name")
            run.name = text(*value);
        else
            run.tags.insert(QStringLiteral("comet.") + text(*key), text(*value));
    }
}

void readMessages(std::string_view lines, Run& run, MessagesRead& out) {
    rapidjson::Document doc;
    size_t pos = 0;
    while (pos < lines.size()) {
        const size_t nl = std::min(lines.find('\n', pos), lines.size());
        const std::string_view line = lines.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
        QString error;
        if (!parseJson<0>(doc, line, &error) || !doc.IsObject()) {
            if (out.badLines++ == 0) out.firstError = error;
            continue;
        }
        readMessage(doc, run, out);
    }
}

}  // namespace

ScanDelta CometSource::scan(const ScanOptions& options) {
    m_histories.setCache(options.cacheDir, kind(), m_root);
    ScanDelta delta;
    m_stamp.note(m_archives);
    KeptHistories::ByRun histories;
    for (const QString& path : std::as_const(m_archives)) {
        if (options.cancelled()) {
            delta.cancelled = true;
            return delta;
        }
        Run run;
        run.sourceKind = kind();
        run.location = path;
        run.nativeId = QFileInfo(path).completeBaseName();
        std::string experimentJson, messagesJson;
        QString error;
        zip_t* zip = openArchive(path, &error);
        if (!zip) {
            run.problems << error;
        } else {
            const qint64 limit = options.maxInflatedBytes;
            if (!readEntry(zip, "experiment.json", limit, experimentJson, error) ||
                !readEntry(zip, "messages.json", limit, messagesJson, error))
                run.problems << error, experimentJson.clear(), messagesJson.clear();
            libzip().zip_discard(zip);
        }
        if (!experimentJson.empty()) readExperiment(experimentJson, run, run.problems);
        MessagesRead messages;
        readMessages(messagesJson, run, messages);
        if (messages.badLines > 0)
            run.problems << QStringLiteral(
                                "messages.json: %1 not a JSON object (the first %2); "
                                "skipped")
                                .arg(messages.badLines == 1
                                         ? QStringLiteral("1 line is")
                                         : QStringLiteral("%1 lines are").arg(messages.badLines))
                                .arg(messages.firstError.isEmpty() ? QStringLiteral("is a value")
                                                                   : messages.firstError);
        if (messages.steps.failures() > 0)
            run.problems << QStringLiteral("messages.json: ") +
                                messages.steps.problem(QStringLiteral("step"),
                                                       QStringLiteral("such points are at step 0"));
        if (messages.budget.exhausted())
            run.problems << QStringLiteral("messages.json params ") + messages.budget.problem();
        for (const QString& p : std::as_const(run.problems))
            delta.problems.append({path, p});
        if (run.name.isEmpty()) run.name = run.nativeId;
        if (run.experiment.isEmpty()) run.experiment = QFileInfo(m_root).fileName();
        run.status = run.endTimeMs ? RunStatus::Finished : RunStatus::Unknown;
        summariseInto(run, messages.series);
        run.id = RunId::make(run.sourceKind, m_root, run.nativeId);
        histories[run.nativeId] = std::move(messages.series);
        delta.runs.push_back(std::move(run));
    }
    sortRunsNewestFirst(delta.runs);
    m_histories.replace(std::move(histories));
    return delta;
}

HistoryResult CometSource::loadHistory(const Run& run, const QString& metric) {
    return m_histories.find(run.nativeId, metric);
}

Format CometSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral("Comet offline archives: .zip files with experiment.json")};
    f.grouping = Format::Grouping::Gathered;
    f.claim = [](const Candidate& c) {
        return !c.isDir && !c.isSpecial && isArchive(c.path) ? Claim::mine(50) : Claim{};
    };
    f.create = [](const QString& opened, const QStringList& archives) -> SourcePtr {
        return std::make_unique<CometSource>(opened, archives);
    };
    f.namedLikeData = [](const std::string& name) { return name.ends_with(".zip"); };
    return f;
}

}  // namespace runlens
