#include "YamlParams.h"

#include <QStringList>
#include <vector>

namespace runlens {

namespace {

struct PendingNode {
    QString key;
    YAML::Node node;
    int depth = 0;
};

// A sequence as "[a, b]": scalars as written, anything nested as "…".
QString sequenceText(const YAML::Node& node, ParamBudget& budget) {
    QStringList items;
    for (const auto& item : node) {
        items << (item.IsScalar() ? QString::fromStdString(item.Scalar()) : QStringLiteral("…"));
        if (!budget.take(items.back().size())) break;
    }
    return u'[' + items.join(QStringLiteral(", ")) + u']';
}

}  // namespace

// Flattens into `out` until the budget runs out; the caller drops `out` then.
static void flattenYaml(QMap<QString, ParamValue>& out, const QString& prefix,
                        const YAML::Node& node, ParamBudget& budget) {
    // Depth first in document order, with a stack of our own: a mapping that is an alias of
    // itself nests forever, and recursion would take the stack with it.
    std::vector<PendingNode> pending{{prefix, node, 0}};
    std::vector<PendingNode> children;
    while (!pending.empty()) {
        const PendingNode p = std::move(pending.back());
        pending.pop_back();
        if (!budget.take(p.key.size())) return;
        if (p.node.IsMap()) {
            if (!budget.enter(p.depth + 1)) return;
            children.clear();
            for (const auto& entry : p.node) {
                const QString key = QString::fromStdString(entry.first.Scalar());
                children.push_back(
                    {p.key.isEmpty() ? key : p.key + u'.' + key, entry.second, p.depth + 1});
                if (!budget.take(0)) return;
            }
            pending.insert(pending.end(), std::make_move_iterator(children.rbegin()),
                           std::make_move_iterator(children.rend()));
        } else if (p.node.IsScalar()) {
            const QString text = QString::fromStdString(p.node.Scalar());
            if (!budget.take(text.size())) return;
            out.insert(p.key, ParamValue::parse(text));
        } else if (p.node.IsSequence()) {
            const QString text = sequenceText(p.node, budget);
            if (budget.exhausted()) return;
            out.insert(p.key, ParamValue::fromString(text));
        } else if (p.node.IsNull()) {
            out.insert(p.key, ParamValue::null(QStringLiteral("null")));
        }
    }
}

void addYamlParams(QMap<QString, ParamValue>& out, const QString& prefix, const YAML::Node& node,
                   ParamBudget& budget) {
    // All or nothing: half of an expansion that ran away is not the config the user wrote.
    QMap<QString, ParamValue> flat;
    flattenYaml(flat, prefix, node, budget);
    if (budget.exhausted()) return;
    for (auto it = flat.begin(); it != flat.end(); ++it)
        out.insert(it.key(), std::move(it.value()));
}

QStringList yamlStrings(const YAML::Node& node, ParamBudget& budget) {
    QStringList out;
    if (!node.IsSequence()) return out;
    for (const auto& item : node) {
        if (!item.IsScalar()) continue;
        out << QString::fromStdString(item.Scalar());
        if (!budget.take(out.back().size())) break;
    }
    return out;
}

}  // namespace runlens
