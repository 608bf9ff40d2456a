#pragma once

#include <QtGlobal>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

// One line of neptune-client's operation journal, `{"obj": {...}, "version": N, "at": T}`,
// parsed into the fields operations use (internal/operation.py, to_dict of each class): no
// document is built, numbers are read exactly from their text (the bare NaN and Infinity of
// clients before 1.9 included), and nothing is allocated per line once the buffers have grown.
// Strings point into the line, valid while it is.
class NeptuneJournalLine {
public:
    struct Scalar {
        enum class Kind { Missing, Null, Bool, Int, Double, String, Other };
        Kind kind = Kind::Missing;
        bool flag = false;
        qint64 integer = 0;
        double number = 0;
        std::string_view text;

        bool isNumber() const { return kind == Kind::Int || kind == Kind::Double; }
        std::optional<double> toDouble() const {
            return isNumber() ? std::optional<double>(number) : std::nullopt;
        }
    };
    struct Point {  // an element of "values": {"value", "step", "ts"}
        Scalar value, step, ts;
    };

    // Parses `line` in place (it must end with a NUL). False if it is not one JSON object.
    bool parse(char* line);

    bool hasObj = false;  // "obj" is an object
    Scalar version, at;
    Scalar type;
    bool hasPath = false;  // "path" is a list of strings, joined with '/' into `path`
    std::string path;
    Scalar value;
    bool hasValues = false;  // "values" is a list: its objects and its strings
    std::vector<Point> points;
    std::vector<std::string_view> strings;
    Scalar containerId;
    bool hasSourcePath = false;
    std::string sourcePath;

private:
    void clear();
    friend class NeptuneJournalHandler;
};

}  // namespace runlens
