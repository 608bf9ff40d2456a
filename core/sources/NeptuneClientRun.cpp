#include "NeptuneClientRun.h"

#include <rapidjson/document.h>

#include <QDateTime>
#include <QFileInfo>
#include <algorithm>
#include <charconv>
#include <cmath>

#include "codec/JsonLimits.h"
#include "codec/LocalFiles.h"
#include "model/NumberCast.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

using Json = rapidjson::Value;

// A journal's last line without its newline is a line being written, unless the file has been
// left alone this long (a run that crashed mid-line, a folder copied from elsewhere).
constexpr double kSettledSeconds = 2;
// metadata.json and the version files are a few hundred bytes.
constexpr uint64_t kMaxSideFileBytes = 1 << 20;

const Json* member(const Json& object, const char* name) {
    if (!object.IsObject()) return nullptr;
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

QString text(const Json& v) {
    return QString::fromUtf8(v.GetString(), qsizetype(v.GetStringLength()));
}

QStringList texts(const Json* list) {
    QStringList out;
    if (list && list->IsArray())
        for (const Json& v : list->GetArray())
            if (v.IsString()) out << text(v);
    return out;
}

// ["parameters", "layers", "depth"] as "parameters/layers/depth"; false if not a path.
bool joinPath(const Json* path, std::string& out) {
    out.clear();
    if (!path || !path->IsArray() || path->Empty()) return false;
    for (const Json& segment : path->GetArray()) {
        if (!segment.IsString()) return false;
        if (!out.empty()) out += '/';
        out.append(segment.GetString(), segment.GetStringLength());
    }
    return true;
}

std::optional<double> number(const Json* v) {
    return v && v->IsNumber() ? std::optional<double>(v->GetDouble()) : std::nullopt;
}

// last_put_version / last_ack_version: an ASCII integer without a newline, empty for 0.
qint64 versionFile(const QString& path) {
    std::string head;
    if (!readFileHead(toLocalPath(path), 32, head, nullptr)) return 0;
    qint64 n = 0;
    const char* begin = head.data();
    while (begin < head.data() + head.size() && *begin == ' ')
        ++begin;
    std::from_chars(begin, head.data() + head.size(), n);
    return n;
}

// `exec-<n>-<date>`: n, a counter (0.9) or the unix time (later 0.x) the execution began.
std::optional<double> execNumber(const QString& name) {
    if (!name.startsWith(u"exec-")) return std::nullopt;
    const QString n = name.mid(5).section(u'-', 0, 0);
    bool ok = false;
    const double v = n.toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

struct MetadataJson {
    std::optional<qint64> createdMs;
    QString containerId;
};

// metadata.json (1.9+): {"mode", "containerId", "containerType", "createdAt" (ISO UTC), ...}.
MetadataJson readMetadata(const QString& dir) {
    MetadataJson out;
    std::string bytes;
    rapidjson::Document doc;
    if (!readWholeFile(toLocalPath(dir + QStringLiteral("/metadata.json")), bytes, nullptr,
                       kMaxSideFileBytes) ||
        !parseJson(doc, bytes) || !doc.IsObject())
        return out;
    if (const Json* id = member(doc, "containerId"); id && id->IsString())
        out.containerId = text(*id);
    if (const Json* created = member(doc, "createdAt"); created && created->IsString()) {
        const QDateTime t = QDateTime::fromString(text(*created), Qt::ISODateWithMs);
        if (t.isValid()) out.createdMs = t.toMSecsSinceEpoch();
    }
    return out;
}

QString isoUtc(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// Applies one operation (internal/operation.py, to_dict of each class) to `into`.
class OperationReplay {
public:
    OperationReplay(NeptuneClientRun::Journal& journal, NeptuneAttributes& into)
        : m_journal(journal), m_into(into) {}

    void apply(const Json& op) {
        const Json* type = member(op, "type");
        if (!type || !type->IsString() || !joinPath(member(op, "path"), m_path)) return malformed();
        const std::string_view name(type->GetString(), type->GetStringLength());
        if (name == "LogFloats") return logFloats(op);
        if (name == "LogStrings") return logStrings(op);
        if (name.starts_with("Assign")) return assign(name, op);
        if (name == "ClearFloatLog" || name == "ClearStringLog" || name == "ClearImageLog")
            return m_into.clearSeries(m_path);
        if (name == "AddStrings") return m_into.addToSet(m_path, texts(member(op, "values")));
        if (name == "RemoveStrings")
            return m_into.removeFromSet(m_path, texts(member(op, "values")));
        if (name == "ClearStringSet") return m_into.clearSet(m_path);
        if (name == "DeleteAttribute") return m_into.remove(m_path);
        if (name == "CopyAttribute") return copy(op);
        if (name == "LogImages") return m_into.skip(QStringLiteral("image"), m_path);
        if (name == "UploadFile" || name == "UploadFileContent")
            return m_into.skip(QStringLiteral("file"), m_path);
        if (name == "UploadFileSet" || name == "DeleteFiles")
            return m_into.skip(QStringLiteral("file set"), m_path);
        if (name == "TrackFilesToArtifact" || name == "ClearArtifact")
            return m_into.skip(QStringLiteral("artifact"), m_path);
        if (name == "ConfigFloatSeries") return;  // min, max and unit of a chart's axis
        unknown(text(*type));
    }

private:
    // "data-1.log line 5": built only for a problem, not for every line.
    QString where() const {
        return QStringLiteral("%1 line %2").arg(m_journal.file).arg(m_journal.line);
    }
    void malformed() {
        if (m_journal.malformed++ == 0) m_journal.firstMalformed = where();
    }
    void unknown(const QString& type) {
        if (m_journal.unknownTypes.isEmpty()) m_journal.firstUnknown = where();
        ++m_journal.unknownTypes[type];
    }

    void assign(std::string_view name, const Json& op) {
        const Json* v = member(op, "value");
        if (name == "AssignArtifact") return m_into.skip(QStringLiteral("artifact"), m_path);
        if (!v) return malformed();
        if (name == "AssignFloat" && v->IsNumber()) {
            m_into.assign(m_path,
                          ParamValue::fromDouble(v->GetDouble(), numberText(v->GetDouble())));
        } else if (name == "AssignInt" && v->IsInt64()) {
            m_into.assign(m_path,
                          ParamValue::fromInt(v->GetInt64(), QString::number(v->GetInt64())));
        } else if (name == "AssignBool" && v->IsBool()) {
            m_into.assign(
                m_path, ParamValue::fromBool(v->GetBool(), v->GetBool() ? QStringLiteral("true")
                                                                        : QStringLiteral("false")));
        } else if (name == "AssignString" && v->IsString()) {
            m_into.assign(m_path, ParamValue::fromString(text(*v)));
        } else if (name == "AssignDatetime" && v->IsNumber()) {
            // Milliseconds since the epoch (int(1000 * datetime.timestamp())).
            const std::optional<qint64> ms = toInt64(std::floor(v->GetDouble()));
            if (!ms) return malformed();
            m_into.assign(m_path, ParamValue::fromString(isoUtc(*ms)));
        } else if (name == "AssignFloat" || name == "AssignInt" || name == "AssignBool" ||
                   name == "AssignString" || name == "AssignDatetime") {
            malformed();
        } else {
            unknown(QString::fromUtf8(name.data(), qsizetype(name.size())));
        }
    }

    // {"values": [{"value", "step" (null: numbered by the server), "ts" (unix seconds)}]}
    void logFloats(const Json& op) {
        const Json* values = member(op, "values");
        if (!values || !values->IsArray()) return malformed();
        for (const Json& point : values->GetArray()) {
            const std::optional<double> value = number(member(point, "value"));
            if (!value) {
                malformed();
                continue;
            }
            const std::optional<double> ts = number(member(point, "ts"));
            m_into.appendFloat(m_path, number(member(point, "step")), *value, ts ? *ts * 1000 : 0);
        }
    }

    void logStrings(const Json& op) {
        const Json* values = member(op, "values");
        if (!values || !values->IsArray()) return malformed();
        for (const Json& point : values->GetArray()) {
            const Json* value = member(point, "value");
            if (!value || !value->IsString()) {
                malformed();
                continue;
            }
            const std::optional<double> ts = number(member(point, "ts"));
            m_into.appendString(m_path, number(member(point, "step")), text(*value),
                                ts ? *ts * 1000 : 0);
        }
    }

    // {"container_id", "container_type", "source_path", "source_attr_name"}: a value of another
    // attribute, fetched from the server when synced; within this run it is on disk.
    void copy(const Json& op) {
        const Json* container = member(op, "container_id");
        std::string source;
        if (!container || !container->IsString() || !joinPath(member(op, "source_path"), source))
            return malformed();
        if (text(*container) != m_journal.containerId || !m_into.copyAtom(source, m_path))
            ++m_journal.foreignCopies;
    }

    NeptuneClientRun::Journal& m_journal;
    NeptuneAttributes& m_into;
    std::string m_path;
};

QString countedProblem(int count, const QString& what, const QString& first, const QString& done) {
    return count == 1
               ? QStringLiteral("%1 (%2) %3").arg(what, first, done)
               : QStringLiteral("%1 %2 (the first: %3) %4").arg(count).arg(what, first, done);
}

}  // namespace

std::optional<qint64> NeptuneClientRun::journalVersion(const std::string& name) {
    if (!name.starts_with("data-") || !name.ends_with(".log")) return std::nullopt;
    qint64 n = 0;
    const char* begin = name.data() + 5;
    const char* end = name.data() + name.size() - 4;
    const auto r = std::from_chars(begin, end, n);
    if (r.ec != std::errc() || r.ptr != end || begin == end) return std::nullopt;
    return n;
}

size_t NeptuneClientRun::replay(std::string_view data, bool tailIsComplete, Journal& journal,
                                NeptuneAttributes& into) {
    OperationReplay replayer(journal, into);
    // One pool for every line's values, cleared per line: memory bounded by the longest line.
    char buffer[16384];
    rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof buffer);
    std::string line;
    size_t pos = 0;
    while (pos < data.size()) {
        size_t nl = data.find('\n', pos);
        const bool terminated = nl != std::string_view::npos;
        if (!terminated) {
            if (!tailIsComplete) break;
            nl = data.size();
        }
        const std::string_view text = data.substr(pos, nl - pos);
        pos = terminated ? nl + 1 : nl;
        ++journal.line;
        if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        allocator.Clear();
        rapidjson::Document doc(&allocator);
        // Clients before 1.9 write bare NaN and Infinity; a line nested past the bound costs
        // that line, checked before it is copied for the in-place parse.
        bool parsed = jsonDepthWithin(text);
        if (parsed) {
            line.assign(text);
            doc.ParseInsitu<rapidjson::kParseNanAndInfFlag | rapidjson::kParseFullPrecisionFlag |
                            rapidjson::kParseIterativeFlag>(line.data());
            parsed = !doc.HasParseError() && doc.IsObject();
        }
        if (!parsed) {
            if (journal.badLines++ == 0)
                journal.firstBadLine =
                    QStringLiteral("%1 line %2").arg(journal.file).arg(journal.line);
            continue;
        }
        const Json* op = member(doc, "obj");
        const Json* version = member(doc, "version");
        if (!op || !op->IsObject() || !version || !version->IsInt64()) {
            if (journal.malformed++ == 0)
                journal.firstMalformed =
                    QStringLiteral("%1 line %2").arg(journal.file).arg(journal.line);
            continue;
        }
        // Versions only grow within an execution: one met again was replayed already.
        if (journal.lastVersion > 0 && version->GetInt64() <= journal.lastVersion) continue;
        journal.lastVersion = version->GetInt64();
        if (journal.firstVersion == 0) journal.firstVersion = journal.lastVersion;
        if (const std::optional<double> at = number(member(doc, "at")); at && *at > 0) {
            if (journal.firstAt == 0) journal.firstAt = *at;
            journal.lastAt = std::max(journal.lastAt, *at);
        }
        replayer.apply(*op);
    }
    return pos;
}

std::vector<NeptuneClientRun::Execution> NeptuneClientRun::ordered(
    const std::vector<Execution>& executions) {
    struct Keyed {
        double key;
        QString name;
        Execution execution;
    };
    std::vector<Keyed> keyed;
    for (const Execution& e : executions) {
        const QString name = QFileInfo(e.dir).fileName();
        double key = 0;
        if (const std::optional<double> n = execNumber(name))
            key = *n;
        else if (const std::optional<qint64> created = readMetadata(e.dir).createdMs)
            key = double(*created);
        keyed.push_back({key, name, e});
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
        return a.key != b.key ? a.key < b.key : a.name < b.name;
    });
    std::vector<Execution> out;
    for (const Keyed& k : keyed)
        out.push_back(k.execution);
    return out;
}

