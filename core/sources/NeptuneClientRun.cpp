#include "NeptuneClientRun.h"

#include <rapidjson/document.h>

#include <QDateTime>
#include <QFileInfo>
#include <algorithm>
#include <charconv>
#include <cmath>

#include "NeptuneJournalLine.h"
#include "codec/JsonLimits.h"
#include "codec/LocalFiles.h"
#include "model/NumberCast.h"
#include "model/NumberText.h"

namespace runlens {

namespace {

// A journal's last line without its newline is a line being written, unless the file has been
// left alone this long (a run that crashed mid-line, a folder copied from elsewhere).
constexpr double kSettledSeconds = 2;
// metadata.json and the version files are a few hundred bytes.
constexpr uint64_t kMaxSideFileBytes = 1 << 20;
// A journal holds 64 MiB and the operation that crossed it (disk_queue.py max_file_size):
// past this much unread, a file is not a journal and is not read into memory.
constexpr uint64_t kMaxUnreadJournalBytes = uint64_t(1) << 30;

QString utf8(std::string_view text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QStringList texts(const std::vector<std::string_view>& items) {
    QStringList out;
    for (std::string_view item : items)
        out << utf8(item);
    return out;
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
    const auto id = doc.FindMember("containerId");
    if (id != doc.MemberEnd() && id->value.IsString())
        out.containerId = QString::fromUtf8(id->value.GetString());
    const auto created = doc.FindMember("createdAt");
    if (created != doc.MemberEnd() && created->value.IsString()) {
        const QDateTime t =
            QDateTime::fromString(QString::fromUtf8(created->value.GetString()), Qt::ISODateWithMs);
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
    using Line = NeptuneJournalLine;
    using Kind = NeptuneJournalLine::Scalar::Kind;

    OperationReplay(NeptuneClientRun::Journal& journal, NeptuneAttributes& into)
        : m_journal(journal), m_into(into) {}

    void apply(const Line& op) {
        if (op.type.kind != Kind::String || !op.hasPath || op.path.empty()) return malformed();
        const std::string_view name = op.type.text;
        const std::string_view path = op.path;
        if (name == "LogFloats") return logFloats(op);
        if (name == "LogStrings") return logStrings(op);
        if (name.starts_with("Assign")) return assign(name, op);
        if (name == "ClearFloatLog" || name == "ClearStringLog" || name == "ClearImageLog")
            return m_into.clearSeries(path);
        if (name == "AddStrings") return m_into.addToSet(path, texts(op.strings));
        if (name == "RemoveStrings") return m_into.removeFromSet(path, texts(op.strings));
        if (name == "ClearStringSet") return m_into.clearSet(path);
        if (name == "DeleteAttribute") return m_into.remove(path);
        if (name == "CopyAttribute") return copy(op);
        if (name == "LogImages") return m_into.skip(QStringLiteral("image"), path);
        if (name == "UploadFile" || name == "UploadFileContent")
            return m_into.skip(QStringLiteral("file"), path);
        if (name == "UploadFileSet" || name == "DeleteFiles")
            return m_into.skip(QStringLiteral("file set"), path);
        if (name == "TrackFilesToArtifact" || name == "ClearArtifact")
            return m_into.skip(QStringLiteral("artifact"), path);
        if (name == "ConfigFloatSeries") return;  // min, max and unit of a chart's axis
        unknown(name);
    }

private:
    // "data-1.log line 5": built only for a problem, not for every line.
    QString where() const {
        return QStringLiteral("%1 line %2").arg(m_journal.file).arg(m_journal.line);
    }
    void malformed() {
        if (m_journal.malformed++ == 0) m_journal.firstMalformed = where();
    }
    void unknown(std::string_view type) {
        if (m_journal.unknownTypes.isEmpty()) m_journal.firstUnknown = where();
        ++m_journal.unknownTypes[utf8(type)];
    }

    void assign(std::string_view name, const Line& op) {
        const Line::Scalar& v = op.value;
        const std::string_view path = op.path;
        if (name == "AssignArtifact") return m_into.skip(QStringLiteral("artifact"), path);
        if (name == "AssignFloat" && v.isNumber()) {
            m_into.assign(path, ParamValue::fromDouble(v.number, numberText(v.number)));
        } else if (name == "AssignInt" && v.kind == Kind::Int) {
            m_into.assign(path, ParamValue::fromInt(v.integer, QString::number(v.integer)));
        } else if (name == "AssignBool" && v.kind == Kind::Bool) {
            m_into.assign(path, ParamValue::fromBool(v.flag, v.flag ? QStringLiteral("true")
                                                                    : QStringLiteral("false")));
        } else if (name == "AssignString" && v.kind == Kind::String) {
            m_into.assign(path, ParamValue::fromString(utf8(v.text)));
        } else if (name == "AssignDatetime" && v.isNumber()) {
            // Milliseconds since the epoch (int(1000 * datetime.timestamp())).
            const std::optional<qint64> ms = toInt64(std::floor(v.number));
            if (!ms) return malformed();
            m_into.assign(path, ParamValue::fromString(isoUtc(*ms)));
        } else if (name == "AssignFloat" || name == "AssignInt" || name == "AssignBool" ||
                   name == "AssignString" || name == "AssignDatetime") {
            malformed();
        } else {
            unknown(name);
        }
    }

    // {"values": [{"value", "step" (null: numbered by the server), "ts" (unix seconds)}]}
    void logFloats(const Line& op) {
        if (!op.hasValues) return malformed();
        for (const Line::Point& p : op.points) {
            if (!p.value.isNumber()) {
                malformed();
                continue;
            }
            m_into.appendFloat(op.path, p.step.toDouble(), p.value.number,
                               p.ts.isNumber() ? p.ts.number * 1000 : 0);
        }
    }

    void logStrings(const Line& op) {
        if (!op.hasValues) return malformed();
        for (const Line::Point& p : op.points) {
            if (p.value.kind != Kind::String) {
                malformed();
                continue;
            }
            m_into.appendString(op.path, p.step.toDouble(), utf8(p.value.text),
                                p.ts.isNumber() ? p.ts.number * 1000 : 0);
        }
    }

    // {"container_id", "container_type", "source_path", "source_attr_name"}: a value of another
    // attribute, fetched from the server when synced; within this run it is on disk.
    void copy(const Line& op) {
        if (op.containerId.kind != Kind::String || !op.hasSourcePath) return malformed();
        if (utf8(op.containerId.text) != m_journal.containerId ||
            !m_into.copyAtom(op.sourcePath, op.path))
            ++m_journal.foreignCopies;
    }

    NeptuneClientRun::Journal& m_journal;
    NeptuneAttributes& m_into;
};

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
    NeptuneJournalLine op;
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
        line.assign(text);  // parsed in place
        if (!op.parse(line.data())) {
            if (journal.badLines++ == 0)
                journal.firstBadLine =
                    QStringLiteral("%1 line %2").arg(journal.file).arg(journal.line);
            continue;
        }
        if (!op.hasObj || op.version.kind != NeptuneJournalLine::Scalar::Kind::Int) {
            if (journal.malformed++ == 0)
                journal.firstMalformed =
                    QStringLiteral("%1 line %2").arg(journal.file).arg(journal.line);
            continue;
        }
        // Versions only grow within an execution: one met again was replayed already.
        const qint64 version = op.version.integer;
        if (journal.lastVersion > 0 && version <= journal.lastVersion) continue;
        journal.lastVersion = version;
        if (journal.firstVersion == 0) journal.firstVersion = version;
        if (op.at.isNumber() && op.at.number > 0) {
            if (journal.firstAt == 0) journal.firstAt = op.at.number;
            journal.lastAt = std::max(journal.lastAt, op.at.number);
        }
        replayer.apply(op);
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
        // Points stowed in a damaged cache entry: replayed again from the start.
        if (!restart && !m_attributes.lostPoints()) return changed;
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
        if (!readFileFrom(path, known->offset, buffer, &error,
                          known->offset + kMaxUnreadJournalBytes)) {
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
        if (j.badLines > 0)
            run.problems << skippedProblem(j.badLines, QStringLiteral("journal line"),
                                           QStringLiteral("cut short or damaged"),
                                           QStringLiteral("the first: ") + j.firstBadLine);
        if (j.malformed > 0)
            run.problems << skippedProblem(j.malformed, QStringLiteral("operation"),
                                           QStringLiteral("missing a field Neptune needs"),
                                           QStringLiteral("the first: ") + j.firstMalformed);
        if (!j.unknownTypes.isEmpty()) {
            int count = 0;
            for (const int n : j.unknownTypes)
                count += n;
            run.problems << skippedProblem(
                count, QStringLiteral("operation"),
                QStringLiteral("of a type this reader does not know"),
                QStringLiteral("%1; the first: %2")
                    .arg(j.unknownTypes.keys().join(QStringLiteral(", ")), j.firstUnknown));
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
