#include "CsvSource.h"

#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <charconv>
#include <cmath>

#include "JsonParams.h"
#include "MlflowFileSource.h"
#include "YamlParams.h"
#include "codec/JsonLimits.h"
#include "codec/LocalFiles.h"
#include "model/NumberCast.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

const QStringList kTimeColumns = {QStringLiteral("timestamp"), QStringLiteral("_timestamp"),
                                  QStringLiteral("wall_time"), QStringLiteral("time")};

// Splits one CSV line into fields (RFC 4180 quotes; the common unquoted case is memchr fast).
void splitLine(std::string_view line, std::vector<std::string_view>& fields, std::string& scratch,
               char separator) {
    fields.clear();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find('"') == std::string_view::npos) {
        size_t start = 0;
        for (;;) {
            const size_t comma = line.find(separator, start);
            fields.push_back(
                line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
        return;
    }
    // Quoted fields: unquote into `scratch` (kept alive for the views).
    scratch.clear();
    scratch.reserve(line.size());
    std::vector<std::pair<size_t, size_t>> spans;
    size_t i = 0;
    while (i <= line.size()) {
        const size_t begin = scratch.size();
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (i < line.size()) {
                if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                    scratch += '"';
                    i += 2;
                } else if (line[i] == '"') {
                    ++i;
                    break;
                } else {
                    scratch += line[i++];
                }
            }
            while (i < line.size() && line[i] != separator)
                ++i;
        } else {
            while (i < line.size() && line[i] != separator)
                scratch += line[i++];
        }
        spans.emplace_back(begin, scratch.size() - begin);
        ++i;  // past the comma (or the end)
    }
    for (const auto& [b, n] : spans)
        fields.push_back(std::string_view(scratch).substr(b, n));
}

// A cell as a number: nan, inf and -inf (any case) included; false for empty, NA and text.
bool cellNumber(std::string_view cell, double& out) {
    while (!cell.empty() && cell.front() == ' ')
        cell.remove_prefix(1);
    while (!cell.empty() && cell.back() == ' ')
        cell.remove_suffix(1);
    if (cell.empty()) return false;
    const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), out);
    if (r.ec == std::errc() && r.ptr == cell.data() + cell.size()) return true;
    const QString text = QString::fromLatin1(cell.data(), qsizetype(cell.size())).toLower();
    if (text == u"nan") return out = NAN, true;
    if (text == u"inf" || text == u"infinity" || text == u"+inf") return out = INFINITY, true;
    if (text == u"-inf" || text == u"-infinity") return out = -INFINITY, true;
    return false;
}

double toMs(double time) {
    return time < 1e11 ? time * 1000 : time;  // seconds (Python's time.time()) or ms
}

// No params file a logger writes comes near this; a bigger one is not a params file.
constexpr uint64_t kMaxParamsFileBytes = 64 << 20;

const QString kStepKept = QStringLiteral("such rows keep the step before them");

// Params from the first of `names` present in `dir`.
QString readParams(const QString& dir, const QStringList& names, QMap<QString, ParamValue>& out) {
    for (const QString& name : names) {
        const QString path = dir + u'/' + name;
        if (!QFileInfo::exists(path)) continue;
        std::string bytes;
        QString error;
        if (!readWholeFile(toLocalPath(path), bytes, &error, kMaxParamsFileBytes))
            return QStringLiteral("%1 %2").arg(name, error);
        ParamBudget budget;
        if (name.endsWith(u".json")) {
            rapidjson::Document doc;
            if (!parseJson(doc, bytes, &error))
                return QStringLiteral("%1 %2; its params were skipped").arg(name, error);
            if (!doc.IsObject())
                return QStringLiteral("%1 is not a JSON object; its params were skipped").arg(name);
            addJsonParams(out, {}, doc, budget);
        } else {
            try {
                // Tags like !!python/object are kept on the node and never constructed.
                addYamlParams(out, {}, YAML::Load(bytes), budget);
            } catch (const YAML::Exception& e) {
                return QStringLiteral("%1 is not valid YAML (line %2); its params were skipped")
                    .arg(name)
                    .arg(e.mark.line + 1);
            }
        }
        return budget.exhausted() ? QStringLiteral("%1 %2").arg(name, budget.problem()) : QString();
    }
    return {};
}

