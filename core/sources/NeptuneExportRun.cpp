#include "NeptuneExportRun.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "NeptuneAttributes.h"
#include "codec/ParquetFile.h"
#include "codec/ParquetLists.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

// attribute_type values (neptune-exporter README "attribute_type"; Neptune 2 adds artifact and
// file_set, which are listed like files).
enum class Attr : uint8_t {
    Unknown,
    Float,
    Int,
    String,
    Bool,
    Datetime,
    StringSet,
    FloatSeries,
    StringSeries,
    Other,  // histogram_series, file, file_series, artifact, file_set, ...
};

Attr attrOf(std::string_view type) {
    if (type == "float_series") return Attr::FloatSeries;
    if (type == "float") return Attr::Float;
    if (type == "int") return Attr::Int;
    if (type == "string") return Attr::String;
    if (type == "bool") return Attr::Bool;
    if (type == "datetime") return Attr::Datetime;
    if (type == "string_set") return Attr::StringSet;
    if (type == "string_series") return Attr::StringSeries;
    return Attr::Other;
}

QString utf8(std::string_view bytes) {
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}

// The leaves of model.SCHEMA by index in one file; -1 for a column the file lacks (its
// values are then null).
struct Columns {
    int projectId = -1, runId = -1, path = -1, type = -1, step = -1, timestamp = -1;
    int intValue = -1, floatValue = -1, stringValue = -1, boolValue = -1, datetimeValue = -1;
    int stringSet = -1;

    explicit Columns(const ParquetFile& f) {
        auto flat = [&](const char* name) { return f.findColumn({name}); };
        projectId = flat("project_id");
        runId = flat("run_id");
        path = flat("attribute_path");
        type = flat("attribute_type");
        step = flat("step");
        timestamp = flat("timestamp");
        intValue = flat("int_value");
        floatValue = flat("float_value");
        stringValue = flat("string_value");
        boolValue = flat("bool_value");
        datetimeValue = flat("datetime_value");
        stringSet = f.findColumn({"string_set_value", "list", "element"});
        if (stringSet < 0) stringSet = f.findColumn({"string_set_value", "list", "item"});
    }
};

// What a numeric column's stored integers are divided by: a DECIMAL's 10^scale (the exporter's
// decimal128(18,6) step), 1000 for a timestamp in microseconds (DuckDB writes those), else 1.
double divisorOf(const ParquetColumnDescriptor& column) {
    if (column.isDecimal) return std::pow(10.0, std::clamp(column.scale, 0, 38));
    if (column.timestampUnit == ParquetTimeUnit::Micros) return 1e3;
    if (column.timestampUnit == ParquetTimeUnit::Nanos) return 1e6;
    return 1;
}

// A number of a numeric column, scaled as `divisor` says (one division, correctly rounded).
inline double numberAt(const ParquetColumnData& data, double divisor, size_t i) {
    if (data.storage == ParquetColumnData::Storage::Ints)
        return divisor == 1 ? double(data.ints[i]) : double(data.ints[i]) / divisor;
    return data.storage == ParquetColumnData::Storage::Doubles ? data.doubles[i] : NAN;
}

// The columns of one row group, kept between row groups and files.
struct Buffers {
    ParquetColumnData projectId, runId, path, type, step, timestamp;
    ParquetColumnData intValue, floatValue, stringValue, boolValue, datetimeValue, stringSet;
    ParquetLists lists;
};

// Reads `column` (skipping an absent one: `data` is then empty and every row null).
bool readColumn(ParquetFile& f, int rowGroup, int column, ParquetColumnData& data, QString* error) {
    if (column < 0) {
        data.clear();
        data.maxDefinitionLevel = 1;
        data.definitionLevels.assign(size_t(f.rowCount(rowGroup)), 0);
        data.size = data.definitionLevels.size();
        data.ints.assign(data.size, 0);
        data.doubles.assign(data.size, 0);
        data.indices.assign(data.size, 0);
        return true;
    }
    return f.readColumn(rowGroup, column, data, error);
}

