#pragma once

#include <QString>
#include <string>

#include "ParquetTypes.h"

struct ZSTD_DCtx_s;

namespace runlens {

// Decompresses Parquet pages: SNAPPY (raw, unframed), ZSTD and GZIP (Debian's libsnappy,
// libzstd and zlib), UNCOMPRESSED. A page inflates to exactly the size its header states, and
// that size was bounded by the caller: a page that would inflate further fails here instead of
// taking memory.
class ParquetDecompressor {
public:
    ParquetDecompressor();
    ~ParquetDecompressor();
    ParquetDecompressor(const ParquetDecompressor&) = delete;
    ParquetDecompressor& operator=(const ParquetDecompressor&) = delete;

    // Fills `out` with the `expectedSize` bytes that `in` holds compressed with `codec`.
    bool decompress(ParquetCodec codec, const char* in, size_t inSize, size_t expectedSize,
                    std::string& out, QString* error);

    static QString codecName(ParquetCodec codec);

private:
    ZSTD_DCtx_s* m_zstd = nullptr;
};

}  // namespace runlens
