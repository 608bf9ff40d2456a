#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <QString>
#include <string_view>

namespace runlens {

// How deep objects and arrays may nest in any JSON RunLens reads. RapidJSON's parser, its
// Accept() and our flattening into params recurse once per level, so a line of 100,000 '['
// would overflow the stack; no tracker writes a tenth of this depth.
constexpr int kMaxJsonDepth = 256;

// True if objects and arrays in `text` nest at most `limit` deep (strings are skipped; text
// that is not JSON at all passes, for the parser to reject). One pass, no recursion.
bool jsonDepthWithin(std::string_view text, int limit = kMaxJsonDepth);

// Parses `text` into `doc` with RapidJSON `Flags`, refusing nesting past kMaxJsonDepth first
// (and parsing iteratively regardless). On failure returns false with `error`, if given, set
// to a sentence fragment such as "is nested more than 256 levels deep" or "is not valid JSON
// (Missing a comma ... at offset 12)". Core-internal: RapidJSON is private to runlens_core.
template <unsigned Flags = rapidjson::kParseNanAndInfFlag>
bool parseJson(rapidjson::Document& doc, std::string_view text, QString* error = nullptr) {
    if (!jsonDepthWithin(text)) {
        doc.SetNull();
        if (error) *error = QStringLiteral("is nested more than %1 levels deep").arg(kMaxJsonDepth);
        return false;
    }
    doc.Parse<Flags | rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (!doc.HasParseError()) return true;
    if (error)
        *error = QStringLiteral("is not valid JSON (%1 at offset %2)")
                     .arg(QString::fromUtf8(rapidjson::GetParseError_En(doc.GetParseError())))
                     .arg(doc.GetErrorOffset());
    return false;
}

}  // namespace runlens