// What a listing gathers across the row groups of every part.
struct ListState {
    explicit ListState(NeptuneExportRun::Listing& listing) : out(listing) {}
    NeptuneExportRun::Listing& out;
    QString runId;
    QString projectId;
    std::vector<QString> seriesKeys;
    std::vector<MetricSummary> summaries;
    std::vector<NeptuneSeriesPlace> lastPlace;
    QHash<QString, int> seriesSlot;
    std::optional<bool> failed;
    QString state;
    std::optional<qint64> pingTime, modificationTime;
    QMap<QString, QSet<QString>> skipped;
    // A string series' last text (the highest step; a later row at the same step wins), shown
    // as a tag as the other Neptune readers do.
    QHash<QString, std::pair<double, QString>> lastTexts;
};

// One parameter row's value (null when the row has none: an attribute the run lacks).
struct Value {
    ParamValue param;
    qint64 ms = 0;  // datetime values
    bool present = false;
};

Value valueOf(Attr attr, size_t i, const ParquetFile& f, const Columns& c, Buffers& b) {
    Value v;
    switch (attr) {
        case Attr::Float:
            if (b.floatValue.isNull(i)) return v;
            v.param = ParamValue::fromDouble(b.floatValue.doubles[i],
                                             numberText(b.floatValue.doubles[i]));
            break;
        case Attr::Int:
            if (b.intValue.isNull(i)) return v;
            v.param = ParamValue::fromInt(b.intValue.ints[i], QString::number(b.intValue.ints[i]));
            break;
        case Attr::String:
            if (b.stringValue.isNull(i) ||
                b.stringValue.storage != ParquetColumnData::Storage::Bytes)
                return v;
            v.param = ParamValue::fromString(utf8(b.stringValue.bytes(i)));
            break;
        case Attr::Bool:
            if (b.boolValue.isNull(i)) return v;
            v.param = ParamValue::fromBool(b.boolValue.ints[i] != 0, b.boolValue.ints[i]
                                                                         ? QStringLiteral("true")
                                                                         : QStringLiteral("false"));
            break;
        case Attr::Datetime: {
            if (b.datetimeValue.isNull(i) || c.datetimeValue < 0) return v;
            const double ms = numberAt(b.datetimeValue, divisorOf(f.column(c.datetimeValue)), i);
            v.ms = qint64(std::floor(ms));
            v.param = ParamValue::fromString(
                QDateTime::fromMSecsSinceEpoch(v.ms, Qt::UTC).toString(Qt::ISODateWithMs));
            break;
        }
        case Attr::StringSet: {
            if (c.stringSet < 0 || i >= b.lists.rows()) return v;
            const ParquetColumnDescriptor& column = f.column(c.stringSet);
            if (b.lists.isNullAt(i, column.nodes.front().definitionLevel)) return v;
            QStringList items;
            for (size_t k = 0; k < b.lists.elementCount(i); ++k) {
                const size_t e = b.lists.begin[i] + k;
                if (!b.stringSet.isNull(e) &&
                    b.stringSet.storage == ParquetColumnData::Storage::Bytes)
                    items << utf8(b.stringSet.bytes(e));
            }
            items.sort();  // a set: its order means nothing (as NeptuneAttributes shows sets)
            v.param = ParamValue::fromString(items.join(QStringLiteral(", ")));
            break;
        }
        default:
            return v;
    }
    v.present = true;
    return v;
}

// A parameter row: system paths (NeptuneAttributes::isSystemPath: sys/, monitoring/, ...) to
// tags and the run's fields, the rest to params, as the other two Neptune forms do.
void addAttribute(ListState& s, const QString& path, Attr attr, const Value& v) {
    Run& run = s.out.run;
    if (!NeptuneAttributes::isSystemPath(path)) {
        run.params.insert(path, v.param);
        return;
    }
    const QString text = v.param.text();
    run.tags.insert(path, text);
    if (path == u"sys/name")
        run.name = text;
    else if (path == u"sys/creation_time" && attr == Attr::Datetime)
        run.startTimeMs = v.ms;
    else if (path == u"sys/ping_time" && attr == Attr::Datetime)
        s.pingTime = v.ms;
    else if (path == u"sys/modification_time" && attr == Attr::Datetime)
        s.modificationTime = v.ms;
    else if (path == u"sys/failed" && attr == Attr::Bool)
        s.failed = v.param.toBool();
    else if (path == u"sys/state")
        s.state = text;
    else if (path == u"sys/forking/parent")
        s.out.parentRunId = text;
}

