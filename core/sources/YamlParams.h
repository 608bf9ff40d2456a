#pragma once

#include <yaml-cpp/yaml.h>

#include <QMap>
#include <QString>

#include "ParamBudget.h"
#include "model/ParamValue.h"

namespace runlens {

// A YAML document as params: mappings flattened into `prefix.key` entries, scalars parsed as
// MLflow parses param text, lists as "[a, b]", null as null. Tags such as `!!python/object`
// stay on the nodes and are never constructed. Aliases are followed, within `budget`:
// flattening is iterative, and a node past its bounds adds nothing (budget.problem() says so).
// Core-internal (yaml-cpp is private to it).
void addYamlParams(QMap<QString, ParamValue>& out, const QString& prefix, const YAML::Node& node,
                   ParamBudget& budget);

// A YAML sequence of scalars as a list of strings (Hydra's overrides.yaml), within `budget`.
QStringList yamlStrings(const YAML::Node& node, ParamBudget& budget);

}  // namespace runlens
