#pragma once

#include <cstddef>
#include <cstdint>

namespace runlens {

// Parquet's RLE / bit-packing hybrid (parquet-format Encodings.md): runs, each a varint header
// whose low bit says bit-packed (groups of 8 values, `bitWidth` bytes a group, least significant
// bit first) or repeated (one value in ceil(bitWidth / 8) little-endian bytes). Used for
// definition and repetition levels, dictionary indices and RLE booleans.
class ParquetRleDecoder {
public:
    // `bitWidth` 0..32; with 0 every value is 0 and no byte is read.
    ParquetRleDecoder(const uint8_t* data, size_t size, int bitWidth)
        : m_data(data), m_end(data + size), m_bitWidth(bitWidth) {}

    // The next `count` values into `out` (uint8_t for levels, uint32_t for indices); false
    // when the data ends before them or a run header is malformed. Values wider than the
    // output type are cut to it: levels (bit width 8 at most) are checked by the caller.
    template <typename Value>
    bool decode(Value* out, size_t count);

    // Bits needed for values up to `maxValue` (0 for 0).
    static int bitWidthFor(uint32_t maxValue);

private:
    bool nextRun();

    const uint8_t* m_data;
    const uint8_t* m_end;
    int m_bitWidth;
    // The current run: repeated `m_value` or bit-packed from `m_packed`.
    bool m_isPacked = false;
    uint64_t m_left = 0;  // values left in the run
    uint32_t m_value = 0;
    const uint8_t* m_packed = nullptr;
    uint64_t m_bitOffset = 0;
};

}  // namespace runlens
