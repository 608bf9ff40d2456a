#include "NeptuneScaleOperation.h"

#include <QDateTime>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "codec/ProtoReader.h"
#include "model/NumberCast.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

using Wire = ProtoReader::WireType;

QString utf8(std::string_view bytes) {
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}

// Timestamp{seconds=1, nanos=2} in ms since the epoch.
bool decodeTimestamp(std::string_view bytes, double& ms) {
    qint64 seconds = 0, nanos = 0;
    ProtoReader r(bytes);
    while (r.next()) {
        if (r.wireType() != Wire::Varint) continue;
        if (r.field() == 1) seconds = r.int64();
        if (r.field() == 2) nanos = r.int32();
    }
    ms = double(seconds) * 1000 + double(nanos) / 1e6;
    return r.ok();
}

// Value's oneof (common.proto): float64=1, int64=3, bool=5, string=6, timestamp=8,
// string_set=12{values=1}, file_ref=13, histogram=14; another member is Other.
struct Value {
    enum class Kind {
        None,
        Float,
        Int,
        Bool,
        String,
        Timestamp,
        StringSet,
        FileRef,
        Histogram,
        Other
    };
    Kind kind = Kind::None;
    double number = 0;
    qint64 integer = 0;
    std::string_view text;
    std::vector<std::string_view> items;
};

bool decodeValue(std::string_view bytes, Value& v) {
    ProtoReader r(bytes);
    while (r.next()) {
        const Wire w = r.wireType();
        switch (r.field()) {
            case 1:
                if (w != Wire::Fixed64) return false;
                v.kind = Value::Kind::Float, v.number = r.fixedDouble();
                break;
            case 3:
            case 5:
                if (w != Wire::Varint) return false;
                v.kind = r.field() == 3 ? Value::Kind::Int : Value::Kind::Bool;
                v.integer = r.int64();
                break;
            case 6:
            case 8:
            case 12:
            case 13:
            case 14:
                if (w != Wire::LengthDelimited) return false;
                v.text = r.bytes();
                v.kind = r.field() == 6    ? Value::Kind::String
                         : r.field() == 8  ? Value::Kind::Timestamp
                         : r.field() == 12 ? Value::Kind::StringSet
                         : r.field() == 13 ? Value::Kind::FileRef
                                           : Value::Kind::Histogram;
                break;
            default:
                if (v.kind == Value::Kind::None) v.kind = Value::Kind::Other;
                break;
        }
    }
    if (!r.ok()) return false;
    if (v.kind == Value::Kind::Timestamp && !decodeTimestamp(v.text, v.number)) return false;
    if (v.kind == Value::Kind::StringSet) {
        ProtoReader set(v.text);
        while (set.next())
            if (set.field() == 1 && set.wireType() == Wire::LengthDelimited)
                v.items.push_back(set.bytes());
        return set.ok();
    }
    return true;
}

// A map entry {key=1, value=2}; `value` is the bytes of a message or, for a map of enums,
// left empty with `number` set.
struct Entry {
    std::string_view key;
    std::string_view value;
    qint64 number = 0;
};

bool decodeEntry(std::string_view bytes, Entry& e) {
    ProtoReader r(bytes);
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == Wire::LengthDelimited) e.key = r.bytes();
        if (r.field() == 2 && r.wireType() == Wire::LengthDelimited) e.value = r.bytes();
        if (r.field() == 2 && r.wireType() == Wire::Varint) e.number = r.int64();
    }
    return r.ok();
}

struct SetChange {
    std::string_view item;
    qint64 operation;  // SetOperation: 0 NOOP, 1 ADD, 2 REMOVE
};

// ModifySet{string=1 ModifyStringSet{values=1 map<string, SetOperation>}}.
bool decodeModifySet(std::string_view bytes, std::vector<SetChange>& out) {
    ProtoReader r(bytes);
    while (r.next()) {
        if (r.field() != 1 || r.wireType() != Wire::LengthDelimited) continue;
        ProtoReader set(r.bytes());
        while (set.next()) {
            if (set.field() != 1 || set.wireType() != Wire::LengthDelimited) continue;
            Entry e;
            if (!decodeEntry(set.bytes(), e)) return false;
            out.push_back({e.key, e.number});
        }
        if (!set.ok()) return false;
    }
    return r.ok();
}

