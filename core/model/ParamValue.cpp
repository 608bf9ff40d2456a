#include "ParamValue.h"

#include "NumberCast.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace runlens {

ParamValue ParamValue::null(QString text) {
    ParamValue v;
    v.m_text = std::move(text);
    return v;
}

ParamValue ParamValue::fromBool(bool value, QString text) {
    ParamValue v;
    v.m_type = Type::Bool;
    v.m_number = value ? 1 : 0;
    v.m_int = value ? 1 : 0;
    v.m_text = std::move(text);
    return v;
}

ParamValue ParamValue::fromInt(qint64 value, QString text) {
    ParamValue v;
    v.m_type = Type::Int;
    v.m_int = value;
    v.m_number = double(value);
    v.m_text = std::move(text);
    return v;
}

ParamValue ParamValue::fromDouble(double value, QString text) {
    ParamValue v;
    v.m_type = Type::Double;
    v.m_number = value;
    v.m_int = toInt64(value).value_or(0);  // 0 past qint64's range, as for NaN
    v.m_text = std::move(text);
    return v;
}

ParamValue ParamValue::fromString(QString text) {
    ParamValue v;
    v.m_type = Type::String;
    v.m_text = std::move(text);
    return v;
}

double ParamValue::toDouble() const {
    switch (m_type) {
        case Type::Int:
        case Type::Double:
        case Type::Bool:
            return m_number;
        default:
            return std::numeric_limits<double>::quiet_NaN();
    }
}

namespace {

bool isIntegerText(std::string_view s) {
    size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

}  // namespace

ParamValue ParamValue::parse(QString text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 64) return fromString(std::move(text));
    if (trimmed == u"True" || trimmed == u"true") return fromBool(true, std::move(text));
    if (trimmed == u"False" || trimmed == u"false") return fromBool(false, std::move(text));
    if (trimmed == u"None" || trimmed == u"null") return null(std::move(text));

    QByteArray latin = trimmed.toLatin1();
    std::string_view s(latin.constData(), size_t(latin.size()));
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    if (isIntegerText(s)) {
        qint64 value = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec == std::errc() && end == s.data() + s.size()) return fromInt(value, std::move(text));
    }
    double value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && end == s.data() + s.size()) return fromDouble(value, std::move(text));
    return fromString(std::move(text));
}

}  // namespace runlens
