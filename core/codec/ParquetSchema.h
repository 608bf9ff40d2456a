#pragma once

#include <QString>
#include <string>
#include <vector>

#include "ParquetMetadata.h"
#include "ParquetTypes.h"

namespace runlens {

// One leaf column of a Parquet schema: where it sits, its physical type, its resolved
// annotation (LogicalType, else the ConvertedType older writers and DuckDB set alone) and its
// definition and repetition levels (parquet-format's Dremel encoding: a value's definition
// level counts the optional and repeated nodes on its path that are present).
struct ParquetColumnDescriptor {
    struct Node {  // a field on the path from the root (excluded) to the leaf (included)
        std::string name;
        ParquetRepetition repetition = ParquetRepetition::Required;
        int definitionLevel = 0;  // the level once this node is present
        int repetitionLevel = 0;
    };

    std::vector<std::string> path;
    std::vector<Node> nodes;
    ParquetPhysicalType physicalType = ParquetPhysicalType::ByteArray;
    int32_t typeLength = 0;  // FIXED_LEN_BYTE_ARRAY's width
    int maxDefinitionLevel = 0;
    int maxRepetitionLevel = 0;

    bool isString = false;  // STRING, ENUM, JSON / UTF8, ENUM, JSON
    bool isDecimal = false;
    int32_t scale = 0;
    int32_t precision = 0;
    ParquetTimeUnit timestampUnit = ParquetTimeUnit::None;  // set for TIMESTAMP columns
    bool timestampUtc = false;

    // "a.b.c", for messages.
    QString dottedPath() const;
};

// The leaf columns of a file's schema, found by path.
class ParquetSchema {
public:
    // Builds the tree from the flattened, depth-first elements. False with `error` set when
    // the children counts do not make a tree, a leaf has no type, or nesting passes kMaxDepth.
    bool build(const std::vector<ParquetMetadata::SchemaElement>& elements, QString* error);

    const std::vector<ParquetColumnDescriptor>& columns() const { return m_columns; }
    // The index of the leaf at `path` (names below the root, whatever the root is called), or
    // -1 when the file has no such column.
    int find(const std::vector<std::string>& path) const;

    static constexpr int kMaxDepth = 100;

private:
    std::vector<ParquetColumnDescriptor> m_columns;
};

}  // namespace runlens
