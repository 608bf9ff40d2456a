#include "WandbSource.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <QDir>
#include <QFileInfo>
#include <cmath>

#include "JsonParams.h"
#include "YamlParams.h"
#include "codec/JsonLimits.h"
#include "codec/LocalFiles.h"
#include "codec/ProtoReader.h"
#include "codec/WandbLog.h"
#include "model/NumberCast.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

// Record field numbers (wandb/proto/wandb_internal.proto).
enum RecordField : uint32_t { kHistory = 2, kSummary = 3, kConfig = 5, kRun = 17, kExit = 18 };

using Json = rapidjson::Document;

bool parseJson(std::string_view text, Json& doc) {
    return runlens::parseJson(doc, text);  // depth-bounded
}

// W&B's files/config.yaml and wandb-summary.json are small; a bigger one is not W&B's.
constexpr uint64_t kMaxSideFileBytes = 64 << 20;

// An item of a history, summary or config record: its key (nested keys joined with '.')
// and its value as JSON text.
struct Item {
    QString key;
    std::string_view json;
};

Item readItem(std::string_view bytes) {
    Item item;
    QStringList nested;
    ProtoReader r(bytes);
    while (r.next()) {
        if (r.field() == 1)
            item.key = QString::fromUtf8(r.bytes().data(), qsizetype(r.bytes().size()));
        if (r.field() == 2)
            nested << QString::fromUtf8(r.bytes().data(), qsizetype(r.bytes().size()));
        if (r.field() == 16) item.json = r.bytes();
    }
    if (!nested.isEmpty()) item.key = nested.join(u'.');
    return item;
}

void applyConfig(std::string_view record, QMap<QString, ParamValue>& params, ParamBudget& budget) {
    ProtoReader r(record);
    while (r.next()) {
        if (r.field() != 1 && r.field() != 2) continue;
        const Item item = readItem(r.bytes());
        if (item.key.isEmpty() || item.key.startsWith(u"_wandb")) continue;
        if (r.field() == 2) {
            params.remove(item.key);
            continue;
        }
        Json doc;
        if (!parseJson(item.json, doc)) continue;
        // wandb writes config values as {"value": v} in files, plain v in records.
        const rapidjson::Value& v =
            doc.IsObject() && doc.HasMember("value") && doc.MemberCount() <= 2 ? doc["value"] : doc;
        addJsonParams(params, item.key, v, budget);
    }
}

// What one run folder's log holds.
struct FolderRead {
    QString id, name, project, entity, group, jobType, notes, sweep, host;
    QStringList tags;
    QMap<QString, ParamValue> params;
    std::map<QString, MetricSeries> history;
    QMap<QString, double> summary;
    std::optional<qint64> startMs;
    double lastWallMs = 0;
    std::optional<int> exitCode;
    qint64 runtimeS = 0;
    QStringList problems;
    ParamBudget budget;  // of the log's config records
    Int64Conversions steps;
    int malformedRecords = 0;
    size_t firstMalformed = 0;  // file offset
};

void readRunRecord(std::string_view bytes, FolderRead& f) {
    ProtoReader r(bytes);
    auto text = [&r] { return QString::fromUtf8(r.bytes().data(), qsizetype(r.bytes().size())); };
    while (r.next()) {
        switch (r.field()) {
            case 1:
                f.id = text();
                break;
            case 2:
                f.entity = text();
                break;
            case 3:
                f.project = text();
                break;
            case 4:
                applyConfig(r.bytes(), f.params, f.budget);
                break;
            case 6:
                f.group = text();
                break;
            case 7:
                f.jobType = text();
                break;
            case 8:
                f.name = text();
                break;
            case 9:
                f.notes = text();
                break;
            case 10:
                f.tags << text();
                break;
            case 12:
                f.sweep = text();
                break;
            case 13:
                f.host = text();
                break;
            case 17: {
                ProtoReader t(r.bytes());
                qint64 seconds = 0, nanos = 0;
                while (t.next()) {
                    if (t.field() == 1) seconds = t.int64();
                    if (t.field() == 2) nanos = t.int64();
                }
                // Seconds past what a date can be (and an int64 of ms can hold) are no time.
                if (seconds > 0 && seconds < qint64(1) << 40)
                    f.startMs = seconds * 1000 + (nanos / 1000000) % 1000;
                break;
            }
            default:
                break;
        }
    }
}

