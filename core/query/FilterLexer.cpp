#include "FilterLexer.h"

namespace runlens {

namespace {

bool isIdentifierChar(QChar c) {
    return c.isLetterOrNumber() || c == u'_' || c == u'.' || c == u'/' || c == u'-' || c == u':' ||
           c == u'%';
}

}  // namespace

namespace {

// One pass over the filter text; each step takes one token from `i` or says why it cannot.
class Lexer {
public:
    Lexer(const QString& text, std::vector<FilterToken>& tokens, FilterSyntaxError& error)
        : m_text(text), m_n(text.size()), m_tokens(tokens), m_error(error) {}

    bool run() {
        while (m_i < m_n) {
            const QChar c = m_text[m_i];
            if (c.isSpace()) {
                ++m_i;
            } else if (c == u'(' || c == u')' || c == u',') {
                push(c == u'('   ? FilterToken::LeftParen
                     : c == u')' ? FilterToken::RightParen
                                 : FilterToken::Comma,
                     QString(c), m_i + 1);
            } else if (c == u'\'' || c == u'"' || c == u'`') {
                if (!quoted(c)) return false;
            } else if (c == u'=' || c == u'!' || c == u'<' || c == u'>' || c == u'~') {
                if (!comparison(c)) return false;
            } else if (!number() && !identifier()) {
                return m_error.column == 0
                           ? fail(m_i, QStringLiteral("unexpected character '%1'").arg(c))
                           : false;
            }
        }
        m_tokens.push_back({FilterToken::End, {}, int(m_n) + 1});
        return true;
    }

private:
    void push(FilterToken::Kind kind, QString text, qsizetype end) {
        m_tokens.push_back({kind, std::move(text), int(m_i) + 1});
        m_i = end;
    }
    bool fail(qsizetype at, QString message) {
        m_error = {int(at) + 1, std::move(message)};
        return false;
    }

    // 'string' and "string" are values (MLflow accepts both); `key` is a key. A quote is
    // escaped by doubling it, as in SQL.
    bool quoted(QChar quote) {
        QString value;
        for (qsizetype j = m_i + 1; j < m_n; ++j) {
            if (m_text[j] != quote) {
                value += m_text[j];
            } else if (j + 1 < m_n && m_text[j + 1] == quote) {
                value += quote;
                ++j;
            } else {
                const bool key = quote == u'`';
                FilterToken token{key ? FilterToken::Identifier : FilterToken::String, value,
                                  int(m_i) + 1};
                token.quotedIdentifier = key;
                m_tokens.push_back(token);
                m_i = j + 1;
                return true;
            }
        }
        return fail(
            m_i, QStringLiteral("unclosed %1")
                     .arg(quote == u'`' ? QStringLiteral("backquote") : QStringLiteral("quote")));
    }

    bool comparison(QChar c) {
        const QString two = m_text.mid(m_i, 2);
        const bool isPair =
            two == u"==" || two == u"!=" || two == u"<=" || two == u">=" || two == u"<>";
        QString op = isPair ? two : QString(c);
        if (op == u"!")
            return fail(m_i, QStringLiteral("'!' must be followed by '=' (or use: not)"));
        const qsizetype end = m_i + op.size();
        if (op == u"==") op = QStringLiteral("=");
        if (op == u"<>") op = QStringLiteral("!=");
        push(FilterToken::Operator, op, end);
        return true;
    }

    // False when the text here is not a number (a run name like "2024-run" is an identifier).
    bool number() {
        const QChar c = m_text[m_i];
        const bool start = c.isDigit() || ((c == u'-' || c == u'+' || c == u'.') && m_i + 1 < m_n &&
                                           (m_text[m_i + 1].isDigit() || m_text[m_i + 1] == u'.'));
        if (!start) return false;
        qsizetype j = m_i + 1;
        while (j < m_n && (m_text[j].isLetterOrNumber() || m_text[j] == u'.' ||
                           ((m_text[j] == u'-' || m_text[j] == u'+') &&
                            (m_text[j - 1] == u'e' || m_text[j - 1] == u'E'))))
            ++j;
        const QString text = m_text.mid(m_i, j - m_i);
        bool ok = false;
        text.toDouble(&ok);
        if (ok) push(FilterToken::Number, text, j);
        return ok;
    }

    // A key or a bare word; tags.`my key` and metrics."f1 score" quote a part after a dot.
    bool identifier() {
        const QChar c = m_text[m_i];
        if (!(isIdentifierChar(c) || c == u'-' || c == u'+')) return false;
        qsizetype j = m_i + 1;  // always consume: a lone '+' must not stall (found by fuzz_filter)
        while (j < m_n && (isIdentifierChar(m_text[j]) ||
                           ((m_text[j] == u'`' || m_text[j] == u'"') && m_text[j - 1] == u'.'))) {
            if (m_text[j] == u'`' || m_text[j] == u'"') {
                const qsizetype close = m_text.indexOf(m_text[j], j + 1);
                if (close < 0) return fail(j, QStringLiteral("unclosed quote in a key"));
                j = close + 1;
            } else {
                ++j;
            }
        }
        QString word = m_text.mid(m_i, j - m_i);
        word.remove(u'`');
        if (word.contains(u".\"")) word.remove(u'"');
        push(FilterToken::Identifier, word, j);
        return true;
    }

    const QString& m_text;
    const qsizetype m_n;
    qsizetype m_i = 0;
    std::vector<FilterToken>& m_tokens;
    FilterSyntaxError& m_error;
};

}  // namespace

bool tokenizeFilter(const QString& text, std::vector<FilterToken>& tokens,
                    FilterSyntaxError& error) {
    tokens.clear();
    error = {};
    return Lexer(text, tokens, error).run();
}

}  // namespace runlens
