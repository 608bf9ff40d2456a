#pragma once

#include <QString>
#include <vector>

namespace runlens {

// Tokens of the run filter language (DESIGN.md, "Filter language"): MLflow's search syntax
// plus or, not, parentheses, in, ~ regex and bare words.
struct FilterToken {
    enum Kind { Identifier, String, Number, Operator, LeftParen, RightParen, Comma, End };
    Kind kind = End;
    QString text;    // identifier (dots kept), unquoted string, operator, or number text
    int column = 0;  // 1-based, for error messages
    bool quotedIdentifier = false;  // `key with spaces` or "key"
};

struct FilterSyntaxError {
    int column = 0;
    QString message;
};

// Splits `text` into tokens; on an error (an unclosed quote, a stray character) returns false.
bool tokenizeFilter(const QString& text, std::vector<FilterToken>& tokens,
                    FilterSyntaxError& error);

}  // namespace runlens
