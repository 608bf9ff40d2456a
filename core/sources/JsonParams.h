#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <QMap>
#include <QString>

#include "model/NumberText.h"
#include "model/ParamValue.h"

namespace runlens {

// A JSON value as params: objects flattened into `prefix.key` entries, strings as themselves,
// numbers and bools as written (ints as ints), null as null, lists as their JSON text.
// Core-internal (RapidJSON is a private dependency of runlens_core).
inline void addJsonParams(QMap<QString, ParamValue>& params, const QString& key,
                          const rapidjson::Value& v) {
    if (v.IsObject()) {
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
            const QString name = QString::fromUtf8(it->name.GetString());
            addJsonParams(params, key.isEmpty() ? name : key + u'.' + name, it->value);
        }
    } else if (v.IsString()) {
        params.insert(key, ParamValue::fromString(QString::fromUtf8(v.GetString())));
    } else if (v.IsBool()) {
        params.insert(
            key, ParamValue::fromBool(
                     v.GetBool(), v.GetBool() ? QStringLiteral("true") : QStringLiteral("false")));
    } else if (v.IsInt64()) {
        params.insert(key, ParamValue::fromInt(v.GetInt64(), QString::number(v.GetInt64())));
    } else if (v.IsNumber()) {
        params.insert(key, ParamValue::fromDouble(v.GetDouble(), numberText(v.GetDouble())));
    } else if (v.IsNull()) {
        params.insert(key, ParamValue::null(QStringLiteral("null")));
    } else {
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
        v.Accept(writer);
        params.insert(key, ParamValue::fromString(QString::fromUtf8(buffer.GetString())));
    }
}

}  // namespace runlens
