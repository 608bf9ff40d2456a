#include "JsonWriter.h"

#include <charconv>
#include <cmath>

namespace runlens {

void JsonWriter::newline() {
    if (!m_indent) return;
    m_out += '\n';
    m_out.append(QByteArray(m_depth * 2, ' '));
}

void JsonWriter::beforeValue() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first) m_out += ',';
    if (m_depth > 0) newline();
    m_first = false;
}

void JsonWriter::beginObject() {
    beforeValue();
    m_out += '{';
    ++m_depth;
    m_first = true;
}

void JsonWriter::endObject() {
    --m_depth;
    if (!m_first) newline();
    m_out += '}';
    m_first = false;
}

void JsonWriter::beginArray() {
    beforeValue();
    m_out += '[';
    ++m_depth;
    m_first = true;
}

void JsonWriter::endArray() {
    --m_depth;
    if (!m_first) newline();
    m_out += ']';
    m_first = false;
}

void JsonWriter::key(QStringView name) {
    beforeValue();
    appendString(m_out, name);
    m_out += m_indent ? ": " : ":";
    m_afterKey = true;
}

void JsonWriter::value(QStringView text) {
    beforeValue();
    appendString(m_out, text);
}

void JsonWriter::value(double number) {
    beforeValue();
    if (std::isnan(number))
        m_out += "\"NaN\"";
    else if (std::isinf(number))
        m_out += number > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    else
        appendDouble(m_out, number);
}

void JsonWriter::value(qint64 number) {
    beforeValue();
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
    m_out.append(buf, end - buf);
}

void JsonWriter::value(bool flag) {
    beforeValue();
    m_out += flag ? "true" : "false";
}

void JsonWriter::null() {
    beforeValue();
    m_out += "null";
}

void JsonWriter::appendDouble(QByteArray& out, double number) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, number);
    out.append(buf, end - buf);
}

void JsonWriter::appendString(QByteArray& out, QStringView text) {
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (char c : utf8) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

}  // namespace runlens