// The lines of a metrics.jsonl; returns a problem sentence for lines that were skipped or
// steps that did not fit, or an empty string.
QString parseMetricsJsonl(std::string_view text, std::map<QString, MetricSeries>& out) {
    size_t pos = 0;
    qint64 row = 0;
    int badLines = 0, firstBad = 0, lineNumber = 0;
    QString firstError;
    Int64Conversions steps;
    rapidjson::Document doc;
    while (pos < text.size()) {
        const size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) break;  // a line being written
        const std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        ++lineNumber;
        QString error;
        if (!parseJson(doc, line, &error) || !doc.IsObject()) {
            if (line.find_first_not_of(" \t\r") != std::string_view::npos && badLines++ == 0)
                firstBad = lineNumber, firstError = error;
            continue;
        }
        qint64 step = row++;
        double wall = 0;
        for (const char* key : {"step", "_step", "epoch"})
            if (doc.HasMember(key) && doc[key].IsNumber()) {
                step = steps(doc[key].GetDouble()).value_or(step);
                break;
            }
        for (const char* key : {"timestamp", "_timestamp", "wall_time", "time"})
            if (doc.HasMember(key) && doc[key].IsNumber()) {
                wall = toMs(doc[key].GetDouble());
                break;
            }
        for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
            const QString key = QString::fromUtf8(it->name.GetString());
            if (key == u"step" || key == u"_step" || kTimeColumns.contains(key)) continue;
            if (it->value.IsNumber()) out[key].append(step, it->value.GetDouble(), wall);
        }
    }
    QStringList problems;
    if (badLines > 0)
        problems << QStringLiteral("metrics.jsonl line %1 %2; %3")
                        .arg(firstBad)
                        .arg(firstError.isEmpty() ? QStringLiteral("is not a JSON object")
                                                  : firstError)
                        .arg(badLines == 1
                                 ? QStringLiteral("it was skipped")
                                 : QStringLiteral("%1 bad lines were skipped").arg(badLines));
    if (steps.failures() > 0)
        problems << QStringLiteral("metrics.jsonl: ") +
                        steps.problem(QStringLiteral("step"),
                                      QStringLiteral("such lines take the line number as step"));
    return problems.join(QStringLiteral("; "));
}

// Metric summaries from the series; times from the first and last wall times when the
// format has no times of its own.
void summarise(Run& run, const std::map<QString, MetricSeries>& series) {
    summariseInto(run, series);
    double first = INFINITY, last = -INFINITY;
    for (const auto& [key, s] : series)
        for (const double wall : s.wallTimesMs)
            if (wall > 0) first = std::min(first, wall), last = std::max(last, wall);
    // Times past qint64's range are no times: the run keeps none.
    if (!run.startTimeMs) run.startTimeMs = toInt64(first);
    if (!run.endTimeMs && run.status != RunStatus::Running) run.endTimeMs = toInt64(last);
}

