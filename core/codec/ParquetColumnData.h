#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

// The values of one leaf column in one row group. One slot per level entry, nulls included
// (a null keeps its slot, holding 0), so entry i of every flat column of a row group is row i.
// Below a repeated field an entry is a list element, or the one entry of a null or empty list;
// ParquetLists turns the levels into rows.
struct ParquetColumnData {
    enum class Storage {
        Ints,     // BOOLEAN (0/1), INT32, INT64; DECIMAL as its unscaled value, whatever its type
        Doubles,  // FLOAT, DOUBLE
        Bytes,    // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96: an entry of `pool` per value
    };

    Storage storage = Storage::Ints;
    int maxDefinitionLevel = 0;
    size_t size = 0;
    std::vector<uint8_t> definitionLevels;  // empty when every entry is present
    std::vector<uint8_t> repetitionLevels;  // empty unless below a repeated field
    std::vector<int64_t> ints;
    std::vector<double> doubles;
    std::vector<uint32_t> indices;  // Bytes: the pool entry of each slot
    // Byte values: entry k is poolBytes[poolOffsets[k] .. poolOffsets[k + 1]). The first
    // `dictionarySize` entries are the chunk's dictionary, so the entries of a dictionary-encoded
    // column stand for its distinct values (compare indices, not bytes).
    std::string poolBytes;
    std::vector<uint32_t> poolOffsets{0};
    size_t dictionarySize = 0;

    bool isNull(size_t i) const {
        return !definitionLevels.empty() && definitionLevels[i] != maxDefinitionLevel;
    }
    size_t poolSize() const { return poolOffsets.size() - 1; }
    std::string_view poolEntry(size_t k) const {
        return std::string_view(poolBytes).substr(poolOffsets[k],
                                                  poolOffsets[k + 1] - poolOffsets[k]);
    }
    std::string_view bytes(size_t i) const { return poolEntry(indices[i]); }

    void clear() {
        size = 0;
        dictionarySize = 0;
        definitionLevels.clear();
        repetitionLevels.clear();
        ints.clear();
        doubles.clear();
        indices.clear();
        poolBytes.clear();
        poolOffsets.assign(1, 0);
    }
};

}  // namespace runlens