void readHistory(std::string_view bytes, FolderRead& f) {
    std::vector<std::pair<QString, double>> values;
    std::optional<qint64> step;
    double wallMs = NAN;
    ProtoReader r(bytes);
    Json doc;
    while (r.next()) {
        if (r.field() == 2 && !step) {  // HistoryStep{num=1}: empty at step 0
            ProtoReader s(r.bytes());
            qint64 num = 0;
            while (s.next())
                if (s.field() == 1) num = s.int64();
            step = num;
        }
        if (r.field() != 1) continue;
        const Item item = readItem(r.bytes());
        if (item.key.isEmpty() || !parseJson(item.json, doc) || !doc.IsNumber()) continue;
        const double v = doc.GetDouble();
        if (item.key == u"_step") {
            if (const auto fits = f.steps(v)) step = fits;
        } else if (item.key == u"_timestamp") {
            wallMs = v * 1000;
        } else if (item.key != u"_runtime") {
            values.emplace_back(item.key, v);
        }
    }
    const qint64 s = step.value_or(0);
    if (std::isfinite(wallMs)) f.lastWallMs = std::max(f.lastWallMs, wallMs);
    for (const auto& [key, v] : values)
        f.history[key].append(s, v, std::isfinite(wallMs) ? wallMs : 0);
}

void readSummary(std::string_view bytes, FolderRead& f) {
    ProtoReader r(bytes);
    Json doc;
    while (r.next()) {
        if (r.field() != 1) continue;
        const Item item = readItem(r.bytes());
        if (item.key.isEmpty() || item.key.startsWith(u'_') || !parseJson(item.json, doc) ||
            !doc.IsNumber())
            continue;
        f.summary[item.key] = doc.GetDouble();
    }
}

// One record of the log (a `Record` protobuf), into `f`. False if the record is malformed:
// a field claiming more bytes than the record holds (the fields before it are kept).
bool readRecord(std::string_view record, FolderRead& f) {
    ProtoReader r(record);
    while (r.next()) {
        switch (r.field()) {
            case kHistory:
                readHistory(r.bytes(), f);
                break;
            case kSummary:
                readSummary(r.bytes(), f);
                break;
            case kConfig:
                applyConfig(r.bytes(), f.params, f.budget);
                break;
            case kRun:
                readRunRecord(r.bytes(), f);
                break;
            case kExit: {
                ProtoReader e(r.bytes());
                f.exitCode = 0;
                while (e.next()) {
                    if (e.field() == 1) f.exitCode = int(e.int64());
                    if (e.field() == 2) f.runtimeS = e.int64();
                }
                break;
            }
            default:
                break;
        }
    }
    return r.ok();
}

void readLog(const QString& logPath, FolderRead& f) {
    const QString name = QFileInfo(logPath).fileName();
    std::string bytes;
    QString error;
    if (!readWholeFile(toLocalPath(logPath), bytes, &error)) {
        f.problems << QStringLiteral("%1 %2").arg(name, error);
        return;
    }
    const WandbLogScan scan = scanWandbLog(bytes, [&f](std::string_view record, size_t offset) {
        if (!readRecord(record, f) && f.malformedRecords++ == 0) f.firstMalformed = offset;
    });
    for (const QString& issue : scan.issues)
        f.problems << QStringLiteral("%1 %2").arg(name, issue);
    if (f.malformedRecords > 0)
        f.problems << QStringLiteral(
                          "%1 record at offset %2 is malformed (a field claims more bytes than "
                          "the record holds); %3 such records were read only up to that field")
                          .arg(name)
                          .arg(f.firstMalformed)
                          .arg(f.malformedRecords);
    if (f.steps.failures() > 0)
        f.problems << name + QStringLiteral(": ") +
                          f.steps.problem(QStringLiteral("_step"),
                                          QStringLiteral("such rows keep the step of the record"));
}

