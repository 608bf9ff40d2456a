#include "RunFilter.h"

#include <QDateTime>
#include <QRegularExpression>
#include <cmath>
#include <variant>
#include <vector>

#include "model/RunActivity.h"

namespace runlens {

namespace {

enum class Scope { Any, Metric, Param, Tag, Attribute };
enum class Op { Eq, Ne, Lt, Le, Gt, Ge, Like, ILike, In, NotIn, Regex };

struct Literal {
    QString text;
    bool isNumber = false;
    double number = 0;
};

// A run's value for one key: a number, a text, or nothing.
struct Value {
    enum Kind { Missing, Number, Text } kind = Missing;
    double number = 0;
    QString text;
    bool caseInsensitive = false;  // statuses: 'FINISHED' = finished
};

}  // namespace

struct RunFilter::Node {
    enum Kind { And, Or, Not, Compare, NameContains };
    explicit Node(Kind k) : kind(k) {}
    Kind kind;
    std::vector<std::shared_ptr<const Node>> children;
    // Compare
    Scope scope = Scope::Any;
    QString key;
    Op op = Op::Eq;
    std::vector<Literal> values;
    QRegularExpression regex;  // Like, ILike, Regex
    // NameContains
    QString word;
};

namespace {

const QStringList kAttributes = {"status",          "run_name", "run_id",     "start_time",
                                 "end_time",        "created",  "experiment", "experiment_id",
                                 "source",          "id",       "location",   "duration",
                                 "lifecycle_stage", "name"};

Value attributeValue(const Run& run, const QString& name, qint64 staleAfterMs) {
    Value v;
    auto text = [&](const QString& t) {
        v.kind = Value::Text;
        v.text = t;
    };
    auto number = [&](std::optional<qint64> n) {
        if (!n) return;
        v.kind = Value::Number;
        v.number = double(*n);
    };
    if (name == u"status") {
        // As the table shows it: a running run that went quiet is "stale" (model/RunActivity).
        text(shownStatusName(run, QDateTime::currentMSecsSinceEpoch(), staleAfterMs));
        v.caseInsensitive = true;
    } else if (name == u"run_name" || name == u"name") {
        text(run.name);
    } else if (name == u"run_id") {
        text(run.nativeId);
    } else if (name == u"id") {
        text(run.id.text());
    } else if (name == u"start_time" || name == u"created") {
        number(run.startTimeMs);
    } else if (name == u"end_time") {
        number(run.endTimeMs);
    } else if (name == u"duration") {
        if (run.startTimeMs && run.endTimeMs) number(*run.endTimeMs - *run.startTimeMs);
    } else if (name == u"experiment") {
        text(run.experiment);
    } else if (name == u"experiment_id") {
        text(run.experimentId);
    } else if (name == u"source") {
        text(run.sourceKind);
    } else if (name == u"location") {
        text(run.location);
    } else if (name == u"lifecycle_stage") {
        text(run.deleted ? QStringLiteral("deleted") : QStringLiteral("active"));
    }
    return v;
}

Value metricValue(const Run& run, const QString& key) {
    Value v;
    const auto it = run.metrics.find(key);
    if (it != run.metrics.end()) {
        v.kind = Value::Number;
        v.number = it->last;
    }
    return v;
}

Value paramValue(const Run& run, const QString& key) {
    Value v;
    const auto it = run.params.find(key);
    if (it == run.params.end()) return v;
    v.text = it->text();
    if (it->isNumeric()) {
        v.kind = Value::Number;
        v.number = it->toDouble();
    } else {
        v.kind = Value::Text;
    }
    return v;
}

Value tagValue(const Run& run, const QString& key) {
    Value v;
    const auto it = run.tags.find(key);
    if (it != run.tags.end()) {
        v.kind = Value::Text;
        v.text = *it;
    }
    return v;
}

Value resolve(const Run& run, Scope scope, const QString& key, qint64 staleAfterMs) {
    switch (scope) {
        case Scope::Metric:
            return metricValue(run, key);
        case Scope::Param:
            return paramValue(run, key);
        case Scope::Tag:
            return tagValue(run, key);
        case Scope::Attribute:
            return attributeValue(run, key, staleAfterMs);
        case Scope::Any:
            break;
    }
    if (kAttributes.contains(key)) return attributeValue(run, key, staleAfterMs);
    Value v = metricValue(run, key);
    if (v.kind == Value::Missing) v = paramValue(run, key);
    if (v.kind == Value::Missing) v = tagValue(run, key);
    return v;
}

// One comparison of a run's value with a literal.
bool compare(const Value& v, Op op, const Literal& literal, const QRegularExpression& regex) {
    if (v.kind == Value::Missing) return false;
    const QString text =
        v.kind == Value::Text || !v.text.isEmpty() ? v.text : QString::number(v.number, 'g', 17);
    switch (op) {
        case Op::Like:
        case Op::ILike:
        case Op::Regex:
            return regex.match(text).hasMatch();
        default:
            break;
    }
    int order = 0;
    if (v.kind == Value::Number && literal.isNumber) {
        if (std::isnan(v.number)) return false;
        order = v.number < literal.number ? -1 : v.number > literal.number ? 1 : 0;
    } else if (v.kind == Value::Text && literal.isNumber &&
               (op == Op::Eq || op == Op::Ne || op == Op::In || op == Op::NotIn)) {
        order =
            text == literal.text ? 0 : 1;  // a text param against a number: equal only by spelling
    } else {
        order = QString::compare(text, literal.text,
                                 v.caseInsensitive ? Qt::CaseInsensitive : Qt::CaseSensitive);
        order = order < 0 ? -1 : order > 0 ? 1 : 0;
    }
    switch (op) {
        case Op::Eq:
        case Op::In:
            return order == 0;
        case Op::Ne:
        case Op::NotIn:
            return order != 0;
        case Op::Lt:
            return order < 0;
        case Op::Le:
            return order <= 0;
        case Op::Gt:
            return order > 0;
        case Op::Ge:
            return order >= 0;
        default:
            return false;
    }
}

bool evaluate(const RunFilter::Node& node, const Run& run, qint64 staleAfterMs) {
    switch (node.kind) {
        case RunFilter::Node::And:
            for (const auto& child : node.children)
                if (!evaluate(*child, run, staleAfterMs)) return false;
            return true;
        case RunFilter::Node::Or:
            for (const auto& child : node.children)
                if (evaluate(*child, run, staleAfterMs)) return true;
            return false;
        case RunFilter::Node::Not:
            return !evaluate(*node.children.front(), run, staleAfterMs);
        case RunFilter::Node::NameContains:
            return run.name.contains(node.word, Qt::CaseInsensitive);
        case RunFilter::Node::Compare: {
            const Value v = resolve(run, node.scope, node.key, staleAfterMs);
            if (node.op == Op::In) {
                for (const Literal& l : node.values)
                    if (compare(v, Op::Eq, l, node.regex)) return true;
                return false;
            }
            if (node.op == Op::NotIn) {
                if (v.kind == Value::Missing) return false;
                for (const Literal& l : node.values)
                    if (compare(v, Op::Eq, l, node.regex)) return false;
                return true;
            }
            return compare(v, node.op, node.values.front(), node.regex);
        }
    }
    return false;
}

QString likeToRegex(const QString& pattern) {
    QString out = QStringLiteral("^");
    for (const QChar c : pattern) {
        if (c == u'%')
            out += QStringLiteral(".*");
        else if (c == u'_')
            out += u'.';
        else
            out += QRegularExpression::escape(QString(c));
    }
    return out + u'$';
}

std::shared_ptr<RunFilter::Node> makeNode(RunFilter::Node::Kind kind) {
    return std::make_shared<RunFilter::Node>(kind);
}

class Parser {
public:
    Parser(std::vector<FilterToken> tokens) : m_tokens(std::move(tokens)) {}