void NeptuneClientRun::reset() {
    m_executions.clear();
    m_attributes = NeptuneAttributes();
    m_failure.clear();
}

bool NeptuneClientRun::update(const std::vector<Execution>& executions) {
    const std::vector<Execution> order = ordered(executions);
    // Executions are replayed one after another: a new one is read after the others, but one
    // gone or met out of order means starting over.
    bool same = order.size() >= m_executions.size();
    for (size_t i = 0; same && i < m_executions.size(); ++i)
        same = m_executions[i].execution == order[i];
    if (!same) reset();
    bool changed = !same;
    for (size_t i = m_executions.size(); i < order.size(); ++i) {
        ExecutionState state;
        state.execution = order[i];
        m_executions.push_back(std::move(state));
        changed = true;
    }
    for (size_t attempt = 0; attempt < 2; ++attempt) {
        bool restart = false;
        for (ExecutionState& state : m_executions) {
            changed = readExecution(state, restart) || changed;
            if (restart) break;
        }
        if (!restart) return changed;
        reset();
        for (const Execution& e : order) {
            ExecutionState state;
            state.execution = e;
            m_executions.push_back(std::move(state));
        }
        changed = true;
    }
    return changed;
}

bool NeptuneClientRun::updateGuarded(const std::vector<Execution>& executions) {
    try {
        return update(executions);
    } catch (const std::exception& e) {
        reset();
        m_failure = QStringLiteral("reading it failed (%1); it will be read again when it changes")
                        .arg(QString::fromUtf8(e.what()));
        return true;
    }
}