void addPoint(ListState& s, const QString& key, const NeptuneSeriesPlace& place, double step,
              double value, double timeMs, int& slot) {
    if (slot < 0) {
        const auto it = s.seriesSlot.constFind(key);
        if (it != s.seriesSlot.constEnd()) {
            slot = *it;
        } else {
            slot = int(s.summaries.size());
            s.seriesSlot.insert(key, slot);
            s.seriesKeys.push_back(key);
            s.summaries.emplace_back();
            s.lastPlace.push_back({-1, -1});
        }
    }
    s.summaries[size_t(slot)].add(step, value, timeMs);
    if (!(s.lastPlace[size_t(slot)] == place)) {
        s.lastPlace[size_t(slot)] = place;
        s.out.places[key].push_back(place);
    }
}

// The first non-null text of a string column, for the run's id and project.
QString firstText(const ParquetColumnData& data) {
    if (data.storage != ParquetColumnData::Storage::Bytes) return {};
    for (size_t i = 0; i < data.size; ++i)
        if (!data.isNull(i)) return utf8(data.bytes(i));
    return {};
}

bool listRowGroup(ParquetFile& f, const Columns& c, const NeptuneSeriesPlace& place, Buffers& b,
                  ListState& s, QString* error) {
    const int g = place.rowGroup;
    if (!readColumn(f, g, c.type, b.type, error) || !readColumn(f, g, c.path, b.path, error))
        return false;
    if (b.type.storage != ParquetColumnData::Storage::Bytes ||
        b.path.storage != ParquetColumnData::Storage::Bytes) {
        if (error) *error = QStringLiteral("attribute_path or attribute_type is not text");
        return false;
    }
    if (s.runId.isEmpty()) {
        if (!readColumn(f, g, c.runId, b.runId, error) ||
            !readColumn(f, g, c.projectId, b.projectId, error))
            return false;
        s.runId = firstText(b.runId);
        s.projectId = firstText(b.projectId);
    }
    std::vector<Attr> attrOfEntry(b.type.poolSize());
    for (size_t k = 0; k < attrOfEntry.size(); ++k)
        attrOfEntry[k] = attrOf(b.type.poolEntry(k));
    bool has[int(Attr::Other) + 1] = {};
    for (size_t i = 0; i < b.type.size; ++i)
        if (!b.type.isNull(i)) has[int(attrOfEntry[b.type.indices[i]])] = true;
    const bool series = has[int(Attr::FloatSeries)];
    const bool texts = has[int(Attr::StringSeries)];
    // Only the value columns this row group's types need.
    const std::pair<bool, std::pair<int, ParquetColumnData*>> wanted[] = {
        {has[int(Attr::Int)], {c.intValue, &b.intValue}},
        {has[int(Attr::Float)] || series, {c.floatValue, &b.floatValue}},
        {has[int(Attr::String)] || texts, {c.stringValue, &b.stringValue}},
        {has[int(Attr::Bool)], {c.boolValue, &b.boolValue}},
        {has[int(Attr::Datetime)], {c.datetimeValue, &b.datetimeValue}},
        {has[int(Attr::StringSet)], {c.stringSet, &b.stringSet}},
        {series || texts, {c.step, &b.step}},
        {series, {c.timestamp, &b.timestamp}},
    };
    for (const auto& [needed, column] : wanted)
        if (needed && !readColumn(f, g, column.first, *column.second, error)) return false;
    if (has[int(Attr::StringSet)] && c.stringSet >= 0 &&
        !b.lists.build(f.column(c.stringSet), b.stringSet, error))
        return false;
    if ((series || texts) && c.step < 0) {
        if (error) *error = QStringLiteral("it has metric rows but no step column");
        return false;
    }
    const double stepDivisor = c.step >= 0 ? divisorOf(f.column(c.step)) : 1;
    const double timeDivisor = c.timestamp >= 0 ? divisorOf(f.column(c.timestamp)) : 1;
    std::vector<int> slotOfEntry(b.path.poolSize(), -1);
    double lastStep = 0;
    std::vector<QString> keyOfEntry(b.path.poolSize());
    for (size_t i = 0; i < b.type.size; ++i) {
        if (b.type.isNull(i) || b.path.isNull(i)) continue;
        const Attr attr = attrOfEntry[b.type.indices[i]];
        const uint32_t entry = b.path.indices[i];
        if (keyOfEntry[entry].isNull()) keyOfEntry[entry] = utf8(b.path.poolEntry(entry));
        const QString& key = keyOfEntry[entry];
        if (attr == Attr::FloatSeries) {
            const double value = b.floatValue.isNull(i) ? NAN : b.floatValue.doubles[i];
            // The exporter writes the series of a batch step by step, so a step repeats on
            // consecutive rows: it is scaled once.
            if (!b.step.isNull(i) && (i == 0 || b.step.isNull(i - 1) ||
                                      b.step.storage != ParquetColumnData::Storage::Ints ||
                                      b.step.ints[i] != b.step.ints[i - 1]))
                lastStep = numberAt(b.step, stepDivisor, i);
            const double step = b.step.isNull(i) ? 0 : lastStep;
            const double time = b.timestamp.isNull(i) ? 0 : numberAt(b.timestamp, timeDivisor, i);
            addPoint(s, key, place, step, value, time, slotOfEntry[entry]);
        } else if (attr == Attr::StringSeries) {
            if (b.stringValue.isNull(i) ||
                b.stringValue.storage != ParquetColumnData::Storage::Bytes)
                continue;
            const double step = b.step.isNull(i) ? 0 : numberAt(b.step, stepDivisor, i);
            auto it = s.lastTexts.find(key);
            if (it == s.lastTexts.end() || step >= it->first)
                s.lastTexts.insert(key, {step, utf8(b.stringValue.bytes(i))});
        } else if (attr == Attr::Other) {
            s.skipped[utf8(b.type.bytes(i))].insert(key);
        } else if (const Value v = valueOf(attr, i, f, c, b); v.present) {
            addAttribute(s, key, attr, v);
        }
    }
    return true;
}

