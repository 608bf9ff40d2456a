#pragma once

#include <yaml-cpp/yaml.h>

#include <QMap>
#include <QString>
#include <QStringList>

#include "model/ParamValue.h"

namespace runlens {

// A YAML document as params: mappings flattened into `prefix.key` entries, scalars parsed as
// MLflow parses param text, lists as "[a, b]", null as null. Tags such as `!!python/object`
// stay on the nodes and are never constructed. Core-internal (yaml-cpp is private to it).
inline void addYamlParams(QMap<QString, ParamValue>& out, const QString& prefix,
                          const YAML::Node& node) {
    if (node.IsMap()) {
        for (const auto& entry : node) {
            const QString key = QString::fromStdString(entry.first.Scalar());
            addYamlParams(out, prefix.isEmpty() ? key : prefix + u'.' + key, entry.second);
        }
    } else if (node.IsScalar()) {
        out.insert(prefix, ParamValue::parse(QString::fromStdString(node.Scalar())));
    } else if (node.IsSequence()) {
        QStringList items;
        for (const auto& item : node)
            items << (item.IsScalar() ? QString::fromStdString(item.Scalar())
                                      : QStringLiteral("…"));
        out.insert(prefix, ParamValue::fromString(u'[' + items.join(QStringLiteral(", ")) + u']'));
    } else if (node.IsNull()) {
        out.insert(prefix, ParamValue::null(QStringLiteral("null")));
    }
}

}  // namespace runlens