bool NeptuneClientRun::readExecution(ExecutionState& state, bool& restart) {
    const QString& dir = state.execution.dir;
    bool changed = false;
    if (state.journal.containerId.isEmpty()) {
        const MetadataJson meta = readMetadata(dir);
        state.journal.containerId = meta.containerId.isEmpty() ? m_id : meta.containerId;
        state.createdMs = meta.createdMs;
        const std::optional<double> exec = execNumber(QFileInfo(dir).fileName());
        // Later 0.x name executions by their unix time; 0.9 counted them from 0.
        if (!state.createdMs && exec && *exec > 1e8) state.createdMs = toInt64(*exec * 1000);
    }
    const qint64 put = versionFile(dir + QStringLiteral("/last_put_version"));
    const qint64 ack = versionFile(dir + QStringLiteral("/last_ack_version"));
    if (put != state.lastPut || ack != state.lastAck) changed = true;
    state.lastPut = put;
    state.lastAck = ack;

    std::vector<DirEntry> entries;
    QString error;
    if (!listDirectory(toLocalPath(dir), entries, &error)) {
        state.problems = {QStringLiteral("the folder %1").arg(error)};
        return true;
    }
    std::vector<std::pair<qint64, std::string>> found;
    for (const DirEntry& e : entries)
        if (const std::optional<qint64> n = journalVersion(e.name); n && !e.isDir)
            found.emplace_back(*n, e.name);
    std::sort(found.begin(), found.end());
    std::string buffer;
    state.problems.clear();
    for (size_t i = 0; i < found.size(); ++i) {
        const auto& [version, name] = found[i];
        const std::string path = toLocalPath(dir) + '/' + name;
        auto known = std::find_if(state.files.begin(), state.files.end(),
                                  [&](const JournalFile& f) { return f.version == version; });
        const FileStamp stamp = FileStamp::of(path);
        if (known == state.files.end()) {
            // A journal before one already read came too late to be replayed in order.
            if (!state.files.empty() && version < state.files.back().version) {
                restart = true;
                return true;
            }
            JournalFile file;
            file.version = version;
            file.path = path;
            state.files.push_back(file);
            known = state.files.end() - 1;
        } else if (stamp.inode != known->stamp.inode || uint64_t(stamp.size) < known->offset ||
                   (known->tailTaken && stamp.size != known->stamp.size)) {
            restart = true;  // replaced or shrunk: what was replayed no longer holds
            return true;
        }
        // A later journal exists: this one is complete, whatever its last line.
        const bool settled = i + 1 < found.size() || stamp.ageSeconds() > kSettledSeconds;
        const bool pending = uint64_t(stamp.size) > known->offset;
        if (known->stamp == stamp && !(pending && settled)) continue;
        known->stamp = stamp;
        if (!readFileFrom(path, known->offset, buffer, &error)) {
            state.problems << QStringLiteral("%1 %2").arg(QString::fromStdString(name), error);
            changed = true;
            continue;
        }
        state.journal.file = QString::fromStdString(name);
        state.journal.line = known->lines;
        const size_t consumed = replay(buffer, settled, state.journal, m_attributes);
        known->lines = state.journal.line;
        known->offset += consumed;
        known->tailTaken = settled && consumed > 0 && buffer[consumed - 1] != '\n';
        changed = changed || consumed > 0;
    }
    return changed;
}

