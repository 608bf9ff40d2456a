#include "NeptuneJournalLine.h"

#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace runlens {

namespace {

using Scalar = NeptuneJournalLine::Scalar;

Scalar ofKind(Scalar::Kind kind) {
    Scalar s;
    s.kind = kind;
    return s;
}

// A number as written: an integer when it has no fraction or exponent (and fits), NaN and
// Infinity as Python's json writes them. std::from_chars reads the exact double.
Scalar number(const char* text, size_t length) {
    Scalar s;
    const char* end = text + length;
    const char* digits = text + (length > 0 && *text == '-' ? 1 : 0);
    s.kind = Scalar::Kind::Double;
    if (digits < end && (*digits == 'N' || *digits == 'I')) {
        s.number = *digits == 'N'   ? std::numeric_limits<double>::quiet_NaN()
                   : text == digits ? std::numeric_limits<double>::infinity()
                                    : -std::numeric_limits<double>::infinity();
        return s;
    }
    bool whole = true;
    for (const char* c = digits; c < end && whole; ++c)
        whole = *c != '.' && *c != 'e' && *c != 'E';
    if (whole) {
        const auto r = std::from_chars(text, end, s.integer);
        if (r.ec == std::errc() && r.ptr == end) {
            s.kind = Scalar::Kind::Int;
            s.number = double(s.integer);
            return s;
        }
    }
    std::from_chars(text, end, s.number);  // past int64: a double still
    return s;
}

}  // namespace

// Follows the parse through the fields the replay reads; everything else is passed over.
class NeptuneJournalHandler
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NeptuneJournalHandler> {
public:
    enum class Where { Root, Obj, Path, Values, SourcePath, Point, Ignored };
    enum class Field {
        Other,
        Obj,
        Version,
        At,
        Type,
        Path,
        Value,
        Values,
        ContainerId,
        SourcePath,
        Step,
        Ts
    };
    struct Frame {
        Where where;
        Field key = Field::Other;
    };

    NeptuneJournalHandler(NeptuneJournalLine& line, std::vector<Frame>& frames)
        : m_line(line), m_frames(frames) {}

    bool rootIsObject = false;

    bool Default() { return scalar(ofKind(Scalar::Kind::Other)); }
    bool Null() { return scalar(ofKind(Scalar::Kind::Null)); }
    bool Bool(bool b) {
        Scalar s = ofKind(Scalar::Kind::Bool);
        s.flag = b;
        return scalar(s);
    }
    bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
        return scalar(number(text, length));
    }
    bool String(const char* text, rapidjson::SizeType length, bool) {
        Scalar s = ofKind(Scalar::Kind::String);
        s.text = std::string_view(text, length);
        return scalar(s);
    }
    bool Key(const char* text, rapidjson::SizeType length, bool) {
        if (m_frames.empty()) return true;
        const std::string_view k(text, length);
        Frame& top = m_frames.back();
        top.key = Field::Other;
        switch (top.where) {
            case Where::Root:
                top.key = k == "obj"       ? Field::Obj
                          : k == "version" ? Field::Version
                          : k == "at"      ? Field::At
                                           : Field::Other;
                break;
            case Where::Obj:
                top.key = k == "type"           ? Field::Type
                          : k == "path"         ? Field::Path
                          : k == "value"        ? Field::Value
                          : k == "values"       ? Field::Values
                          : k == "container_id" ? Field::ContainerId
                          : k == "source_path"  ? Field::SourcePath
                                                : Field::Other;
                break;
            case Where::Point:
                top.key = k == "value"  ? Field::Value
                          : k == "step" ? Field::Step
                          : k == "ts"   ? Field::Ts
                                        : Field::Other;
                break;
            default:
                break;
        }
        return true;
    }
    bool StartObject() {
        if (m_frames.empty()) {
            rootIsObject = true;
            m_frames.push_back({Where::Root});
            return true;
        }
        const Frame top = m_frames.back();
        if (top.where == Where::Root && top.key == Field::Obj) {
            m_line.hasObj = true;
            m_frames.push_back({Where::Obj});
        } else if (top.where == Where::Values) {
            m_line.points.emplace_back();
            m_frames.push_back({Where::Point});
        } else {
            scalar(ofKind(Scalar::Kind::Other));
            m_frames.push_back({Where::Ignored});
        }
        return true;
    }
    bool EndObject(rapidjson::SizeType) {
        if (!m_frames.empty()) m_frames.pop_back();
        return true;
    }
    bool StartArray() {
        const Frame top = m_frames.empty() ? Frame{Where::Ignored} : m_frames.back();
        if (top.where == Where::Obj && top.key == Field::Path) {
            m_line.hasPath = true;
            m_line.path.clear();
            m_frames.push_back({Where::Path});
        } else if (top.where == Where::Obj && top.key == Field::SourcePath) {
            m_line.hasSourcePath = true;
            m_line.sourcePath.clear();
            m_frames.push_back({Where::SourcePath});
        } else if (top.where == Where::Obj && top.key == Field::Values) {
            m_line.hasValues = true;
            m_frames.push_back({Where::Values});
        } else {
            if (!m_frames.empty()) scalar(ofKind(Scalar::Kind::Other));
            m_frames.push_back({Where::Ignored});
        }
        return true;
    }
    bool EndArray(rapidjson::SizeType) {
        if (!m_frames.empty()) m_frames.pop_back();
        return true;
    }

