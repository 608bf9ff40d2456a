#include "ParquetSchema.h"

#include <QStringList>

namespace runlens {

QString ParquetColumnDescriptor::dottedPath() const {
    QStringList parts;
    for (const std::string& p : path)
        parts << QString::fromStdString(p);
    return parts.join(u'.');
}

namespace {

// The annotation of a leaf: its LogicalType when set, else its ConvertedType
// (parquet-format LogicalTypes.md, "backward compatibility").
void annotate(const ParquetMetadata::SchemaElement& e, ParquetColumnDescriptor& c) {
    switch (e.logicalType) {
        case ParquetLogicalType::String:
        case ParquetLogicalType::Enum:
        case ParquetLogicalType::Json:
            c.isString = true;
            return;
        case ParquetLogicalType::Decimal:
            c.isDecimal = true;
            c.scale = e.logicalScale;
            c.precision = e.logicalPrecision;
            return;
        case ParquetLogicalType::Timestamp:
            c.timestampUnit = e.logicalUnit;
            c.timestampUtc = e.logicalUtc;
            return;
        case ParquetLogicalType::None:
            break;
        default:
            return;
    }
    switch (e.convertedType) {
        case ParquetConvertedType::Utf8:
        case ParquetConvertedType::Enum:
        case ParquetConvertedType::Json:
            c.isString = true;
            break;
        case ParquetConvertedType::Decimal:
            c.isDecimal = true;
            c.scale = e.scale;
            c.precision = e.precision;
            break;
        case ParquetConvertedType::TimestampMillis:  // UTC-adjusted by definition
            c.timestampUnit = ParquetTimeUnit::Millis;
            c.timestampUtc = true;
            break;
        case ParquetConvertedType::TimestampMicros:
            c.timestampUnit = ParquetTimeUnit::Micros;
            c.timestampUtc = true;
            break;
        default:
            break;
    }
}

}  // namespace

bool ParquetSchema::build(const std::vector<ParquetMetadata::SchemaElement>& elements,
                          QString* error) {
    m_columns.clear();
    auto fail = [&](const QString& why) {
        if (error) *error = QStringLiteral("its schema ") + why;
        m_columns.clear();
        return false;
    };
    if (elements.empty()) return fail(QStringLiteral("is empty"));
    // Depth-first: each open group with the children it still expects.
    struct Open {
        int remaining;
    };
    std::vector<Open> open{{elements[0].numChildren}};
    std::vector<ParquetColumnDescriptor::Node> path;
    if (elements[0].numChildren <= 0) return fail(QStringLiteral("has no columns"));
    for (size_t i = 1; i < elements.size(); ++i) {
        while (!open.empty() && open.back().remaining == 0) {
            open.pop_back();
            if (!path.empty()) path.pop_back();
        }
        if (open.empty()) return fail(QStringLiteral("lists more fields than its groups hold"));
        --open.back().remaining;
        const auto& e = elements[i];
        ParquetColumnDescriptor::Node node;
        node.name = e.name;
        node.repetition = e.repetition >= 0 && e.repetition <= 2 ? ParquetRepetition(e.repetition)
                                                                 : ParquetRepetition::Required;
        const int parentDef = path.empty() ? 0 : path.back().definitionLevel;
        const int parentRep = path.empty() ? 0 : path.back().repetitionLevel;
        node.definitionLevel = parentDef + (node.repetition != ParquetRepetition::Required);
        node.repetitionLevel = parentRep + (node.repetition == ParquetRepetition::Repeated);
        if (e.isGroup() || e.numChildren > 0) {
            if (e.numChildren <= 0)
                return fail(QStringLiteral("has a group \"%1\" without fields")
                                .arg(QString::fromStdString(e.name)));
            if (int(path.size()) >= kMaxDepth)
                return fail(QStringLiteral("nests deeper than %1 levels").arg(kMaxDepth));
            path.push_back(std::move(node));
            open.push_back({e.numChildren});
            continue;
        }
        if (e.type > int32_t(ParquetPhysicalType::FixedLenByteArray))
            return fail(QStringLiteral("gives column \"%1\" an unknown type %2")
                            .arg(QString::fromStdString(e.name))
                            .arg(e.type));
        if (e.type == int32_t(ParquetPhysicalType::FixedLenByteArray) && e.typeLength <= 0)
            return fail(
                QStringLiteral("gives column \"%1\" no width").arg(QString::fromStdString(e.name)));
        ParquetColumnDescriptor c;
        c.nodes = path;
        c.nodes.push_back(node);
        for (const auto& n : c.nodes)
            c.path.push_back(n.name);
        c.physicalType = ParquetPhysicalType(e.type);
        c.typeLength = e.typeLength;
        c.maxDefinitionLevel = node.definitionLevel;
        c.maxRepetitionLevel = node.repetitionLevel;
        annotate(e, c);
        m_columns.push_back(std::move(c));
    }
    for (const Open& o : open)
        if (o.remaining > 0) return fail(QStringLiteral("ends before all its fields"));
    if (m_columns.empty()) return fail(QStringLiteral("has no columns"));
    return true;
}

int ParquetSchema::find(const std::vector<std::string>& path) const {
    for (size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].path == path) return int(i);
    return -1;
}

}  // namespace runlens