// files/config.yaml ({key: {value: v}}) of a synced run: what the log lacks.
void readConfigYaml(const QString& dir, FolderRead& f) {
    const QString path = dir + QStringLiteral("/files/config.yaml");
    if (!QFileInfo::exists(path)) return;
    std::string text;
    QString error;
    if (!readWholeFile(toLocalPath(path), text, &error, kMaxSideFileBytes)) {
        f.problems << QStringLiteral("files/config.yaml %1").arg(error);
        return;
    }
    ParamBudget budget;                // this file's own, so its problem names it
    QMap<QString, ParamValue> params;  // all or nothing, as addYamlParams is per value
    try {
        const YAML::Node config = YAML::Load(text);
        if (config.IsMap())
            for (const auto& entry : config) {
                const QString key = QString::fromStdString(entry.first.Scalar());
                if (key.startsWith(u"_wandb") || key == u"wandb_version" || f.params.contains(key))
                    continue;
                const YAML::Node value = entry.second.IsMap() && entry.second["value"]
                                             ? entry.second["value"]
                                             : entry.second;
                addYamlParams(params, key, value, budget);
                if (budget.exhausted()) break;
            }
    } catch (const YAML::Exception&) {
        f.problems << QStringLiteral("files/config.yaml is not valid YAML; it was skipped");
    }
    if (budget.exhausted()) {
        f.problems << QStringLiteral("files/config.yaml ") + budget.problem();
        return;
    }
    for (auto it = params.begin(); it != params.end(); ++it)
        f.params.insert(it.key(), it.value());
}

// files/wandb-summary.json of a synced run: summary values the log lacks.
void readSummaryJson(const QString& dir, FolderRead& f) {
    const QString path = dir + QStringLiteral("/files/wandb-summary.json");
    if (!QFileInfo::exists(path)) return;
    std::string text;
    QString error;
    Json doc;
    if (!readWholeFile(toLocalPath(path), text, &error, kMaxSideFileBytes) ||
        !runlens::parseJson(doc, text, &error)) {
        f.problems << QStringLiteral("files/wandb-summary.json %1; it was skipped").arg(error);
        return;
    }
    if (!doc.IsObject()) return;
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
        const QString key = QString::fromUtf8(it->name.GetString());
        if (!key.startsWith(u'_') && it->value.IsNumber() && !f.summary.contains(key))
            f.summary[key] = it->value.GetDouble();
    }
}

FolderRead readFolder(const QString& dir, const QString& logPath) {
    FolderRead f;
    readLog(logPath, f);
    // The id from the folder name when the log lost its run record.
    if (f.id.isEmpty()) f.id = QFileInfo(dir).fileName().section(u'-', -1);
    // Synced runs also have files/config.yaml and wandb-summary.json: they fill in what the
    // log lacks (a log cut short), the log's own values win.
    readConfigYaml(dir, f);
    readSummaryJson(dir, f);
    if (f.budget.exhausted())
        f.problems << QFileInfo(logPath).fileName() + QStringLiteral(" config ") +
                          f.budget.problem();
    return f;
}

QString logOf(const QString& dir) {
    const QStringList logs =
        QDir(dir).entryList({QStringLiteral("*.wandb")}, QDir::Files, QDir::Name);
    return logs.isEmpty() ? QString() : dir + u'/' + logs.first();
}

}  // namespace

WandbSource::WandbSource(QString root) : m_root(QDir(root).absolutePath()) {}

bool WandbSource::isRunFolder(const QString& dir) {
    const QString name = QFileInfo(dir).fileName();
    return (name.startsWith(u"run-") || name.startsWith(u"offline-run-")) && !logOf(dir).isEmpty();
}

