#pragma once

#include <rapidjson/document.h>

#include <QMap>
#include <QString>

#include "ParamBudget.h"
#include "model/ParamValue.h"

namespace runlens {

// A JSON value as params: objects flattened into `prefix.key` entries, strings as themselves,
// numbers and bools as written (ints as ints), null as null, lists as their JSON text.
// Iterative and within `budget`: past its bounds nothing is added (budget.problem() says so).
// Core-internal (RapidJSON is a private dependency of runlens_core); parse with parseJson() so
// lists are depth-bounded.
void addJsonParams(QMap<QString, ParamValue>& params, const QString& key, const rapidjson::Value& v,
                   ParamBudget& budget);

// A JSON value as compact JSON text.
QString jsonText(const rapidjson::Value& v);

}  // namespace runlens
