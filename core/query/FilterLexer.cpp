#include "FilterLexer.h"

namespace runlens {

namespace {

bool isIdentifierChar(QChar c) {
    return c.isLetterOrNumber() || c == u'_' || c == u'.' || c == u'/' || c == u'-' || c == u':' ||
           c == u'%';
}

}  // namespace

bool tokenizeFilter(const QString& text, std::vector<FilterToken>& tokens,
                    FilterSyntaxError& error) {
    tokens.clear();
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        const QChar c = text[i];
        const int column = int(i) + 1;
        if (c.isSpace()) {
            ++i;
            continue;
        }
        if (c == u'(' || c == u')' || c == u',') {
            tokens.push_back({c == u'('   ? FilterToken::LeftParen
                              : c == u')' ? FilterToken::RightParen
                                          : FilterToken::Comma,
                              QString(c), column});
            ++i;
            continue;
        }
        if (c == u'\'' || c == u'"' || c == u'`') {
            // 'string' and "string" are values (MLflow accepts both); `key` is a key. A quote
            // is escaped by doubling it, as in SQL.
            QString value;
            qsizetype j = i + 1;
            bool closed = false;
            while (j < n) {
                if (text[j] == c) {
                    if (j + 1 < n && text[j + 1] == c) {
                        value += c;
                        j += 2;
                        continue;
                    }
                    closed = true;
                    break;
                }
                value += text[j++];
            }
            if (!closed) {
                error = {column, QStringLiteral("unclosed %1")
                                     .arg(c == u'`' ? QStringLiteral("backquote")
                                                    : QStringLiteral("quote"))};
                return false;
            }
            FilterToken token{c == u'`' ? FilterToken::Identifier : FilterToken::String, value,
                              column};
            token.quotedIdentifier = c == u'`';
            tokens.push_back(token);
            i = j + 1;
            continue;
        }
        if (c == u'=' || c == u'!' || c == u'<' || c == u'>' || c == u'~') {
            const QString two = text.mid(i, 2);
            const bool isPair =
                two == u"==" || two == u"!=" || two == u"<=" || two == u">=" || two == u"<>";
            QString op = isPair ? two : QString(c);
            if (op == u"!") {
                error = {column, QStringLiteral("'!' must be followed by '=' (or use: not)")};
                return false;
            }
            i += op.size();
            if (op == u"==") op = QStringLiteral("=");
            if (op == u"<>") op = QStringLiteral("!=");
            tokens.push_back({FilterToken::Operator, op, column});
            continue;
        }
        const bool numberStart =
            c.isDigit() || ((c == u'-' || c == u'+' || c == u'.') && i + 1 < n &&
                            (text[i + 1].isDigit() || text[i + 1] == u'.'));
        if (numberStart) {
            qsizetype j = i + 1;
            while (j < n && (text[j].isLetterOrNumber() || text[j] == u'.' ||
                             ((text[j] == u'-' || text[j] == u'+') &&
                              (text[j - 1] == u'e' || text[j - 1] == u'E'))))
                ++j;
            const QString number = text.mid(i, j - i);
            bool ok = false;
            number.toDouble(&ok);
            if (ok) {
                tokens.push_back({FilterToken::Number, number, column});
                i = j;
                continue;
            }
            // Not a number after all (a run name like "2024-run"): an identifier.
        }
        if (isIdentifierChar(c) || c == u'-' || c == u'+') {
            qsizetype j =
                i +
                1;  // always consume: a lone '+' must not stall the lexer (found by fuzz_filter)
            while (j < n && (isIdentifierChar(text[j]) || ((text[j] == u'`' || text[j] == u'"') &&
                                                           j > i && text[j - 1] == u'.'))) {
                if (text[j] == u'`' || text[j] == u'"') {
                    // tags.`my key` / metrics."f1 score": a quoted part after a dot
                    const QChar quote = text[j];
                    const qsizetype close = text.indexOf(quote, j + 1);
                    if (close < 0) {
                        error = {int(j) + 1, QStringLiteral("unclosed quote in a key")};
                        return false;
                    }
                    j = close + 1;
                    continue;
                }
                ++j;
            }
            QString identifier = text.mid(i, j - i);
            identifier.remove(u'`');
            if (identifier.contains(u".\"")) identifier.remove(u'"');
            tokens.push_back({FilterToken::Identifier, identifier, column});
            i = j;
            continue;
        }
        error = {column, QStringLiteral("unexpected character '%1'").arg(c)};
        return false;
    }
    tokens.push_back({FilterToken::End, {}, int(n) + 1});
    return true;
}

}  // namespace runlens
