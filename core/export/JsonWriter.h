#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>

namespace runlens {

// A small streaming JSON writer: keys in the order written (the CLI's documented shape),
// doubles in their shortest round-trip form, and non-finite numbers as the strings
// "NaN", "Infinity", "-Infinity" (JSON has no spelling for them). Compact or indented.
class JsonWriter {
public:
    explicit JsonWriter(bool indent = false) : m_indent(indent) {}

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    void key(QStringView name);
    void value(QStringView text);
    void value(const char* text) { value(QString::fromUtf8(text)); }
    void value(double number);
    void value(qint64 number);
    void value(int number) { value(qint64(number)); }
    void value(bool flag);
    void null();

    const QByteArray& data() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

    static void appendDouble(QByteArray& out, double number);  // shortest form, finite only
    static void appendString(QByteArray& out, QStringView text);

private:
    void beforeValue();
    void newline();

    QByteArray m_out;
    bool m_indent;
    int m_depth = 0;
    bool m_first = true;
    bool m_afterKey = false;
};

}  // namespace runlens
