#pragma once

#include <QString>
#include <QtGlobal>

namespace runlens {

// A parameter as the tracker stored it: a typed value for sorting, axes and filters, and
// the original text for display and export (so "1e-05" is never shown as "0.00001").
class ParamValue {
public:
    enum class Type { Null, Bool, Int, Double, String };

    ParamValue() = default;
    static ParamValue null(QString text = {});
    static ParamValue fromBool(bool value, QString text);
    static ParamValue fromInt(qint64 value, QString text);
    static ParamValue fromDouble(double value, QString text);
    static ParamValue fromString(QString text);
    // For formats that store every value as text (MLflow): a number where the whole text is
    // a number (Python's int/float spellings, nan and inf included), True/False a bool,
    // anything else text.
    static ParamValue parse(QString text);

    Type type() const { return m_type; }
    bool isNull() const { return m_type == Type::Null; }
    bool isNumeric() const { return m_type == Type::Int || m_type == Type::Double; }
    bool toBool() const { return m_number != 0; }
    qint64 toInt() const { return m_int; }  // a double's truncation, 0 when it does not fit
    // Int, Double and Bool as a double; NaN for text and null.
    double toDouble() const;
    const QString& text() const { return m_text; }

    friend bool operator==(const ParamValue& a, const ParamValue& b) {
        return a.m_type == b.m_type && a.m_text == b.m_text;
    }

private:
    Type m_type = Type::Null;
    qint64 m_int = 0;
    double m_number = 0;
    QString m_text;
};

}  // namespace runlens
