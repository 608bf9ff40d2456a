#include "ParquetRleDecoder.h"

#include <algorithm>
#include <cstring>

namespace runlens {

int ParquetRleDecoder::bitWidthFor(uint32_t maxValue) {
    int bits = 0;
    while (maxValue) {
        ++bits;
        maxValue >>= 1;
    }
    return bits;
}

bool ParquetRleDecoder::nextRun() {
    while (m_data < m_end) {
        uint64_t header = 0;
        int shift = 0;
        for (;;) {
            if (m_data >= m_end || shift > 35) return false;
            const uint8_t b = *m_data++;
            header |= uint64_t(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80)) break;
        }
        if (header & 1) {
            // Bit-packed: (header >> 1) groups of 8. A writer may leave the last group short
            // of its padding at the end of the data; what is there is still read.
            const uint64_t bytes = (header >> 1) * uint64_t(m_bitWidth);
            const uint64_t available = std::min<uint64_t>(bytes, uint64_t(m_end - m_data));
            m_isPacked = true;
            m_packed = m_data;
            m_bitOffset = 0;
            m_left = std::min<uint64_t>((header >> 1) * 8, available * 8 / uint64_t(m_bitWidth));
            m_data += available;
        } else {
            const int valueBytes = (m_bitWidth + 7) / 8;
            if (m_end - m_data < valueBytes) return false;
            uint32_t value = 0;
            for (int i = 0; i < valueBytes; ++i)
                value |= uint32_t(m_data[i]) << (8 * i);
            m_data += valueBytes;
            m_isPacked = false;
            m_value = value;
            m_left = header >> 1;
        }
        if (m_left > 0) return true;
    }
    return false;
}

template <typename Value>
bool ParquetRleDecoder::decode(Value* out, size_t count) {
    if (m_bitWidth == 0) {
        std::fill(out, out + count, Value(0));
        return true;
    }
    const uint64_t mask = m_bitWidth >= 32 ? 0xffffffffull : (1ull << m_bitWidth) - 1;
    while (count > 0) {
        if (m_left == 0 && !nextRun()) return false;
        const size_t n = size_t(std::min<uint64_t>(count, m_left));
        if (!m_isPacked) {
            std::fill(out, out + n, Value(m_value));
        } else {
            // m_left values lie from m_bitOffset on; each spans at most 5 bytes (32 bits at a
            // shift of 7), so one 8-byte load covers it where 8 bytes remain.
            const uint8_t* packedEnd = m_data;
            for (size_t i = 0; i < n; ++i) {
                const uint8_t* p = m_packed + (m_bitOffset >> 3);
                uint64_t word = 0;
                if (packedEnd - p >= 8)
                    memcpy(&word, p, 8);
                else
                    memcpy(&word, p, size_t(packedEnd - p));
                out[i] = Value((word >> (m_bitOffset & 7)) & mask);
                m_bitOffset += uint64_t(m_bitWidth);
            }
        }
        out += n;
        count -= n;
        m_left -= n;
    }
    return true;
}

template bool ParquetRleDecoder::decode<uint8_t>(uint8_t*, size_t);
template bool ParquetRleDecoder::decode<uint32_t>(uint32_t*, size_t);

}  // namespace runlens