    std::shared_ptr<const RunFilter::Node> parse(FilterSyntaxError& error) {
        auto root = parseOr();
        if (!m_error.message.isEmpty()) {
            error = m_error;
            return nullptr;
        }
        if (peek().kind != FilterToken::End) {
            error = {peek().column,
                     peek().kind == FilterToken::RightParen
                         ? QStringLiteral("')' without a matching '('")
                         : QStringLiteral("expected 'and', 'or' or the end, found '%1'")
                               .arg(peek().text)};
            return nullptr;
        }
        return root;
    }

private:
    using NodePtr = std::shared_ptr<RunFilter::Node>;

    const FilterToken& peek(size_t ahead = 0) const {
        return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)];
    }
    const FilterToken& take() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }
    bool isKeyword(const FilterToken& t, const char* word) const {
        return t.kind == FilterToken::Identifier && !t.quotedIdentifier &&
               t.text.compare(QLatin1String(word), Qt::CaseInsensitive) == 0;
    }
    std::nullptr_t fail(int column, const QString& message) {
        if (m_error.message.isEmpty()) m_error = {column, message};
        return nullptr;
    }

    NodePtr parseOr() {
        NodePtr left = parseAnd();
        while (left && isKeyword(peek(), "or")) {
            take();
            NodePtr right = parseAnd();
            if (!right) return nullptr;
            left = combine(RunFilter::Node::Or, left, right);
        }
        return left;
    }

    NodePtr parseAnd() {
        NodePtr left = parseNot();
        while (left) {
            if (isKeyword(peek(), "and")) {
                take();
            } else if (!startsPrimary(peek())) {
                break;  // juxtaposed terms ("resnet adam") are an implicit and
            }
            NodePtr right = parseNot();
            if (!right) return nullptr;
            left = combine(RunFilter::Node::And, left, right);
        }
        return left;
    }

    bool startsPrimary(const FilterToken& t) const {
        if (t.kind == FilterToken::LeftParen || t.kind == FilterToken::String ||
            t.kind == FilterToken::Number)
            return true;
        return t.kind == FilterToken::Identifier && !isKeyword(t, "and") && !isKeyword(t, "or");
    }

    NodePtr parseNot() {
        if (isKeyword(peek(), "not") && !isOperatorAhead(1)) {
            take();
            NodePtr inner = parseNot();
            if (!inner) return nullptr;
            auto node = makeNode(RunFilter::Node::Not);
            node->children.push_back(inner);
            return node;
        }
        return parsePrimary();
    }

    bool isOperatorAhead(size_t ahead) const {
        const FilterToken& t = peek(ahead);
        return t.kind == FilterToken::Operator || isKeyword(t, "like") || isKeyword(t, "ilike") ||
               isKeyword(t, "in") || (isKeyword(t, "not") && isKeyword(peek(ahead + 1), "in"));
    }

    NodePtr parsePrimary() {
        const FilterToken& t = peek();
        if (t.kind == FilterToken::LeftParen) {
            take();
            NodePtr inner = parseOr();
            if (!inner) return nullptr;
            if (peek().kind != FilterToken::RightParen)
                return fail(peek().column, QStringLiteral("expected ')'"));
            take();
            return inner;
        }
        if (t.kind == FilterToken::End)
            return fail(t.column, QStringLiteral("expected a condition"));
        if (t.kind == FilterToken::RightParen || t.kind == FilterToken::Comma ||
            t.kind == FilterToken::Operator)
            return fail(t.column, QStringLiteral("unexpected '%1'").arg(t.text));
        if ((t.kind == FilterToken::Identifier) && isOperatorAhead(1)) return parseComparison();
        // A bare word or quoted text: part of a run name.
        take();
        auto node = makeNode(RunFilter::Node::NameContains);
        node->word = t.text;
        return node;
    }

    NodePtr parseComparison() {
        const FilterToken keyToken = take();
        auto node = makeNode(RunFilter::Node::Compare);
        splitKey(keyToken, *node);
        const FilterToken opToken = take();
        const QString op = opToken.text.toLower();
        if (opToken.kind == FilterToken::Operator) {
            static const QMap<QString, Op> kOps = {{"=", Op::Eq},   {"!=", Op::Ne}, {"<", Op::Lt},
                                                   {"<=", Op::Le},  {">", Op::Gt},  {">=", Op::Ge},
                                                   {"~", Op::Regex}};
            node->op = kOps.value(op, Op::Eq);
        } else if (op == u"like") {
            node->op = Op::Like;
        } else if (op == u"ilike") {
            node->op = Op::ILike;
        } else if (op == u"in") {
            node->op = Op::In;
        } else {  // not in
            take();
            node->op = Op::NotIn;
        }
        if (node->op == Op::In || node->op == Op::NotIn) {
            if (peek().kind != FilterToken::LeftParen)
                return fail(peek().column, QStringLiteral("expected '(' after 'in'"));
            take();
            for (;;) {
                if (!literal(*node)) return nullptr;
                if (peek().kind == FilterToken::Comma) {
                    take();
                    continue;
                }
                if (peek().kind != FilterToken::RightParen)
                    return fail(peek().column, QStringLiteral("expected ',' or ')'"));
                take();
                break;
            }
            return node;
        }
        if (!literal(*node)) return nullptr;
        const QString pattern = node->values.front().text;
        if (node->op == Op::Like || node->op == Op::ILike) {
            node->regex =
                QRegularExpression(likeToRegex(pattern),
                                   node->op == Op::ILike ? QRegularExpression::CaseInsensitiveOption
                                                         : QRegularExpression::NoPatternOption);
        } else if (node->op == Op::Regex) {
            node->regex = QRegularExpression(pattern);
            if (!node->regex.isValid())
                return fail(
                    m_lastLiteralColumn,
                    QStringLiteral("bad regular expression: %1").arg(node->regex.errorString()));
        }
        return node;
    }

    bool literal(RunFilter::Node& node) {
        const FilterToken& t = peek();
        Literal l;
        if (t.kind == FilterToken::String) {
            l.text = t.text;
        } else if (t.kind == FilterToken::Number) {
            l.text = t.text;
            l.isNumber = true;
            l.number = t.text.toDouble();
        } else if (t.kind == FilterToken::Identifier && !t.quotedIdentifier &&
                   (isKeyword(t, "true") || isKeyword(t, "false") || isKeyword(t, "nan") ||
                    isKeyword(t, "inf"))) {
            l.text = t.text;
            if (isKeyword(t, "true") || isKeyword(t, "false")) {
                l.isNumber = true;
                l.number = isKeyword(t, "true") ? 1 : 0;
            }
        } else {
            fail(t.column,
                 t.kind == FilterToken::End
                     ? QStringLiteral("expected a value")
                     : QStringLiteral("expected a value (a number or 'quoted text'), found '%1'")
                           .arg(t.text));
            return false;
        }
        m_lastLiteralColumn = t.column;
        take();
        node.values.push_back(l);
        return true;
    }

    static void splitKey(const FilterToken& token, RunFilter::Node& node) {
        static const QMap<QString, Scope> kPrefixes = {{"metrics", Scope::Metric},
                                                       {"metric", Scope::Metric},
                                                       {"params", Scope::Param},
                                                       {"param", Scope::Param},
                                                       {"parameters", Scope::Param},
                                                       {"tags", Scope::Tag},
                                                       {"tag", Scope::Tag},
                                                       {"attributes", Scope::Attribute},
                                                       {"attribute", Scope::Attribute},
                                                       {"attr", Scope::Attribute},
                                                       {"run", Scope::Attribute}};
        node.key = token.text;
        if (token.quotedIdentifier) return;
        const qsizetype dot = token.text.indexOf(u'.');
        if (dot <= 0) return;
        const auto it = kPrefixes.find(token.text.left(dot).toLower());
        if (it == kPrefixes.end()) return;
        node.scope = *it;
        node.key = token.text.mid(dot + 1);
        if (node.scope == Scope::Attribute) node.key = node.key.toLower();
    }

    static NodePtr combine(RunFilter::Node::Kind kind, NodePtr left, NodePtr right) {
        if (left->kind == kind) {
            left->children.push_back(right);
            return left;
        }
        auto node = makeNode(kind);
        node->children = {left, right};
        return node;
    }

    std::vector<FilterToken> m_tokens;
    size_t m_pos = 0;
    FilterSyntaxError m_error;
    int m_lastLiteralColumn = 0;
};

}  // namespace

