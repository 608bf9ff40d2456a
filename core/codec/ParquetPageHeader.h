#pragma once

#include <QString>
#include <cstdint>

#include "ParquetTypes.h"

namespace runlens {

// One page's header (parquet.thrift PageHeader with its DataPageHeader, DictionaryPageHeader
// or DataPageHeaderV2); statistics and CRCs are skipped.
struct ParquetPageHeader {
    ParquetPageType type = ParquetPageType::IndexPage;
    int32_t uncompressedSize = -1;
    int32_t compressedSize = -1;
    int32_t numValues = -1;
    ParquetEncoding encoding = ParquetEncoding::Plain;
    ParquetEncoding definitionLevelEncoding = ParquetEncoding::Rle;
    ParquetEncoding repetitionLevelEncoding = ParquetEncoding::Rle;
    // DATA_PAGE_V2 only: the levels lie uncompressed before the values.
    int32_t numNulls = 0;
    int32_t definitionLevelsLength = 0;
    int32_t repetitionLevelsLength = 0;
    bool valuesCompressed = true;

    // Reads a header from `data`; `headerSize` is set to the bytes it took. False with
    // `error` set when the bytes are not one (or it lacks its sizes).
    static bool parse(const char* data, size_t size, ParquetPageHeader& out, size_t& headerSize,
                      QString* error);
};

}  // namespace runlens
