#include "RunExport.h"

#include <QDateTime>
#include <QSet>
#include <QTimeZone>
#include <charconv>
#include <cmath>

#include "Csv.h"
#include "JsonWriter.h"

namespace runlens {

QByteArray numberBytes(double value) {
    char buf[kNumberCharsMax];
    return QByteArray(buf, numberChars(buf, value) - buf);
}

QString isoTime(std::optional<qint64> ms) {
    if (!ms) return {};
    return QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

namespace {

void optionalTime(JsonWriter& w, std::optional<qint64> ms) {
    if (ms)
        w.value(*ms);
    else
        w.null();
}

void writeProblems(JsonWriter& w, const Problems& problems) {
    w.key(u"problems");
    w.beginArray();
    for (const Problem& p : problems) {
        w.beginObject();
        w.key(u"path"), w.value(p.path);
        w.key(u"message"), w.value(p.message);
        w.endObject();
    }
    w.endArray();
}

}  // namespace

QByteArray sourcesToJson(const std::vector<SourceSummary>& sources, const Problems& problems,
                         const Problems& skipped) {
    JsonWriter w(true);
    w.beginObject();
    w.key(u"sources");
    w.beginArray();
    for (const SourceSummary& source : sources) {
        w.beginObject();
        w.key(u"kind"), w.value(source.kind);
        w.key(u"root"), w.value(source.root);
        w.key(u"runs"), w.value(source.runs);
        w.key(u"skipped_tags");
        w.beginObject();
        for (auto it = source.skippedTags.begin(); it != source.skippedTags.end(); ++it) {
            w.key(it.key());
            w.beginArray();
            for (const QString& tag : it.value())
                w.value(tag);
            w.endArray();
        }
        w.endObject();
        w.endObject();
    }
    w.endArray();
    writeProblems(w, problems);
    w.key(u"skipped");
    w.beginArray();
    for (const Problem& s : skipped) {
        w.beginObject();
        w.key(u"path"), w.value(s.path);
        w.key(u"reason"), w.value(s.message);
        w.endObject();
    }
    w.endArray();
    w.endObject();
    return w.take() + '\n';
}

QByteArray runsToJson(const std::vector<const Run*>& runs, const Problems& problems, bool indent) {
    JsonWriter w(indent);
    w.beginObject();
    w.key(u"runs");
    w.beginArray();
    for (const Run* run : runs) {
        w.beginObject();
        w.key(u"id"), w.value(run->id.text());
        w.key(u"native_id"), w.value(run->nativeId);
        w.key(u"name"), w.value(run->name);
        w.key(u"experiment"), w.value(run->experiment);
        w.key(u"source"), w.value(run->sourceKind);
        w.key(u"location"), w.value(run->location);
        w.key(u"status"), w.value(statusName(run->status));
        w.key(u"start_time"), optionalTime(w, run->startTimeMs);
        w.key(u"end_time"), optionalTime(w, run->endTimeMs);
        w.key(u"parent_id");
        if (run->parentId.isEmpty())
            w.null();
        else
            w.value(run->parentId.text());
        w.key(u"deleted"), w.value(run->deleted);
        w.key(u"params");
        w.beginObject();
        for (auto it = run->params.begin(); it != run->params.end(); ++it)
            w.key(it.key()), w.value(it->text());
        w.endObject();
        w.key(u"tags");
        w.beginObject();
        for (auto it = run->tags.begin(); it != run->tags.end(); ++it)
            w.key(it.key()), w.value(it.value());
        w.endObject();
        w.key(u"metrics");
        w.beginObject();
        for (auto it = run->metrics.begin(); it != run->metrics.end(); ++it) {
            const MetricSummary& m = it.value();
            w.key(it.key());
            w.beginObject();
            w.key(u"last"), w.value(m.last);
            w.key(u"step");
            // A whole step stays an integer in the JSON; only Neptune's have fractions.
            if (m.step == std::trunc(m.step) && std::abs(m.step) < 9.2e18)
                w.value(qint64(m.step));
            else
                w.value(m.step);
            w.key(u"timestamp"), w.value(qint64(m.timestampMs));
            w.key(u"min");
            m.hasStats ? w.value(m.min) : w.null();
            w.key(u"max");
            m.hasStats ? w.value(m.max) : w.null();
            w.key(u"count");
            m.hasStats ? w.value(m.count) : w.null();
            w.endObject();
        }
        w.endObject();
        w.key(u"problems");
        w.beginArray();
        for (const QString& p : run->problems)
            w.value(p);
        w.endArray();
        w.endObject();
    }
    w.endArray();
    writeProblems(w, problems);
    w.endObject();
    QByteArray out = w.take();
    out += '\n';
    return out;
}

namespace {

template <class Get>
QStringList unionOfKeys(const std::vector<const Run*>& runs, Get get) {
    QSet<QString> keys;
    for (const Run* run : runs)
        for (const QString& key : get(*run))
            keys.insert(key);
    QStringList sorted(keys.begin(), keys.end());
    sorted.sort();
    return sorted;
}

}  // namespace

QByteArray columnsToCsv(const std::vector<const Run*>& runs,
                        const std::vector<ColumnRef>& columns) {
    QByteArray out = "id,name";
    for (const ColumnRef& column : columns)
        out += ',', csvField(out, column.key());
    out += "\r\n";
    for (const Run* run : runs) {
        csvField(out, run->id.text());
        out += ',', csvField(out, run->name);
        for (const ColumnRef& column : columns) {
            out += ',';
            const CellValue value = cellValue(*run, column);
            if (value.kind != CellValue::Kind::Missing) csvField(out, value.text);
        }
        out += "\r\n";
    }
    return out;
}

QByteArray runsToCsv(const std::vector<const Run*>& runs) {
    const QStringList params = unionOfKeys(runs, [](const Run& r) { return r.params.keys(); });
    const QStringList metrics = unionOfKeys(runs, [](const Run& r) { return r.metrics.keys(); });
    const QStringList tags = unionOfKeys(runs, [](const Run& r) { return r.tags.keys(); });
    QByteArray out = "id,native_id,name,experiment,source,status,start_time,end_time,parent_id";
    for (const QString& k : params)
        out += ',', csvField(out, QStringLiteral("params.") + k);
    for (const QString& k : metrics)
        out += ',', csvField(out, QStringLiteral("metrics.") + k);
    for (const QString& k : tags)
        out += ',', csvField(out, QStringLiteral("tags.") + k);
    out += "\r\n";
    for (const Run* run : runs) {
        csvField(out, run->id.text());
        for (const QString& field :
             {run->nativeId, run->name, run->experiment, run->sourceKind, statusName(run->status)})
            out += ',', csvField(out, field);
        out += ',';
        if (run->startTimeMs) out += QByteArray::number(*run->startTimeMs);
        out += ',';
        if (run->endTimeMs) out += QByteArray::number(*run->endTimeMs);
        out += ',', csvField(out, run->parentId.text());
        for (const QString& k : params) {
            out += ',';
            if (auto it = run->params.find(k); it != run->params.end()) csvField(out, it->text());
        }
        for (const QString& k : metrics) {
            out += ',';
            if (auto it = run->metrics.find(k); it != run->metrics.end())
                out += numberBytes(it->last);
        }
        for (const QString& k : tags) {
            out += ',';
            if (auto it = run->tags.find(k); it != run->tags.end()) csvField(out, *it);
        }
        out += "\r\n";
    }
    return out;
}

QByteArray runsToTable(const std::vector<const Run*>& runs) {
    const QStringList header = {QStringLiteral("NAME"),   QStringLiteral("EXPERIMENT"),
                                QStringLiteral("STATUS"), QStringLiteral("START (UTC)"),
                                QStringLiteral("SOURCE"), QStringLiteral("ID")};
    std::vector<QStringList> rows{header};
    for (const Run* run : runs) {
        QString start = isoTime(run->startTimeMs);
        start.truncate(19);
        rows.push_back({run->name, run->experiment, statusName(run->status),
                        start.replace(u'T', u' '), run->sourceKind, run->nativeId});
    }
    std::vector<qsizetype> widths(size_t(header.size()), 0);
    for (const QStringList& row : rows)
        for (qsizetype c = 0; c < row.size(); ++c)
            widths[size_t(c)] = std::max(widths[size_t(c)], std::min<qsizetype>(row[c].size(), 40));
    QByteArray out;
    for (const QStringList& row : rows) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c) {
            QString cell = row[c];
            if (cell.size() > 40) cell = cell.left(39) + u'…';
            line += c + 1 < row.size() ? cell.leftJustified(widths[size_t(c)] + 2) : cell;
        }
        out += line.toUtf8() + '\n';
    }
    out += QByteArray::number(qsizetype(runs.size())) + (runs.size() == 1 ? " run\n" : " runs\n");
    return out;
}