// UpdateRunSnapshot{step=1, timestamp=2, assign=4, modify_sets=5, append=8, preview=10}.
struct Snapshot {
    std::optional<double> step;
    std::optional<double> ms;
    std::vector<std::pair<std::string_view, Value>> assign, append;
    std::vector<std::pair<std::string_view, std::vector<SetChange>>> modify;
    bool preview = false;
};

bool decodeSnapshot(std::string_view bytes, Snapshot& s) {
    ProtoReader r(bytes);
    while (r.next()) {
        const uint32_t field = r.field();
        if (field != 1 && field != 2 && field != 4 && field != 5 && field != 8 && field != 10)
            continue;  // fields of later versions
        if (r.wireType() != Wire::LengthDelimited) return false;
        switch (field) {
            case 1:
                s.step = NeptuneScaleOperation::decodeStep(r.bytes());
                if (!s.step) return false;
                break;
            case 2: {
                double ms = 0;
                if (!decodeTimestamp(r.bytes(), ms)) return false;
                s.ms = ms;
                break;
            }
            case 4:
            case 8: {
                Entry e;
                Value v;
                if (!decodeEntry(r.bytes(), e) || !decodeValue(e.value, v)) return false;
                (field == 4 ? s.assign : s.append).emplace_back(e.key, std::move(v));
                break;
            }
            case 5: {
                Entry e;
                std::vector<SetChange> changes;
                if (!decodeEntry(r.bytes(), e) || !decodeModifySet(e.value, changes)) return false;
                s.modify.emplace_back(e.key, std::move(changes));
                break;
            }
            case 10: {
                ProtoReader p(r.bytes());  // Preview{is_preview=1, completion_ratio=2}
                while (p.next())
                    if (p.field() == 1 && p.wireType() == Wire::Varint) s.preview = p.varint() != 0;
                if (!p.ok()) return false;
                break;
            }
        }
    }
    return r.ok();
}

QString isoUtc(double ms) {
    const std::optional<qint64> whole = toInt64(std::floor(ms));
    return whole ? QDateTime::fromMSecsSinceEpoch(*whole, Qt::UTC).toString(Qt::ISODateWithMs)
                 : numberText(ms);
}

void assignValue(std::string_view key, const Value& v, NeptuneAttributes& into) {
    switch (v.kind) {
        case Value::Kind::Float:
            into.assign(key, ParamValue::fromDouble(v.number, numberText(v.number)));
            break;
        case Value::Kind::Int:
            into.assign(key, ParamValue::fromInt(v.integer, QString::number(v.integer)));
            break;
        case Value::Kind::Bool:
            into.assign(key,
                        ParamValue::fromBool(v.integer != 0, v.integer ? QStringLiteral("true")
                                                                       : QStringLiteral("false")));
            break;
        case Value::Kind::String:
            into.assign(key, ParamValue::fromString(utf8(v.text)));
            break;
        case Value::Kind::Timestamp:
            into.assign(key, ParamValue::fromString(isoUtc(v.number)));
            break;
        case Value::Kind::StringSet: {
            QStringList items;
            for (std::string_view item : v.items)
                items << utf8(item);
            into.clearSet(key);
            into.addToSet(key, items);
            break;
        }
        case Value::Kind::FileRef:
            into.skip(QStringLiteral("file"), key);
            break;
        case Value::Kind::Histogram:
            into.skip(QStringLiteral("histogram"), key);
            break;
        case Value::Kind::None:
        case Value::Kind::Other:
            into.skip(QStringLiteral("other"), key);
            break;
    }
}