// DVCLive: dvclive/params.yaml, plots/metrics/**/<name>.tsv (timestamp ms, step, value), and
// metrics.json (the latest values; those without a plot become one point).
void readDvcLive(const QString& dir, Run& run, std::map<QString, MetricSeries>& series) {
    run.name = QFileInfo(QFileInfo(dir).path()).fileName();
    const QString problem = readParams(dir, {QStringLiteral("params.yaml")}, run.params);
    if (!problem.isEmpty()) run.problems << problem;
    const QString plots = dir + QStringLiteral("/plots/metrics");
    QDirIterator it(plots, {QStringLiteral("*.tsv")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        std::string bytes;
        QString error;
        if (!readWholeFile(toLocalPath(path), bytes, &error)) {
            run.problems << QStringLiteral("%1 %2").arg(QDir(dir).relativeFilePath(path), error);
            continue;
        }
        std::map<QString, MetricSeries> one;
        QString note;
        if (!parseMetricsCsv(bytes, {QStringLiteral("step")}, one, &error, '\t', &note)) {
            run.problems << QStringLiteral("%1 %2").arg(QDir(dir).relativeFilePath(path), error);
            continue;
        }
        if (!note.isEmpty())
            run.problems << QStringLiteral("%1: %2").arg(QDir(dir).relativeFilePath(path), note);
        // The value column is named after the metric; the plot's path is its key.
        QString key = QDir(plots).relativeFilePath(path);
        key.chop(4);
        for (auto& [column, s] : one)
            series[one.size() == 1 ? key : key + u'/' + column] = std::move(s);
    }
    std::string bytes;
    QString error;
    const QString metricsJson = dir + QStringLiteral("/metrics.json");
    if (QFileInfo::exists(metricsJson) &&
        !readWholeFile(toLocalPath(metricsJson), bytes, &error, kMaxParamsFileBytes)) {
        run.problems << QStringLiteral("metrics.json %1").arg(error);
    } else if (!bytes.empty()) {
        rapidjson::Document doc;
        QMap<QString, ParamValue> flat;
        ParamBudget budget;
        if (!parseJson(doc, bytes, &error))
            run.problems << QStringLiteral("metrics.json %1; it was skipped").arg(error);
        else if (doc.IsObject())
            addJsonParams(flat, {}, doc, budget);
        if (budget.exhausted()) run.problems << QStringLiteral("metrics.json ") + budget.problem();
        const qint64 step =
            flat.contains(QStringLiteral("step")) ? flat.value(QStringLiteral("step")).toInt() : 0;
        for (auto f = flat.begin(); f != flat.end(); ++f)
            if (f.key() != u"step" && f->isNumeric() && !series.count(f.key()))
                series[f.key()].append(step, f->toDouble(), 0);
    }
}

// Sacred's FileStorageObserver: run.json (status, times as ISO UTC without a zone, the
// experiment's name), config.json, metrics.json ({name: {steps, values, timestamps}}).
void readSacred(const QString& dir, Run& run, std::map<QString, MetricSeries>& series) {
    auto load = [&](const char* name, rapidjson::Document& doc,
                    uint64_t maxBytes = kMaxParamsFileBytes) {
        const QString path = dir + u'/' + QLatin1String(name);
        if (!QFileInfo::exists(path)) return false;
        std::string bytes;
        QString error;
        if (!readWholeFile(toLocalPath(path), bytes, &error, maxBytes)) {
            run.problems << QStringLiteral("%1 %2").arg(QLatin1String(name), error);
            return false;
        }
        if (!parseJson(doc, bytes, &error)) {
            run.problems << QStringLiteral("%1 %2; it was skipped").arg(QLatin1String(name), error);
            return false;
        }
        if (!doc.IsObject()) {
            run.problems << QStringLiteral("%1 is not a JSON object; it was skipped").arg(name);
            return false;
        }
        return true;
    };
    auto isoMs = [](const rapidjson::Value& v) -> std::optional<qint64> {
        if (!v.IsString()) return std::nullopt;
        QDateTime t = QDateTime::fromString(QString::fromUtf8(v.GetString()), Qt::ISODateWithMs);
        if (!t.isValid()) return std::nullopt;
        t.setTimeSpec(Qt::UTC);
        return t.toMSecsSinceEpoch();
    };
    rapidjson::Document doc;
    const QString id = QFileInfo(dir).fileName();
    run.name = QStringLiteral("#") + id;
    if (load("run.json", doc)) {
        if (doc.HasMember("experiment") && doc["experiment"].IsObject() &&
            doc["experiment"].HasMember("name") && doc["experiment"]["name"].IsString()) {
            run.experiment = QString::fromUtf8(doc["experiment"]["name"].GetString());
            run.name = run.experiment + QStringLiteral(" #") + id;
        }
        if (doc.HasMember("status") && doc["status"].IsString()) {
            const QString status = QString::fromUtf8(doc["status"].GetString());
            run.status = status == u"COMPLETED"     ? RunStatus::Finished
                         : status == u"RUNNING"     ? RunStatus::Running
                         : status == u"QUEUED"      ? RunStatus::Scheduled
                         : status == u"FAILED"      ? RunStatus::Failed
                         : status == u"INTERRUPTED" ? RunStatus::Killed
                                                    : RunStatus::Unknown;
        }
        if (doc.HasMember("start_time")) run.startTimeMs = isoMs(doc["start_time"]);
        if (doc.HasMember("stop_time")) run.endTimeMs = isoMs(doc["stop_time"]);
    }
    if (load("config.json", doc)) {
        ParamBudget budget;
        addJsonParams(run.params, {}, doc, budget);
        run.params.remove(QStringLiteral("__doc__"));
        if (budget.exhausted()) run.problems << QStringLiteral("config.json ") + budget.problem();
    }
    Int64Conversions steps;
    if (load("metrics.json", doc, kNoSizeLimit)) {
        for (auto m = doc.MemberBegin(); m != doc.MemberEnd(); ++m) {
            const rapidjson::Value& v = m->value;
            if (!v.IsObject() || !v.HasMember("values") || !v["values"].IsArray()) continue;
            const auto& values = v["values"].GetArray();
            const bool hasSteps = v.HasMember("steps") && v["steps"].IsArray();
            const bool hasTimes = v.HasMember("timestamps") && v["timestamps"].IsArray();
            MetricSeries& s = series[QString::fromUtf8(m->name.GetString())];
            for (rapidjson::SizeType i = 0; i < values.Size(); ++i) {
                if (!values[i].IsNumber()) continue;
                const qint64 step = hasSteps && i < v["steps"].Size() && v["steps"][i].IsNumber()
                                        ? steps(v["steps"][i].GetDouble()).value_or(qint64(i))
                                        : qint64(i);
                const auto wall = hasTimes && i < v["timestamps"].Size() ? isoMs(v["timestamps"][i])
                                                                         : std::nullopt;
                s.append(step, values[i].GetDouble(), double(wall.value_or(0)));
            }
        }
    }
    if (steps.failures() > 0)
        run.problems << QStringLiteral("metrics.json: ") +
                            steps.problem(QStringLiteral("step"),
                                          QStringLiteral("such points take their index as step"));
}

}  // namespace