namespace {

// Bytes gathered in a fixed buffer and handed to a ByteSink whenever the next piece might not
// fit; the rest on destruction.
class ChunkedOut {
public:
    static constexpr size_t kPieceMax = 3 * kNumberCharsMax + 8;  // one history point or row

    explicit ChunkedOut(const ByteSink& sink) : m_sink(sink) {}
    ~ChunkedOut() { flush(); }
    ChunkedOut(const ChunkedOut&) = delete;
    ChunkedOut& operator=(const ChunkedOut&) = delete;

    // Where the next piece of up to kPieceMax bytes goes; commit() its end.
    char* piece() {
        if (m_end + kPieceMax > m_buffer + sizeof m_buffer) flush();
        return m_end;
    }
    void commit(char* end) { m_end = end; }
    void append(const QByteArray& bytes) {
        flush();
        m_sink(bytes.constData(), size_t(bytes.size()));
    }
    void flush() {
        if (m_end != m_buffer) m_sink(m_buffer, size_t(m_end - m_buffer));
        m_end = m_buffer;
    }

private:
    const ByteSink& m_sink;
    char m_buffer[64 * 1024];
    char* m_end = m_buffer;
};

QByteArray collected(size_t sizeHint, const std::function<void(const ByteSink&)>& write) {
    QByteArray out;
    out.reserve(qsizetype(sizeHint));
    write([&out](const char* data, size_t size) { out.append(data, qsizetype(size)); });
    return out;
}

}  // namespace

