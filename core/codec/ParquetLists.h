#pragma once

#include <QString>
#include <cstdint>
#include <vector>

#include "ParquetColumnData.h"
#include "ParquetSchema.h"

namespace runlens {

// The rows of a column below one repeated field (a LIST's `element`, Parquet's 3-level lists):
// which entries of the column each row's elements are, and for a row without elements how far
// down its path values were present, which tells a null list (or a null struct above it) from
// an empty one. Lists of lists (two repeated fields) are not assembled.
struct ParquetLists {
    std::vector<uint32_t> begin;      // rows + 1: row r's entries are [begin[r], begin[r + 1])
    std::vector<uint8_t> firstLevel;  // the definition level of each row's first entry
    int elementLevel = 0;             // entries at this level or deeper are elements

    bool build(const ParquetColumnDescriptor& column, const ParquetColumnData& data,
               QString* error);

    size_t rows() const { return firstLevel.size(); }
    size_t elementCount(size_t row) const {
        return firstLevel[row] >= elementLevel ? begin[row + 1] - begin[row] : 0;
    }
    // True when the node whose definition level is `level` (ParquetColumnDescriptor::nodes) is
    // null in `row`: for a LIST group, a null list rather than an empty one.
    bool isNullAt(size_t row, int level) const { return firstLevel[row] < level; }
};

}  // namespace runlens