namespace {

// Which series each column feeds; the step and time columns feed none.
struct CsvColumns {
    std::vector<MetricSeries*> series;
    int step = -1, time = -1;
};

// A name given twice keeps both columns: the second becomes "name (2)", the next "name (3)"
// (the first number no earlier column holds). Linear in the columns, with a set of the names
// so far and the next number to try per name: a header of 160,000 columns, or of 20,000
// copies of one name, is mapped at once.
void renameDuplicates(QStringList& header) {
    QSet<QString> taken;
    taken.reserve(header.size());
    QHash<QString, int> nextNumber;
    for (QString& name : header) {
        if (!taken.contains(name)) {
            taken.insert(name);
            continue;
        }
        const QString base = name.section(QStringLiteral(" ("), 0, 0);
        int& n = nextNumber[base];
        n = std::max(n, 2);
        while (taken.contains(base + QStringLiteral(" (%1)").arg(n)))
            ++n;
        name = base + QStringLiteral(" (%1)").arg(n++);
        taken.insert(name);
    }
}

void mapColumns(std::string_view headerLine, const QStringList& stepColumns, char separator,
                std::map<QString, MetricSeries>& out, CsvColumns& columns) {
    std::vector<std::string_view> fields;
    std::string scratch;
    splitLine(headerLine, fields, scratch, separator);
    QStringList header;
    header.reserve(qsizetype(fields.size()));
    for (std::string_view f : fields)
        header << QString::fromUtf8(f.data(), qsizetype(f.size())).trimmed();
    for (const QString& name : stepColumns)
        if (columns.step < 0) columns.step = int(header.indexOf(name));
    for (const QString& name : kTimeColumns)
        if (columns.time < 0) columns.time = int(header.indexOf(name));
    renameDuplicates(header);
    columns.series.assign(size_t(header.size()), nullptr);
    for (int c = 0; c < header.size(); ++c)
        if (c != columns.step && c != columns.time && !header[c].isEmpty())
            columns.series[size_t(c)] = &out[header[c]];
}

// Parses the complete rows of `text`; returns the bytes taken (a row being written is left).
size_t parseRows(std::string_view text, const CsvColumns& columns, char separator, qint64& row,
                 qint64& lastStep, Int64Conversions& steps) {
    std::vector<std::string_view> fields;
    std::string scratch;
    size_t pos = 0;
    constexpr qint64 kSample = 1000;
    const qint64 firstRow = row;
    while (pos < text.size()) {
        // After a sample of rows, room for the rest at the rate each column filled so far:
        // no reallocation (and copy) of long series while they grow.
        if (row - firstRow == kSample && text.size() > pos * 4) {
            const double rowsLeft = double(text.size() - pos) / double(pos) * double(kSample);
            for (MetricSeries* s : columns.series)
                if (s)
                    s->reserve(s->size() + size_t(double(s->size()) / kSample * rowsLeft * 1.05) +
                               16);
        }
        const size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) break;
        const std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (line.empty() || line == "\r") continue;
        splitLine(line, fields, scratch, separator);
        double v = 0;
        const int stepColumn = columns.step;
        std::optional<qint64> stepCell;
        if (stepColumn >= 0 && size_t(stepColumn) < fields.size() &&
            cellNumber(fields[size_t(stepColumn)], v) && std::isfinite(v))
            stepCell = steps(v);  // a step past qint64's range keeps the step before
        const qint64 step = stepCell.value_or(stepColumn >= 0 ? lastStep : row);
        lastStep = step;
        ++row;
        double wall = 0;
        if (columns.time >= 0 && size_t(columns.time) < fields.size() &&
            cellNumber(fields[size_t(columns.time)], v) && std::isfinite(v))
            wall = toMs(v);
        for (size_t c = 0; c < fields.size() && c < columns.series.size(); ++c)
            if (columns.series[c] && cellNumber(fields[c], v))
                columns.series[c]->append(step, v, wall);
    }
    return pos;
}

