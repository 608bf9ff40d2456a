#pragma once

#include <QString>
#include <charconv>
#include <cmath>
#include <string_view>

namespace runlens {

// MLflow's file store appends one line per metric point (file_store.py, `log_metric`):
//   `<timestamp ms> <value> <step>`            MLflow 1.x and 2.x
//   `<timestamp ms> <value>`                   before 1.0 (step 0)
//   `<timestamp ms> <value> <step> <dataset name> <dataset digest>`   3.x, with a dataset
// Values are Python's str(float): 0.1 1e-05 nan inf -inf.
struct MetricLinesOutcome {
    size_t consumed = 0;  // bytes up to the end of the last line taken
    qint64 points = 0;
    int lines = 0;  // lines taken, good, bad or blank
    int badLines = 0;
    int firstBadLine = 0;  // 1-based
    QString firstBadText;
    bool incompleteTail = false;  // an unterminated last line was left for the next read
};

namespace detail {
inline bool parseMetricLine(std::string_view line, qint64& step, double& value, double& tsMs) {
    const char* p = line.data();
    const char* end = p + line.size();
    auto skipSpaces = [&] {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
            ++p;
    };
    skipSpaces();
    qint64 ts = 0;
    auto r = std::from_chars(p, end, ts);
    tsMs = double(ts);
    if (r.ec != std::errc() || (r.ptr < end && *r.ptr != ' ')) {
        // Python can write a float timestamp; accept it, as a double (no integer cast: a
        // value past int64 would be undefined behaviour, found by fuzz_mlflow_metric_lines).
        r = std::from_chars(p, end, tsMs);
        if (r.ec != std::errc() || !std::isfinite(tsMs)) return false;
    }
    p = r.ptr;
    if (p == end || *p != ' ') return false;
    skipSpaces();
    r = std::from_chars(p, end, value);
    if (r.ec == std::errc::result_out_of_range) {
        // from_chars reports overflow; Python would have written "inf" instead, so this is a
        // number past double's range written by someone else: take it as infinite.
        value = (*p == '-') ? -HUGE_VAL : HUGE_VAL;
    } else if (r.ec != std::errc()) {
        return false;
    }
    p = r.ptr;
    step = 0;
    skipSpaces();
    if (p < end) {
        if (r.ptr == p) return false;  // value ran straight into more text
        auto s = std::from_chars(p, end, step);
        if (s.ec != std::errc()) return false;
        p = s.ptr;
        // Anything after the step is the dataset name and digest (3.x); not needed here.
        if (p < end && *p != ' ' && *p != '\t' && *p != '\r') return false;
    }
    return true;
}
}  // namespace detail

// Parses the complete lines of `data`, calling `sink(step, value, timestampMs)` for each good
// one. A bad line is skipped and counted. An unterminated last line is a line being written
// unless `tailIsComplete` says the file is done; then it is parsed like the others.
template <class Sink>
MetricLinesOutcome parseMetricLines(std::string_view data, bool tailIsComplete, Sink&& sink,
                                    int firstLineNumber = 1) {
    MetricLinesOutcome out;
    size_t pos = 0;
    int lineNumber = firstLineNumber;
    while (pos < data.size()) {
        size_t nl = data.find('\n', pos);
        const bool terminated = nl != std::string_view::npos;
        if (!terminated) {
            if (!tailIsComplete) {
                out.incompleteTail = true;
                break;
            }
            nl = data.size();
        }
        const std::string_view line = data.substr(pos, nl - pos);
        qint64 step;
        double value, tsMs;
        if (detail::parseMetricLine(line, step, value, tsMs)) {
            sink(step, value, tsMs);
            ++out.points;
        } else if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
            if (out.badLines++ == 0) {
                out.firstBadLine = lineNumber;
                out.firstBadText = QString::fromUtf8(line.substr(0, 60));
            }
        }
        pos = terminated ? nl + 1 : nl;
        out.consumed = pos;
        ++out.lines;
        ++lineNumber;
    }
    return out;
}

}  // namespace runlens