RunStatus statusOf(const ListState& s) {
    if (s.failed.value_or(false)) return RunStatus::Failed;
    // sys/state: "inactive" once a run ended, "active" (Neptune 2: "running") while it ran.
    const QString state = s.state.toLower();
    if (state == u"active" || state == u"running") return RunStatus::Running;
    if (!state.isEmpty() || s.failed) return RunStatus::Finished;
    return RunStatus::Unknown;
}

}  // namespace

NeptuneExportRun::Listing NeptuneExportRun::list(const QStringList& parts) {
    Listing out;
    ListState s(out);
    Buffers b;
    for (int part = 0; part < parts.size(); ++part) {
        ParquetFile f;
        QString error;
        if (!f.open(parts[part], &error)) {
            out.problems.append({parts[part], QFileInfo(parts[part]).fileName() + u' ' + error +
                                                  QStringLiteral("; its rows were skipped")});
            continue;
        }
        const Columns c(f);
        if (c.path < 0 || c.type < 0) {
            out.problems.append(
                {parts[part], QStringLiteral("%1 has no attribute_path or attribute_type column; "
                                             "it is not the exporter's and was skipped")
                                  .arg(QFileInfo(parts[part]).fileName())});
            continue;
        }
        int failed = 0;
        QString firstError;
        for (int g = 0; g < f.rowGroupCount(); ++g)
            if (!listRowGroup(f, c, {part, g}, b, s, &error) && failed++ == 0) firstError = error;
        // One sentence per file, however many of its row groups are damaged.
        if (failed == 1)
            out.problems.append(
                {parts[part], QStringLiteral("%1 %2; the rows of that row group were skipped")
                                  .arg(QFileInfo(parts[part]).fileName(), firstError)});
        else if (failed > 1)
            out.problems.append(
                {parts[part], QStringLiteral("%1: %2 of its %3 row groups could not be read "
                                             "(the first: %4); their rows were skipped")
                                  .arg(QFileInfo(parts[part]).fileName())
                                  .arg(failed)
                                  .arg(f.rowGroupCount())
                                  .arg(firstError)});
    }
    Run& run = out.run;
    run.nativeId = s.runId;
    if (run.name.isEmpty()) run.name = s.runId;
    run.experiment = s.projectId;
    run.experimentId = s.projectId;
    run.status = statusOf(s);
    if (s.pingTime || s.modificationTime)
        run.endTimeMs = std::max(s.pingTime.value_or(0), s.modificationTime.value_or(0));
    if (run.status == RunStatus::Running) run.endTimeMs.reset();
    for (size_t k = 0; k < s.seriesKeys.size(); ++k) {
        s.summaries[k].systemMetric = NeptuneAttributes::isMonitoringPath(s.seriesKeys[k]);
        run.metrics.insert(s.seriesKeys[k], s.summaries[k]);
    }
    for (auto it = s.lastTexts.begin(); it != s.lastTexts.end(); ++it)
        run.tags.insert(it.key(), it->second);
    for (auto it = s.skipped.begin(); it != s.skipped.end(); ++it) {
        QStringList paths(it->begin(), it->end());
        paths.sort();
        out.skipped.insert(it.key(), paths);
    }
    return out;
}