RunFilter RunFilter::parse(const QString& text, FilterSyntaxError* error) {
    RunFilter filter;
    if (text.trimmed().isEmpty()) return filter;
    std::vector<FilterToken> tokens;
    FilterSyntaxError syntax;
    if (tokenizeFilter(text, tokens, syntax)) {
        Parser parser(std::move(tokens));
        filter.m_root = parser.parse(syntax);
    }
    if (!filter.m_root) {
        filter.m_valid = false;
        if (error) *error = syntax;
    }
    return filter;
}

QStringList RunFilter::bareKeys() const {
    QStringList keys;
    std::vector<const Node*> pending;
    if (m_root) pending.push_back(m_root.get());
    // Depth first, children in order, so keys come out as written.
    while (!pending.empty()) {
        const Node* node = pending.back();
        pending.pop_back();
        if (node->kind == Node::Compare && node->scope == Scope::Any &&
            !kAttributes.contains(node->key) && !keys.contains(node->key))
            keys << node->key;
        for (auto it = node->children.rbegin(); it != node->children.rend(); ++it)
            pending.push_back(it->get());
    }
    return keys;
}

bool RunFilter::matches(const Run& run) const {
    if (!m_valid) return false;
    return !m_root || evaluate(*m_root, run, m_staleAfterMs);
}

}  // namespace runlens