void dropEmpty(std::map<QString, MetricSeries>& series) {
    // Columns that never held a number (text, all empty) are not metrics.
    for (auto it = series.begin(); it != series.end();)
        it = it->second.empty() ? series.erase(it) : std::next(it);
}

}  // namespace

bool parseMetricsCsv(std::string_view text, const QStringList& stepColumns,
                     std::map<QString, MetricSeries>& out, QString* error, char separator,
                     QString* note) {
    const size_t headerEnd = text.find('\n');
    const std::string_view headerLine = text.substr(0, headerEnd);
    if (headerEnd == std::string_view::npos || headerLine.empty() || headerLine == "\r") {
        if (error) *error = QStringLiteral("has no header row");
        return false;
    }
    CsvColumns columns;
    mapColumns(headerLine, stepColumns, separator, out, columns);
    qint64 row = 0, lastStep = 0;
    Int64Conversions steps;
    parseRows(text.substr(headerEnd + 1), columns, separator, row, lastStep, steps);
    dropEmpty(out);
    if (note) *note = steps.problem(QStringLiteral("step"), kStepKept);
    return true;
}

// A CSV file as last read: what it held up to `offset`, so a file that grew is read from
// there (a file replaced, shrunk, or with another header is read again whole: Lightning
// rewrites metrics.csv when a new key appears).
struct CsvSource::FileState {
    FileStamp stamp;
    std::string header;
    uint64_t offset = 0;
    qint64 row = 0, lastStep = 0;
    Int64Conversions steps;  // steps that did not fit, said once per file
};

// `series` holds what the last read of `file` gave (its histories, moved, not copied): kept
// when the file did not change, appended to when it grew, rebuilt when it was rewritten.
bool CsvSource::readCsv(const QString& file, const QStringList& stepColumns,
                        std::map<QString, MetricSeries>& series, QString* error, QString* note) {
    const std::string local = toLocalPath(file);
    const FileStamp stamp = FileStamp::of(local);
    FileState& st = m_files[file];
    if (!st.header.empty() && stamp == st.stamp) {
        *note = st.steps.problem(QStringLiteral("step"), kStepKept);
        return true;
    }
    std::string bytes;
    // Same file, longer, same header: read from where the last read stopped.
    if (!st.header.empty() && stamp.inode == st.stamp.inode && stamp.size >= int64_t(st.offset)) {
        std::string head;
        if (readFileHead(local, st.header.size(), head, nullptr) && head == st.header &&
            readFileFrom(local, st.offset, bytes, error)) {
            CsvColumns columns;
            mapColumns(std::string_view(st.header).substr(0, st.header.size() - 1), stepColumns,
                       ',', series, columns);
            st.offset += parseRows(bytes, columns, ',', st.row, st.lastStep, st.steps);
            st.stamp = stamp;
            dropEmpty(series);
            *note = st.steps.problem(QStringLiteral("step"), kStepKept);
            return true;
        }
    }
    st = FileState{};
    series.clear();
    if (!readWholeFile(local, bytes, error)) return false;
    const size_t headerEnd = bytes.find('\n');
    const std::string_view headerLine = std::string_view(bytes).substr(0, headerEnd);
    if (headerEnd == std::string::npos || headerLine.empty() || headerLine == "\r") {
        if (error) *error = QStringLiteral("has no header row");
        return false;
    }
    CsvColumns columns;
    mapColumns(headerLine, stepColumns, ',', series, columns);
    st.header = bytes.substr(0, headerEnd + 1);
    st.offset = headerEnd + 1 +
                parseRows(std::string_view(bytes).substr(headerEnd + 1), columns, ',', st.row,
                          st.lastStep, st.steps);
    st.stamp = stamp;
    dropEmpty(series);
    *note = st.steps.problem(QStringLiteral("step"), kStepKept);
    return true;
}

