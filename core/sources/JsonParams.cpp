#include "JsonParams.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

#include "model/NumberText.h"

namespace runlens {

namespace {

struct PendingValue {
    QString key;
    const rapidjson::Value* value;
    int depth;
};

ParamValue leafParam(const rapidjson::Value& v) {
    if (v.IsString())
        return ParamValue::fromString(QString::fromUtf8(v.GetString(), v.GetStringLength()));
    if (v.IsBool())
        return ParamValue::fromBool(v.GetBool(),
                                    v.GetBool() ? QStringLiteral("true") : QStringLiteral("false"));
    if (v.IsInt64()) return ParamValue::fromInt(v.GetInt64(), QString::number(v.GetInt64()));
    if (v.IsNumber()) return ParamValue::fromDouble(v.GetDouble(), numberText(v.GetDouble()));
    if (v.IsNull()) return ParamValue::null(QStringLiteral("null"));
    return ParamValue::fromString(jsonText(v));  // a list
}

}  // namespace

QString jsonText(const rapidjson::Value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                      rapidjson::CrtAllocator, rapidjson::kWriteNanAndInfFlag>
        writer(buffer);
    v.Accept(writer);
    return QString::fromUtf8(buffer.GetString(), qsizetype(buffer.GetSize()));
}

// Flattens into `params` until the budget runs out; the caller drops `params` then.
static void flattenJson(QMap<QString, ParamValue>& params, const QString& key,
                        const rapidjson::Value& v, ParamBudget& budget) {
    std::vector<PendingValue> pending{{key, &v, 0}};
    std::vector<PendingValue> children;
    while (!pending.empty()) {
        const PendingValue p = std::move(pending.back());
        pending.pop_back();
        if (!budget.take(p.key.size())) return;
        if (p.value->IsObject()) {
            if (!budget.enter(p.depth + 1)) return;
            children.clear();
            for (auto it = p.value->MemberBegin(); it != p.value->MemberEnd(); ++it) {
                const QString name =
                    QString::fromUtf8(it->name.GetString(), it->name.GetStringLength());
                children.push_back(
                    {p.key.isEmpty() ? name : p.key + u'.' + name, &it->value, p.depth + 1});
            }
            pending.insert(pending.end(), std::make_move_iterator(children.rbegin()),
                           std::make_move_iterator(children.rend()));
            continue;
        }
        if (p.value->IsArray() && !budget.enter(p.depth + 1)) return;
        ParamValue leaf = leafParam(*p.value);
        if (!budget.take(leaf.text().size())) return;
        params.insert(p.key, std::move(leaf));
    }
}

void addJsonParams(QMap<QString, ParamValue>& params, const QString& key, const rapidjson::Value& v,
                   ParamBudget& budget) {
    QMap<QString, ParamValue> flat;  // all or nothing, as for YAML
    flattenJson(flat, key, v, budget);
    if (budget.exhausted()) return;
    for (auto it = flat.begin(); it != flat.end(); ++it)
        params.insert(it.key(), std::move(it.value()));
}

}  // namespace runlens
