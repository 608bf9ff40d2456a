#include "WandbLog.h"

#include <zlib.h>

#include <cstring>
#include <string>

namespace runlens {

namespace {
constexpr size_t kBlock = 32768;
constexpr size_t kHeader = 7;
enum : uint8_t { kFull = 1, kFirst = 2, kMiddle = 3, kLast = 4 };
}  // namespace

WandbLogScan scanWandbLog(
    std::string_view bytes,
    const std::function<void(std::string_view record, size_t offset)>& onRecord) {
    WandbLogScan scan;
    if (bytes.size() < 7 || bytes.substr(0, 4) != ":W&B" || uint8_t(bytes[4]) != 0xe1 ||
        uint8_t(bytes[5]) != 0xbe) {
        scan.partialTail = bytes.size() < 7 && std::string_view(":W&B").starts_with(bytes.substr(
                                                   0, std::min<size_t>(bytes.size(), 4)));
        if (!scan.partialTail) scan.issues << QStringLiteral("does not start with W&B's header");
        return scan;
    }
    scan.headerOk = true;
    std::string joined;
    bool joining = false;
    size_t joinedFrom = 0;  // offset of the FIRST piece
    size_t pos = 7;
    while (pos < bytes.size()) {
        const size_t left = kBlock - pos % kBlock;
        if (left < kHeader) {  // the rest of the block is padding
            pos += left;
            continue;
        }
        if (bytes.size() - pos < kHeader) {
            scan.partialTail = true;
            break;
        }
        const auto* h = reinterpret_cast<const uint8_t*>(bytes.data() + pos);
        uint32_t checksum;
        memcpy(&checksum, h, 4);
        const size_t length = size_t(h[4]) | size_t(h[5]) << 8;
        const uint8_t type = h[6];
        if (type == 0 && length == 0 && checksum == 0) {  // zeros: preallocated, not written yet
            scan.partialTail = true;
            break;
        }
        if (kHeader + length > left) {
            scan.issues << QStringLiteral(
                               "record at offset %1 claims more than its block; the "
                               "rest of the block was skipped")
                               .arg(pos);
            pos += left;
            joining = false;
            continue;
        }
        if (bytes.size() - pos - kHeader < length) {
            scan.partialTail = true;
            break;
        }
        const std::string_view payload = bytes.substr(pos + kHeader, length);
        uLong crc = crc32(0L, h + 6, 1);
        crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), uInt(length));
        pos += kHeader + length;
        if (uint32_t(crc) != checksum) {
            scan.issues << QStringLiteral(
                               "record at offset %1 is damaged (CRC mismatch); it was "
                               "skipped")
                               .arg(pos - kHeader - length);
            joining = false;
            continue;
        }
        switch (type) {
            case kFull:
                joining = false;
                ++scan.records;
                onRecord(payload, pos - kHeader - length);
                break;
            case kFirst:
                joined.assign(payload);
                joining = true;
                joinedFrom = pos - kHeader - length;
                break;
            case kMiddle:
                if (joining) joined.append(payload);
                break;
            case kLast:
                if (joining) {
                    joined.append(payload);
                    ++scan.records;
                    onRecord(joined, joinedFrom);
                }
                joining = false;
                break;
            default:
                scan.issues << QStringLiteral(
                                   "record at offset %1 has unknown type %2; it was "
                                   "skipped")
                                   .arg(pos - kHeader - length)
                                   .arg(type);
                joining = false;
        }
    }
    if (joining) scan.partialTail = true;
    return scan;
}

}  // namespace runlens