HistoryResult NeptuneExportRun::history(const QStringList& parts,
                                        const std::vector<NeptuneSeriesPlace>* places,
                                        const QString& metric) {
    HistoryResult result;
    const QByteArray key = metric.toUtf8();
    const std::string_view wanted(key.constData(), size_t(key.size()));
    Buffers b;
    MetricSeries& series = result.series;
    for (int part = 0; part < parts.size(); ++part) {
        std::vector<int> groups;
        if (places) {
            for (const NeptuneSeriesPlace& p : *places)
                if (p.part == part) groups.push_back(p.rowGroup);
            if (groups.empty()) continue;
        }
        ParquetFile f;
        QString error;
        if (!f.open(parts[part], &error)) {
            result.problems.append({parts[part], QFileInfo(parts[part]).fileName() + u' ' + error});
            continue;
        }
        if (!places) {
            groups.resize(size_t(f.rowGroupCount()));
            std::iota(groups.begin(), groups.end(), 0);
        }
        const Columns c(f);
        const double stepDivisor = c.step >= 0 ? divisorOf(f.column(c.step)) : 1;
        const double timeDivisor = c.timestamp >= 0 ? divisorOf(f.column(c.timestamp)) : 1;
        for (const int g : groups) {
            if (g >= f.rowGroupCount() || c.path < 0 || c.type < 0 || c.step < 0) continue;
            auto fail = [&] {
                result.problems.append(
                    {parts[part], QFileInfo(parts[part]).fileName() + u' ' + error});
            };
            if (!readColumn(f, g, c.path, b.path, &error)) {
                fail();
                continue;
            }
            // The path's entries in this row group (one, where the column has a dictionary).
            std::vector<char> matches(b.path.poolSize(), 0);
            bool any = false;
            if (b.path.storage == ParquetColumnData::Storage::Bytes)
                for (size_t k = 0; k < matches.size(); ++k) {
                    matches[k] = b.path.poolEntry(k) == wanted;
                    any = any || matches[k];
                }
            if (!any) continue;
            if (!readColumn(f, g, c.type, b.type, &error) ||
                !readColumn(f, g, c.step, b.step, &error) ||
                !readColumn(f, g, c.timestamp, b.timestamp, &error) ||
                !readColumn(f, g, c.floatValue, b.floatValue, &error)) {
                fail();
                continue;
            }
            for (size_t i = 0; i < b.path.size; ++i) {
                if (b.path.isNull(i) || !matches[b.path.indices[i]] || b.type.isNull(i) ||
                    b.type.bytes(i) != "float_series")
                    continue;
                series.append(b.step.isNull(i) ? 0 : numberAt(b.step, stepDivisor, i),
                              b.floatValue.isNull(i) ? NAN : b.floatValue.doubles[i],
                              b.timestamp.isNull(i) ? 0 : numberAt(b.timestamp, timeDivisor, i));
                result.found = true;
            }
        }
    }
    // Batches come in the order the exporter's downloads completed; a series is in step order.
    if (!std::is_sorted(series.steps.begin(), series.steps.end())) {
        std::vector<size_t> order(series.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](size_t a, size_t b) { return series.steps[a] < series.steps[b]; });
        MetricSeries sorted;
        sorted.reserve(order.size());
        for (size_t i : order)
            sorted.append(series.steps[i], series.values[i], series.wallTimesMs[i]);
        series = std::move(sorted);
    }
    return result;
}

}  // namespace runlens