ScanDelta WandbSource::scan(const ScanOptions& options) {
    ScanDelta delta;
    m_stamp.note({m_root});
    m_histories.setCache(options.cacheDir, kind(), m_root);
    // Run folders in name order: a resumed run's folders follow each other by date.
    const QStringList folders = QDir(m_root).entryList(
        {QStringLiteral("run-*"), QStringLiteral("offline-run-*")}, QDir::Dirs, QDir::Name);
    std::map<QString, std::vector<std::pair<QString, FolderRead>>> byId;
    std::vector<QString> order;
    for (const QString& name : folders) {
        if (options.cancelled()) break;
        const QString dir = m_root + u'/' + name;
        const QString log = logOf(dir);
        if (log.isEmpty()) continue;
        FolderRead f = readFolder(dir, log);
        if (!byId.count(f.id)) order.push_back(f.id);
        byId[f.id].emplace_back(dir, std::move(f));
    }
    KeptHistories::ByRun histories;
    for (const QString& id : order) {
        auto& parts = byId[id];
        Run run;
        run.sourceKind = kind();
        run.nativeId = id;
        run.location = parts.back().first;
        std::map<QString, MetricSeries> history;
        QMap<QString, double> summary;
        for (auto& [dir, f] : parts) {
            for (const QString& p : f.problems)
                run.problems << p, delta.problems.append({dir, p});
            if (!f.name.isEmpty()) run.name = f.name;
            if (!f.project.isEmpty()) run.experiment = f.project;
            if (!f.entity.isEmpty()) run.experimentId = f.entity + u'/' + f.project;
            for (auto it = f.params.begin(); it != f.params.end(); ++it)
                run.params.insert(it.key(), it.value());
            if (!run.startTimeMs && f.startMs) run.startTimeMs = f.startMs;
            if (!f.group.isEmpty()) run.tags.insert(QStringLiteral("wandb.group"), f.group);
            if (!f.jobType.isEmpty()) run.tags.insert(QStringLiteral("wandb.job_type"), f.jobType);
            if (!f.notes.isEmpty()) run.tags.insert(QStringLiteral("wandb.notes"), f.notes);
            if (!f.sweep.isEmpty()) run.tags.insert(QStringLiteral("wandb.sweep_id"), f.sweep);
            if (!f.host.isEmpty()) run.tags.insert(QStringLiteral("wandb.host"), f.host);
            if (!f.tags.isEmpty())
                run.tags.insert(QStringLiteral("wandb.tags"), f.tags.join(u", "));
            for (auto& [key, series] : f.history) {
                MetricSeries& into = history[key];
                for (size_t i = 0; i < series.size(); ++i)
                    into.append(series.steps[i], series.values[i], series.wallTimesMs[i]);
            }
            for (auto it = f.summary.begin(); it != f.summary.end(); ++it)
                summary[it.key()] = it.value();
        }
        const FolderRead& last = parts.back().second;
        run.status = !last.exitCode        ? RunStatus::Running
                     : *last.exitCode == 0 ? RunStatus::Finished
                                           : RunStatus::Failed;
        // A runtime past a century is damage, not a run: the end comes from the last row then.
        constexpr qint64 kMaxRuntimeS = qint64(1) << 32;
        if (last.exitCode && last.startMs && last.runtimeS >= 0 && last.runtimeS < kMaxRuntimeS)
            run.endTimeMs = *last.startMs + last.runtimeS * 1000;
        else if (last.exitCode && last.lastWallMs > 0)
            run.endTimeMs = toInt64(last.lastWallMs);
        if (run.name.isEmpty()) run.name = id;
        if (run.experiment.isEmpty()) run.experiment = QFileInfo(m_root).fileName();
        summariseInto(run, history);
        // Values only in the summary (run.summary["test_acc"] = ...): one point each.
        for (auto it = summary.begin(); it != summary.end(); ++it)
            if (!run.metrics.contains(it.key())) {
                MetricSummary s;
                s.add(0, it.value(), 0);
                run.metrics.insert(it.key(), s);
            }
        run.id = RunId::make(run.sourceKind, m_root, id);
        histories[id] = std::move(history);
        delta.runs.push_back(std::move(run));
    }
    if (options.cancelled()) {
        delta.cancelled = true;
        return delta;
    }
    sortRunsNewestFirst(delta.runs);
    m_histories.replace(std::move(histories));
    return delta;
}

HistoryResult WandbSource::loadHistory(const Run& run, const QString& metric) {
    return m_histories.find(run.nativeId, metric);
}

Format WandbSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral(
        "W&B offline runs: wandb/run-* or offline-run-* folders with a .wandb file")};
    // A run folder is claimed for the folder holding it: one source reads all its runs.
    f.claim = [](const Candidate& c) {
        if (!c.isDir || c.isOpened || !isRunFolder(c.path)) return Claim{};
        return Claim::mine(50, c.path.left(c.path.lastIndexOf(u'/')));
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<WandbSource>(paths.first());
    };
    f.namedLikeData = [](const std::string& name) { return name.ends_with(".wandb"); };
    return f;
}

}  // namespace runlens
