#pragma once

#include <QString>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ParquetTypes.h"

namespace runlens {

// A Parquet file's footer (FileMetaData in parquet.thrift), the fields a reader needs. Fields
// not listed (SizeStatistics, encoding stats, bloom filters, page indexes, column orders,
// geospatial statistics, encryption) are skipped whatever their type.
struct ParquetMetadata {
    struct SchemaElement {  // parquet.thrift SchemaElement, field ids 1-10
        std::string name;
        int32_t type = -1;  // ParquetPhysicalType; -1 for a group
        int32_t typeLength = 0;
        int32_t repetition = -1;  // ParquetRepetition; -1 unset (the root)
        int32_t numChildren = 0;
        ParquetConvertedType convertedType = ParquetConvertedType::None;
        int32_t scale = 0;
        int32_t precision = 0;
        // LogicalType: which member of the union, and its parameters.
        ParquetLogicalType logicalType = ParquetLogicalType::None;
        int32_t logicalScale = 0;
        int32_t logicalPrecision = 0;
        ParquetTimeUnit logicalUnit = ParquetTimeUnit::None;
        bool logicalUtc = false;
        bool isGroup() const { return type < 0; }
    };

    // Statistics (field ids 1-6): min_value/max_value where the writer set them, else the
    // deprecated min/max (signed order), as PLAIN bytes without a length prefix.
    struct Statistics {
        bool hasMinMax = false;
        std::string min;
        std::string max;
        int64_t nullCount = -1;  // -1: not given
    };

    struct ColumnChunk {       // ColumnChunk and its ColumnMetaData
        std::string filePath;  // set when the data lies in another file
        int32_t type = -1;
        std::vector<std::string> path;
        ParquetCodec codec = ParquetCodec::Uncompressed;
        int64_t numValues = 0;
        int64_t totalUncompressedSize = 0;
        int64_t totalCompressedSize = 0;
        int64_t dataPageOffset = -1;
        int64_t dictionaryPageOffset = -1;  // -1: no dictionary page
        Statistics statistics;
    };

    struct RowGroup {
        std::vector<ColumnChunk> columns;
        int64_t numRows = 0;
    };

    int32_t version = 0;
    std::vector<SchemaElement> schema;  // depth-first, the root first
    int64_t numRows = 0;
    std::vector<RowGroup> rowGroups;
    std::vector<std::pair<std::string, std::string>> keyValues;
    std::string createdBy;

    // Decodes the Thrift compact bytes between the data and the footer's length. False with
    // `error` set (one sentence) when they are not a FileMetaData.
    static bool parse(std::string_view bytes, ParquetMetadata& out, QString* error);
};

}  // namespace runlens