private:
    // A value met where the frame on top says what it is for.
    bool scalar(const Scalar& s) {
        if (m_frames.empty()) return true;
        const Frame& top = m_frames.back();
        switch (top.where) {
            case Where::Root:
                if (top.key == Field::Version) m_line.version = s;
                if (top.key == Field::At) m_line.at = s;
                break;
            case Where::Obj:
                if (top.key == Field::Type) m_line.type = s;
                if (top.key == Field::Value) m_line.value = s;
                if (top.key == Field::ContainerId) m_line.containerId = s;
                break;
            case Where::Point: {
                NeptuneJournalLine::Point& p = m_line.points.back();
                if (top.key == Field::Value) p.value = s;
                if (top.key == Field::Step) p.step = s;
                if (top.key == Field::Ts) p.ts = s;
                break;
            }
            case Where::Path:
            case Where::SourcePath: {
                const bool path = top.where == Where::Path;
                std::string& joined = path ? m_line.path : m_line.sourcePath;
                if (s.kind != Scalar::Kind::String) {
                    (path ? m_line.hasPath : m_line.hasSourcePath) = false;
                    break;
                }
                if (!joined.empty()) joined += '/';
                joined.append(s.text);
                break;
            }
            case Where::Values:
                if (s.kind == Scalar::Kind::String) m_line.strings.push_back(s.text);
                break;
            case Where::Ignored:
                break;
        }
        return true;
    }

    NeptuneJournalLine& m_line;
    std::vector<Frame>& m_frames;
};

void NeptuneJournalLine::clear() {
    hasObj = hasPath = hasValues = hasSourcePath = false;
    version = at = type = value = containerId = Scalar{};
    path.clear();
    sourcePath.clear();
    points.clear();
    strings.clear();
}

bool NeptuneJournalLine::parse(char* line) {
    clear();
    // The reader and its stack, kept per thread: a line costs no allocation once they grew.
    // Parsing is iterative, so a line nested a million deep costs heap, not the stack.
    thread_local rapidjson::Reader reader;
    thread_local std::vector<NeptuneJournalHandler::Frame> frames;
    frames.clear();
    NeptuneJournalHandler handler(*this, frames);
    rapidjson::InsituStringStream stream(line);
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNanAndInfFlag |
                                rapidjson::kParseNumbersAsStringsFlag |
                                rapidjson::kParseIterativeFlag;
    const bool ok = !reader.Parse<kFlags>(stream, handler).IsError();
    return ok && handler.rootIsObject;
}

}  // namespace runlens