QString NeptuneClientRun::newestJournal() const {
    if (m_executions.empty() || m_executions.back().files.empty()) return {};
    return QString::fromStdString(m_executions.back().files.back().path);
}

Run NeptuneClientRun::makeRun(const QString& kind, const QString& root,
                              const QString& experiment) const {
    Run run;
    run.sourceKind = kind;
    run.nativeId = m_id;
    run.id = RunId::make(kind, root, m_id);
    run.experiment = experiment;
    m_attributes.fillRun(run);
    const std::optional<ParamValue> name = m_attributes.atom(QStringLiteral("sys/name"));
    run.name = name && !name->text().isEmpty() ? name->text() : m_id;

    bool async = false, unsynced = false;
    std::optional<qint64> created;
    double firstAt = 0, lastAt = 0;
    for (const ExecutionState& s : m_executions) {
        const Journal& j = s.journal;
        async = async || s.execution.async;
        unsynced = unsynced || (s.execution.async && s.lastPut > s.lastAck);
        if (s.createdMs && (!created || *s.createdMs < *created)) created = s.createdMs;
        if (j.firstAt > 0 && (firstAt == 0 || j.firstAt < firstAt)) firstAt = j.firstAt;
        lastAt = std::max(lastAt, j.lastAt);
        for (const QString& p : s.problems)
            run.problems << p;
        const QString done = QStringLiteral("was skipped");
        if (j.badLines > 0)
            run.problems << countedProblem(
                j.badLines,
                j.badLines == 1 ? QStringLiteral("a journal line is not a complete operation")
                                : QStringLiteral("journal lines are not complete operations"),
                j.firstBadLine,
                j.badLines == 1 ? QStringLiteral("(cut short or damaged); it was skipped")
                                : QStringLiteral("(cut short or damaged); they were skipped"));
        if (j.malformed > 0)
            run.problems << countedProblem(
                j.malformed,
                j.malformed == 1 ? QStringLiteral("an operation lacks a field Neptune needs")
                                 : QStringLiteral("operations lack a field Neptune needs"),
                j.firstMalformed, j.malformed == 1 ? done : QStringLiteral("were skipped"));
        if (!j.unknownTypes.isEmpty()) {
            int count = 0;
            for (const int n : j.unknownTypes)
                count += n;
            run.problems << QStringLiteral(
                                "%1 operation%2 of a type this reader does not know (%3; the "
                                "first: %4) %5 skipped; the others were replayed")
                                .arg(count)
                                .arg(count == 1 ? QString() : QStringLiteral("s"))
                                .arg(j.unknownTypes.keys().join(QStringLiteral(", ")),
                                     j.firstUnknown,
                                     count == 1 ? QStringLiteral("was") : QStringLiteral("were"));
        }
        if (j.foreignCopies > 0)
            run.problems << QStringLiteral(
                                "%1 value(s) copied from another run (CopyAttribute) are on "
                                "Neptune's server, not on disk; they are not shown")
                                .arg(j.foreignCopies);
        if (j.firstVersion > 1)
            run.problems << QStringLiteral(
                                "operations 1 to %1 were sent to Neptune and removed from %2; "
                                "the run shows what came after them")
                                .arg(j.firstVersion - 1)
                                .arg(QFileInfo(s.execution.dir).fileName());
    }
    if (const QString refused = m_attributes.refusedProblem(); !refused.isEmpty())
        run.problems << refused;
    if (!m_failure.isEmpty()) run.problems << m_failure;

    // Neptune's sys/failed is set when the script raised; an async run with operations not
    // yet acknowledged by the server was still running (or died before it could send them).
    const std::optional<ParamValue> failed = m_attributes.atom(QStringLiteral("sys/failed"));
    run.status = failed && failed->type() == ParamValue::Type::Bool && failed->toBool()
                     ? RunStatus::Failed
                 : async && unsynced ? RunStatus::Running
                                     : RunStatus::Finished;
    if (created)
        run.startTimeMs = created;
    else if (firstAt > 0)
        run.startTimeMs = toInt64(std::round(firstAt * 1000));
    else if (m_attributes.firstWallTimeMs() > 0)
        run.startTimeMs = toInt64(std::round(m_attributes.firstWallTimeMs()));
    const double endMs = std::max(lastAt * 1000, m_attributes.lastWallTimeMs());
    if (run.status != RunStatus::Running && endMs > 0) run.endTimeMs = toInt64(std::round(endMs));
    if (!m_executions.empty()) {
        const QString last = m_executions.back().execution.dir;
        run.location =
            execNumber(QFileInfo(last).fileName()) ? QFileInfo(last).absolutePath() : last;
    }
    return run;
}

}  // namespace runlens