CsvSource::CsvSource(QString root, QStringList runs)
    : m_root(QDir(root).absolutePath()), m_runs(std::move(runs)) {}
CsvSource::~CsvSource() = default;

QString CsvSource::looksLikeRun(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) {
        if (info.fileName() == u"dvclive" &&
            (QFileInfo::exists(path + QStringLiteral("/metrics.json")) ||
             QFileInfo::exists(path + QStringLiteral("/plots/metrics"))))
            return QStringLiteral("dvclive");
        if (QFileInfo::exists(path + QStringLiteral("/run.json")) &&
            QFileInfo::exists(path + QStringLiteral("/config.json")))
            return QStringLiteral("sacred");
        if (QFileInfo::exists(path + QStringLiteral("/metrics.csv")))
            return QFileInfo::exists(path + QStringLiteral("/hparams.yaml")) ||
                           info.fileName().startsWith(u"version_")
                       ? QStringLiteral("lightning")
                       : QStringLiteral("generic");
        if (QFileInfo::exists(path + QStringLiteral("/progress.csv"))) return QStringLiteral("sb3");
        if (QFileInfo::exists(path + QStringLiteral("/metrics.jsonl")))
            return QStringLiteral("generic");
        return {};
    }
    // Keras' CSVLogger: a file whose header starts with "epoch".
    const QString suffix = info.suffix().toLower();
    if ((suffix != u"csv" && suffix != u"log") || info.fileName() == u"metrics.csv" ||
        info.fileName() == u"progress.csv")
        return {};
    std::string head;
    if (!readFileHead(toLocalPath(path), 64, head, nullptr)) return {};  // FIFOs too
    return head.starts_with("epoch,") || head.starts_with("epoch;") ? QStringLiteral("keras")
                                                                    : QString();
}

