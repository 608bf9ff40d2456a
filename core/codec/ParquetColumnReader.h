#pragma once

#include <QString>
#include <string>
#include <string_view>
#include <vector>

#include "ParquetColumnData.h"
#include "ParquetDecompressor.h"
#include "ParquetMetadata.h"
#include "ParquetPageHeader.h"
#include "ParquetSchema.h"

namespace runlens {

// Bounds that keep a hostile file's cost to an error, not memory.
struct ParquetReadLimits {
    size_t maxFooterBytes = size_t(64) << 20;
    size_t maxPageBytes = size_t(256) << 20;     // one page, decompressed
    int64_t maxChunkValues = int64_t(64) << 20;  // level entries of one column in a row group
    size_t maxChunkBytes = size_t(1) << 30;      // byte values of one column in a row group
};

// Decodes one column chunk: its dictionary page, then data pages V1 and V2, each PLAIN or
// dictionary-encoded (RLE_DICTIONARY, or PLAIN_DICTIONARY from older writers) and free to
// fall back from dictionary to PLAIN part-way (arrow-rs and Arrow C++ do once a dictionary
// grows too big), with RLE/bit-packed levels. Buffers are kept between chunks.
class ParquetColumnReader {
public:
    // `chunk`: the chunk's bytes, from its first page on.
    bool read(const ParquetColumnDescriptor& column, const ParquetMetadata::ColumnChunk& meta,
              std::string_view chunk, const ParquetReadLimits& limits, ParquetColumnData& out,
              QString* error);

private:
    bool readDictionaryPage(const ParquetPageHeader& page, std::string_view bytes);
    bool readDataPage(const ParquetPageHeader& page, std::string_view bytes);
    bool readLevels(const uint8_t* data, size_t size, int maxLevel, size_t count,
                    std::vector<uint8_t>& out);
    // The `count` values of a page (its non-null ones) into `m_dense*`.
    bool decodePlain(std::string_view data, size_t count, bool toDictionary);
    bool decodeDictionaryIndices(std::string_view data, size_t count);
    bool decodeRleBooleans(std::string_view data, size_t count);
    bool addBytes(std::string_view value, bool toDictionary);
    bool addDecimal(std::string_view bigEndian, std::vector<int64_t>& out);
    // Copies the page's dense values into its entries' slots from `first` on.
    void scatter(size_t first, size_t count, size_t present);
    bool fail(const QString& why);

    const ParquetColumnDescriptor* m_column = nullptr;
    const ParquetMetadata::ColumnChunk* m_meta = nullptr;
    const ParquetReadLimits* m_limits = nullptr;
    ParquetColumnData* m_out = nullptr;
    QString* m_error = nullptr;
    ParquetDecompressor m_decompressor;
    std::string m_page;
    bool m_hasDictionary = false;
    std::vector<int64_t> m_dictionaryInts;
    std::vector<double> m_dictionaryDoubles;
    std::vector<int64_t> m_denseInts;
    std::vector<double> m_denseDoubles;
    std::vector<uint32_t> m_denseIndices;
};

}  // namespace runlens