void writeHistoryJson(const Run& run, const QString& metric, const MetricSeries& series,
                      const ByteSink& sink) {
    QByteArray head = "{\"run\":";
    JsonWriter::appendString(head, run.id.text());
    head += ",\"metric\":";
    JsonWriter::appendString(head, metric);
    head += ",\"points\":[";
    ChunkedOut out(sink);
    out.append(head);
    for (size_t i = 0; i < series.size(); ++i) {
        char* end = out.piece();
        if (i) *end++ = ',';
        *end++ = '[';
        end = stepChars(end, series.steps[i]);
        *end++ = ',';
        const double v = series.values[i];
        if (std::isfinite(v)) {
            end = numberChars(end, v);
        } else {
            *end++ = '"';
            end = numberChars(end, v);
            *end++ = '"';
        }
        *end++ = ',';
        end = numberChars(end, series.wallTimesMs[i]);
        *end++ = ']';
        out.commit(end);
    }
    out.append("]}\n");
}

void writeHistoryCsv(const MetricSeries& series, const ByteSink& sink) {
    ChunkedOut out(sink);
    out.append("step,value,timestamp_ms\r\n");
    for (size_t i = 0; i < series.size(); ++i) {
        char* end = stepChars(out.piece(), series.steps[i]);
        *end++ = ',';
        end = numberChars(end, series.values[i]);
        *end++ = ',';
        end = numberChars(end, series.wallTimesMs[i]);
        *end++ = '\r';
        *end++ = '\n';
        out.commit(end);
    }
}

QByteArray historyToJson(const Run& run, const QString& metric, const MetricSeries& series) {
    return collected(series.size() * 40 + 128,
                     [&](const ByteSink& sink) { writeHistoryJson(run, metric, series, sink); });
}

QByteArray historyToCsv(const MetricSeries& series) {
    return collected(series.size() * 40 + 32,
                     [&](const ByteSink& sink) { writeHistoryCsv(series, sink); });
}

}  // namespace runlens