ScanDelta CsvSource::scan(const ScanOptions& options) {
    ScanDelta delta;
    m_stamp.note(m_runs);
    m_histories.setCache(options.cacheDir, kind(), m_root);
    KeptHistories::ByRun histories;
    const QDir root(m_root);
    for (const QString& path : std::as_const(m_runs)) {
        if (options.cancelled()) {
            delta.cancelled = true;
            return delta;
        }
        const QString layout = looksLikeRun(path);
        if (layout.isEmpty()) continue;  // gone since detection
        const QFileInfo info(path);
        const QString dir = info.isDir() ? path : info.path();
        Run run;
        run.sourceKind = kind();
        run.location = path;
        run.nativeId = root.relativeFilePath(path);
        run.name = layout == u"lightning"
                       ? QFileInfo(dir).dir().dirName() + u'/' + QFileInfo(dir).fileName()
                   : info.isDir() ? info.fileName()
                                  : info.completeBaseName();
        run.experiment =
            info.isDir() ? QFileInfo(info.path()).fileName() : QFileInfo(dir).fileName();
        if (layout == u"lightning") run.experiment = QFileInfo(QFileInfo(dir).path()).fileName();
        run.tags.insert(QStringLiteral("csv.layout"), layout);
        run.id = RunId::make(run.sourceKind, m_root, run.nativeId);

        if (layout == u"dvclive" || layout == u"sacred") {
            std::map<QString, MetricSeries> series;
            if (layout == u"dvclive")
                readDvcLive(path, run, series);
            else
                readSacred(path, run, series);
            summarise(run, series);
            for (const QString& p : std::as_const(run.problems))
                delta.problems.append({path, p});
            histories[run.nativeId] = std::move(series);
            delta.runs.push_back(std::move(run));
            continue;
        }
        QString metricsFile, problem;
        QStringList stepColumns;
        if (layout == u"keras") {
            metricsFile = path;
            stepColumns = {QStringLiteral("epoch")};
        } else if (layout == u"sb3") {
            metricsFile = path + QStringLiteral("/progress.csv");
            stepColumns = {QStringLiteral("time/total_timesteps")};
        } else {
            metricsFile = QFileInfo::exists(path + QStringLiteral("/metrics.csv"))
                              ? path + QStringLiteral("/metrics.csv")
                              : path + QStringLiteral("/metrics.jsonl");
            stepColumns = {QStringLiteral("step"), QStringLiteral("_step"), QStringLiteral("epoch"),
                           QStringLiteral("iteration")};
        }
        if (info.isDir()) {
            problem = readParams(path,
                                 {QStringLiteral("hparams.yaml"), QStringLiteral("params.json"),
                                  QStringLiteral("params.yaml"), QStringLiteral("config.yaml")},
                                 run.params);
            if (!problem.isEmpty()) run.problems << problem;
        }
        std::string bytes;
        QString error;
        // The last scan's histories of this run: a CSV that grew is appended to them.
        std::optional<KeptHistories::Histories> kept = m_histories.take(run.nativeId);
        // Histories that cannot be read back (a damaged entry): the file is read again whole.
        if (!kept) m_files.erase(metricsFile);
        std::map<QString, MetricSeries> series =
            kept ? std::move(*kept) : KeptHistories::Histories{};
        QString note;
        if (metricsFile.endsWith(u".jsonl")) {
            series.clear();
            if (!readWholeFile(toLocalPath(metricsFile), bytes, &error))
                run.problems << QStringLiteral("%1 %2").arg(QFileInfo(metricsFile).fileName(),
                                                            error);
            else
                note = parseMetricsJsonl(bytes, series);
        } else if (!readCsv(metricsFile, stepColumns, series, &error, &note)) {
            run.problems << QStringLiteral("%1 %2").arg(QFileInfo(metricsFile).fileName(), error);
        } else if (!note.isEmpty()) {
            note = QFileInfo(metricsFile).fileName() + QStringLiteral(": ") + note;
        }
        if (!note.isEmpty()) run.problems << note;
        summarise(run, series);
        for (const QString& p : std::as_const(run.problems))
            delta.problems.append({path, p});
        histories[run.nativeId] = std::move(series);
        delta.runs.push_back(std::move(run));
    }
    sortRunsNewestFirst(delta.runs);
    m_histories.replace(std::move(histories));
    return delta;
}

HistoryResult CsvSource::loadHistory(const Run& run, const QString& metric) {
    return m_histories.find(run.nativeId, metric);
}

Format CsvSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {
        QStringLiteral("Lightning CSVLogger: version_N/metrics.csv with hparams.yaml"),
        QStringLiteral("Keras CSVLogger: a .csv or .log whose header starts with epoch"),
        QStringLiteral("Stable-Baselines3: progress.csv"),
        QStringLiteral("DVCLive: a dvclive folder (params.yaml, plots/metrics)"),
        QStringLiteral("Sacred: FileStorageObserver run folders (run.json, metrics.json)"),
        QStringLiteral("Script folders: metrics.csv or metrics.jsonl, with params.json or "
                       "params.yaml"),
    };
    f.grouping = Format::Grouping::Gathered;
    f.claim = [](const Candidate& c) {
        return !c.isSpecial && !looksLikeRun(c.path).isEmpty() ? Claim::mine(40) : Claim{};
    };
    f.create = [](const QString& opened, const QStringList& runs) -> SourcePtr {
        return std::make_unique<CsvSource>(opened, runs);
    };
    f.namedLikeData = [](const std::string& name) { return name.ends_with(".csv"); };
    return f;
}

}  // namespace runlens
