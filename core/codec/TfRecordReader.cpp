#include "TfRecordReader.h"

#include <cstring>

#include "Crc32c.h"

namespace runlens {

namespace {

constexpr size_t kHeader = 12;  // length + its CRC
constexpr size_t kFooter = 4;   // data CRC
// No event file holds a record this large; a "length" past it is garbage.
constexpr uint64_t kMaxRecord = uint64_t(1) << 31;

uint32_t load32(const char* p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

uint64_t load64(const char* p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

bool headerIsValid(const char* p) {
    return maskedCrc32c(p, 8) == load32(p + 8);
}

}  // namespace

TfRecordScan scanTfRecords(std::string_view bytes, uint64_t baseOffset,
                           const std::function<void(std::string_view, uint64_t)>& onRecord) {
    TfRecordScan scan;
    size_t pos = 0;
    const size_t size = bytes.size();
    const char* data = bytes.data();
    while (pos < size) {
        if (size - pos < kHeader) {
            scan.partialTail = true;
            break;
        }
        const char* header = data + pos;
        if (!headerIsValid(header)) {
            // Lost framing: look for the next position whose header and data both check out.
            const size_t damaged = pos;
            size_t probe = pos + 1;
            bool found = false;
            for (; probe + kHeader <= size; ++probe) {
                if (!headerIsValid(data + probe)) continue;
                const uint64_t len = load64(data + probe);
                if (len > kMaxRecord || probe + kHeader + len + kFooter > size) continue;
                if (maskedCrc32c(data + probe + kHeader, len) !=
                    load32(data + probe + kHeader + len))
                    continue;
                found = true;
                break;
            }
            scan.issues.push_back({baseOffset + damaged,
                                   found ? QStringLiteral("record header at offset %1 is damaged "
                                                          "(CRC mismatch); %2 bytes were skipped")
                                               .arg(baseOffset + damaged)
                                               .arg(probe - damaged)
                                         : QStringLiteral("record header at offset %1 is damaged "
                                                          "(CRC mismatch); the rest of the file "
                                                          "(%2 bytes) holds no intact record")
                                               .arg(baseOffset + damaged)
                                               .arg(size - damaged)});
            if (!found) {
                pos = size;
                break;
            }
            pos = probe;
            continue;
        }
        const uint64_t len = load64(header);
        if (len > kMaxRecord) {
            scan.issues.push_back(
                {baseOffset + pos,
                 QStringLiteral("record at offset %1 claims %2 bytes; the rest of "
                                "the file was skipped")
                     .arg(baseOffset + pos)
                     .arg(len)});
            pos = size;
            break;
        }
        if (pos + kHeader + len + kFooter > size) {
            scan.partialTail = true;  // being written: resume here next time
            break;
        }
        const char* payload = header + kHeader;
        if (maskedCrc32c(payload, len) != load32(payload + len)) {
            scan.issues.push_back(
                {baseOffset + pos,
                 QStringLiteral(
                     "record at offset %1 is damaged (data CRC mismatch); it was skipped")
                     .arg(baseOffset + pos)});
        } else {
            onRecord(std::string_view(payload, size_t(len)), baseOffset + pos);
        }
        pos += kHeader + len + kFooter;
    }
    scan.resumeOffset = baseOffset + pos;
    return scan;
}

}  // namespace runlens
