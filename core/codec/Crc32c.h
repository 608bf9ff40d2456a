#pragma once

#include <cstddef>
#include <cstdint>

namespace runlens {

// CRC-32C (Castagnoli), as TFRecord framing uses it (tensorboard/data/server/masked_crc.rs).
// Uses the CPU's crc32 instruction where there is one (SSE 4.2), a table otherwise.
uint32_t crc32c(const void* data, size_t size);
uint32_t crc32cPortable(const void* data, size_t size);
bool crc32cHasHardware();

// TFRecord stores CRCs "masked": ((crc >> 15) | (crc << 17)) + 0xA282EAD8.
inline uint32_t maskCrc(uint32_t crc) {
    return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
}
inline uint32_t maskedCrc32c(const void* data, size_t size) {
    return maskCrc(crc32c(data, size));
}

}  // namespace runlens