void appendValue(std::string_view key, const Value& v, const Snapshot& s, double wallMs,
                 NeptuneAttributes& into) {
    switch (v.kind) {
        case Value::Kind::Float:
        case Value::Kind::Int:
            into.appendFloat(key, s.step,
                             v.kind == Value::Kind::Float ? v.number : double(v.integer), wallMs,
                             s.preview);
            break;
        case Value::Kind::String:
            into.appendString(key, s.step, utf8(v.text), wallMs);
            break;
        case Value::Kind::Histogram:
            into.skip(QStringLiteral("histogram"), key);
            break;
        case Value::Kind::FileRef:
            into.skip(QStringLiteral("file"), key);
            break;
        default:
            into.skip(QStringLiteral("other"), key);
            break;
    }
}

bool decodeRun(std::string_view bytes, NeptuneScaleRunInfo& info) {
    NeptuneScaleRunInfo out = info;
    ProtoReader r(bytes);
    while (r.next()) {
        const uint32_t field = r.field();
        if (field < 1 || field > 5) continue;
        if (r.wireType() != Wire::LengthDelimited) return false;
        switch (field) {
            case 1:
                out.runId = utf8(r.bytes());
                break;
            case 2: {  // ForkPoint{parent_project=1, parent_run_id=2, step=4}
                ProtoReader f(r.bytes());
                while (f.next()) {
                    if (f.wireType() != Wire::LengthDelimited) continue;
                    if (f.field() == 1) out.parentProject = utf8(f.bytes());
                    if (f.field() == 2) out.parentRunId = utf8(f.bytes());
                    if (f.field() == 4) {
                        out.forkStep = NeptuneScaleOperation::decodeStep(f.bytes());
                        if (!out.forkStep) return false;
                    }
                }
                if (!f.ok()) return false;
                break;
            }
            case 3: {
                double ms = 0;
                if (!decodeTimestamp(r.bytes(), ms)) return false;
                out.creationMs = ms;
                break;
            }
            case 4:
                out.family = utf8(r.bytes());
                break;
            case 5:
                out.experimentId = utf8(r.bytes());
                break;
        }
    }
    if (!r.ok()) return false;
    info = std::move(out);
    return true;
}

}  // namespace

std::optional<double> NeptuneScaleOperation::decodeStep(std::string_view bytes) {
    uint64_t whole = 0, micro = 0;
    ProtoReader r(bytes);
    while (r.next()) {
        if (r.wireType() != Wire::Varint) continue;
        if (r.field() == 1) whole = r.varint();
        if (r.field() == 2) micro = r.varint();
    }
    if (!r.ok()) return std::nullopt;
    // Parsed from its decimal text: 5 + 1e-6 in doubles is not the double nearest 5.000001.
    char text[64];
    const int n =
        std::snprintf(text, sizeof text, "%llu.%06llu", static_cast<unsigned long long>(whole),
                      static_cast<unsigned long long>(micro));
    double step = 0;
    if (micro >= 1000000 || n <= 0 || n >= int(sizeof text))
        return double(whole) + double(micro) / 1e6;
    std::from_chars(text, text + n, step);
    return step;
}

NeptuneScaleOperation::Outcome NeptuneScaleOperation::apply(qint64 operationType,
                                                            std::string_view blob,
                                                            double enqueuedMs,
                                                            NeptuneScaleRunInfo& info,
                                                            NeptuneAttributes& attributes) {
    if (operationType == 1) return decodeRun(blob, info) ? Outcome::Applied : Outcome::Malformed;
    if (operationType != 0) return Outcome::UnknownType;
    Snapshot s;
    if (!decodeSnapshot(blob, s)) return Outcome::Malformed;
    const double wallMs = s.ms.value_or(enqueuedMs);
    for (const auto& [key, value] : s.assign)
        assignValue(key, value, attributes);
    for (const auto& [key, changes] : s.modify)
        for (const SetChange& c : changes) {
            if (c.operation == 1) attributes.addToSet(key, {utf8(c.item)});
            if (c.operation == 2) attributes.removeFromSet(key, {utf8(c.item)});
        }
    for (const auto& [key, value] : s.append)
        appendValue(key, value, s, wallMs, attributes);
    return Outcome::Applied;
}

}  // namespace runlens
