#include "OptunaJournalSource.h"

#include <rapidjson/document.h>

#include <QFileInfo>
#include <cmath>
#include <limits>

#include "JsonParams.h"
#include "codec/JsonLimits.h"
#include "codec/LocalFiles.h"

namespace runlens {

namespace {

using Json = rapidjson::Value;

// Optuna's TrialState values in the journal: 0 RUNNING 1 COMPLETE 2 PRUNED 3 FAIL 4 WAITING.
QString stateName(int state) {
    static const char* const kNames[] = {"RUNNING", "COMPLETE", "PRUNED", "FAIL", "WAITING"};
    return state >= 0 && state < 5 ? QString::fromLatin1(kNames[state]) : QStringLiteral("UNKNOWN");
}

bool isFinished(const QString& state) {
    return state == u"COMPLETE" || state == u"PRUNED" || state == u"FAIL";
}

QString text(const Json& v) {
    return v.IsString() ? QString::fromUtf8(v.GetString(), v.GetStringLength()) : QString();
}

double number(const Json& v) {
    if (v.IsNumber()) return v.GetDouble();
    return std::numeric_limits<double>::quiet_NaN();
}

const Json* member(const Json& object, const char* name) {
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

struct Replayer {
    std::vector<OptunaStudy>& studies;
    QStringList& problems;
    std::vector<std::pair<int, int>>
        trials;  // global trial id -> (study, index); study -1 once deleted
    std::vector<bool> studyDeleted;

    OptunaTrial* trial(const Json& op) {
        const Json* id = member(op, "trial_id");
        if (!id || !id->IsInt()) return nullptr;
        const int t = id->GetInt();
        if (t < 0 || size_t(t) >= trials.size() || trials[size_t(t)].first < 0) return nullptr;
        return &studies[size_t(trials[size_t(t)].first)].trials[size_t(trials[size_t(t)].second)];
    }
    OptunaStudy* study(const Json& op) {
        const Json* id = member(op, "study_id");
        if (!id || !id->IsInt() || id->GetInt() < 0 || size_t(id->GetInt()) >= studies.size() ||
            studyDeleted[size_t(id->GetInt())])
            return nullptr;
        return &studies[size_t(id->GetInt())];
    }
    static void mergeAttrs(const Json* attrs, QMap<QString, QString>& into) {
        if (!attrs || !attrs->IsObject()) return;
        for (auto it = attrs->MemberBegin(); it != attrs->MemberEnd(); ++it)
            into.insert(text(it->name), jsonText(it->value));
    }
    static void setValues(OptunaTrial& t, const Json* values) {
        if (!values || !values->IsArray()) return;
        t.values.clear();
        for (const Json& v : values->GetArray())
            t.values.push_back(number(v));
    }

    void apply(const Json& op) {
        const Json* code = member(op, "op_code");
        if (!code || !code->IsInt()) return;
        switch (code->GetInt()) {
            case 0: {  // CREATE_STUDY
                OptunaStudy s;
                if (const Json* name = member(op, "study_name")) s.name = text(*name);
                if (const Json* d = member(op, "directions"); d && d->IsArray())
                    for (const Json& v : d->GetArray())
                        s.directions << (v.IsInt() && v.GetInt() == 2 ? QStringLiteral("MAXIMIZE")
                                                                      : QStringLiteral("MINIMIZE"));
                studies.push_back(std::move(s));
                studyDeleted.push_back(false);
                break;
            }
            case 1:  // DELETE_STUDY: its trials keep their global ids
                if (const Json* id = member(op, "study_id");
                    id && id->IsInt() && size_t(id->GetInt()) < studies.size())
                    studyDeleted[size_t(id->GetInt())] = true;
                break;
            case 2:
            case 3:
                break;  // study attrs: not shown per run
            case 4: {   // CREATE_TRIAL
                OptunaStudy* s = study(op);
                if (!s) {
                    trials.push_back({-1, -1});
                    break;
                }
                OptunaTrial t;
                t.number = int(s->trials.size());
                const Json* state = member(op, "state");
                t.state = stateName(state && state->IsInt() ? state->GetInt() : 0);
                if (const Json* v = member(op, "datetime_start")) t.datetimeStart = text(*v);
                if (const Json* v = member(op, "datetime_complete")) t.datetimeComplete = text(*v);
                if (const Json* v = member(op, "value"); v && !v->IsNull()) t.values = {number(*v)};
                setValues(t, member(op, "values"));
                const Json* params = member(op, "params");
                const Json* distributions = member(op, "distributions");
                if (params && params->IsObject() && distributions && distributions->IsObject())
                    for (auto it = params->MemberBegin(); it != params->MemberEnd(); ++it)
                        if (const Json* d = member(*distributions, it->name.GetString()))
                            t.params.push_back({text(it->name), number(it->value), text(*d)});
                if (const Json* iv = member(op, "intermediate_values"); iv && iv->IsObject())
                    for (auto it = iv->MemberBegin(); it != iv->MemberEnd(); ++it)
                        t.intermediate.append(QString::fromUtf8(it->name.GetString()).toLongLong(),
                                              number(it->value), 0);
                mergeAttrs(member(op, "user_attrs"), t.userAttrs);
                mergeAttrs(member(op, "system_attrs"), t.systemAttrs);
                trials.push_back({int(s - studies.data()), int(s->trials.size())});
                s->trials.push_back(std::move(t));
                break;
            }
            default: {
                OptunaTrial* t = trial(op);
                if (!t || isFinished(t->state))
                    break;  // Optuna ignores changes to a finished trial
                switch (code->GetInt()) {
                    case 5: {  // SET_TRIAL_PARAM (a field missing: the op is ignored; found by
                               // fuzz_optuna_journal)
                        const Json* name = member(op, "param_name");
                        const Json* value = member(op, "param_value_internal");
                        const Json* distribution = member(op, "distribution");
                        if (name && value && distribution)
                            t->params.push_back({text(*name), number(*value), text(*distribution)});
                        break;
                    }
                    case 6: {  // SET_TRIAL_STATE_VALUES
                        const Json* state = member(op, "state");
                        if (state && state->IsInt()) t->state = stateName(state->GetInt());
                        setValues(*t, member(op, "values"));
                        if (const Json* v = member(op, "datetime_start"); v && v->IsString())
                            t->datetimeStart = text(*v);
                        if (const Json* v = member(op, "datetime_complete"); v && v->IsString())
                            t->datetimeComplete = text(*v);
                        break;
                    }
                    case 7: {  // SET_TRIAL_INTERMEDIATE_VALUE: a step reported again replaces its
                               // value
                        const Json* step = member(op, "step");
                        const Json* value = member(op, "intermediate_value");
                        if (!step || !step->IsInt64() || !value) break;
                        MetricSeries& series = t->intermediate;
                        if (series.empty() ||
                            series.steps.back() < step->GetInt64()) {  // the usual case
                            series.append(step->GetInt64(), number(*value), 0);
                            break;
                        }
                        size_t i = 0;
                        while (i < series.size() && series.steps[i] != step->GetInt64())
                            ++i;
                        if (i < series.size())
                            series.values[i] = number(*value);
                        else
                            series.append(step->GetInt64(), number(*value), 0);
                        break;
                    }
                    case 8:
                        mergeAttrs(member(op, "user_attr"), t->userAttrs);
                        break;
                    case 9:
                        mergeAttrs(member(op, "system_attr"), t->systemAttrs);
                        break;
                    default:
                        break;
                }
            }
        }
    }
};

}  // namespace

OptunaJournalSource::OptunaJournalSource(QString path)
    : m_path(QFileInfo(path).absoluteFilePath()) {}

bool OptunaJournalSource::looksLikeJournal(const QString& path) {
    std::string head;
    if (!readFileHead(toLocalPath(path), 512, head, nullptr)) return false;  // FIFOs too
    return head.starts_with("{\"op_code\"") && head.find("\"worker_id\"") != std::string::npos;
}

size_t OptunaJournalSource::replay(std::string_view data, std::vector<OptunaStudy>& studies,
                                   QStringList& problems) {
    Replayer replayer{studies, problems, {}, std::vector<bool>(studies.size(), false)};
    size_t pos = 0;
    int lineNumber = 0;
    rapidjson::Document doc;
    std::string line;
    while (pos < data.size()) {
        const size_t nl = data.find('\n', pos);
        if (nl == std::string_view::npos) break;  // being written
        ++lineNumber;
        const std::string_view text = data.substr(pos, nl - pos);
        pos = nl + 1;
        if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        // A line nested past the bound (a line of '[' from a broken writer) costs that line,
        // checked before it is copied for the in-place parse.
        const bool tooDeep = !jsonDepthWithin(text);
        if (!tooDeep) {
            line.assign(text);
            doc.ParseInsitu<rapidjson::kParseNanAndInfFlag | rapidjson::kParseFullPrecisionFlag |
                            rapidjson::kParseIterativeFlag>(line.data());
        }
        if (tooDeep || doc.HasParseError() || !doc.IsObject()) {
            if (problems.size() < 20)
                problems << QStringLiteral("line %1 is not a journal operation%2; it was skipped")
                                .arg(lineNumber)
                                .arg(tooDeep ? QStringLiteral(" (nested more than %1 levels deep)")
                                                   .arg(kMaxJsonDepth)
                                             : QString());
            continue;
        }
        replayer.apply(doc);
    }
    // A deleted study's trials keep their global ids while replaying, then go.
    for (size_t i = studies.size(); i-- > 0;)
        if (replayer.studyDeleted[i]) studies.erase(studies.begin() + qsizetype(i));
    return pos;
}

ScanDelta OptunaJournalSource::scan(const ScanOptions& options) {
    m_seen = FileStamp::of(toLocalPath(m_path));  // what a later mayHaveChanged() compares to
    ScanDelta delta;
    std::string bytes;
    QString error;
    if (!readWholeFile(toLocalPath(m_path), bytes, &error)) {
        delta.problems.append({m_path, error});
        return delta;
    }
    std::vector<OptunaStudy> studies;
    QStringList problems;
    replay(bytes, studies, problems);
    for (const QString& p : problems)
        delta.problems.append({m_path, p});
    delta.runs = publish(std::move(studies), options);
    return delta;
}

bool OptunaJournalSource::mayHaveChanged() {
    const FileStamp now = FileStamp::of(toLocalPath(m_path));
    const bool changed = !(now == m_seen);
    m_seen = now;
    return changed;
}

Format OptunaJournalSource::format() {
    Format f;
    f.kind = QString::fromLatin1(kKind);
    f.descriptions = {QStringLiteral("Optuna studies in a journal file (.log, .journal)")};
    // JournalFileStorage has no fixed name; users pick "journal.log" and the like.
    f.claim = [](const Candidate& c) {
        if (c.isDir || c.isSpecial) return Claim{};
        if (!(c.isOpened || c.name == "mlflow.db" || c.hasSuffix({".log", ".journal", ".jsonl"})))
            return Claim{};
        return looksLikeJournal(c.path) ? Claim::mine(70) : Claim{};
    };
    f.create = [](const QString&, const QStringList& paths) -> SourcePtr {
        return std::make_unique<OptunaJournalSource>(paths.first());
    };
    f.namedLikeData = [](const std::string& name) {
        return Candidate({}, name, false, false, false).hasSuffix({".log", ".journal", ".jsonl"});
    };
    return f;
}

}  // namespace runlens
