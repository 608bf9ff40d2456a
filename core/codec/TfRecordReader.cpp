#include "TfRecordReader.h"

#include <cstring>

#include "Crc32c.h"

namespace runlens {

namespace {

constexpr size_t kHeader = 12;  // length + its CRC
constexpr size_t kFooter = 4;   // data CRC
// A serialized protobuf is under 2 GiB, so no event record reaches this: a "length" of it or
// more is garbage, whatever the file's state.
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

// The next position from `from` whose header and data both check out, or npos.
size_t findIntactRecord(const char* data, size_t size, size_t from) {
    for (size_t probe = from; probe + kHeader <= size; ++probe) {
        if (!headerIsValid(data + probe)) continue;
        const uint64_t len = load64(data + probe);
        if (len >= kMaxRecord || probe + kHeader + len + kFooter > size) continue;
        if (maskedCrc32c(data + probe + kHeader, len) != load32(data + probe + kHeader + len))
            continue;
        return probe;
    }
    return std::string_view::npos;
}

// What was skipped from `damaged` (a file offset) to the next intact record, in words.
QString skippedText(size_t next, size_t damagedPos, size_t size) {
    return next != std::string_view::npos
               ? QStringLiteral("%1 bytes were skipped").arg(next - damagedPos)
               : QStringLiteral("the rest of the file (%1 bytes) holds no intact record")
                     .arg(size - damagedPos);
}

}  // namespace

TfRecordScan scanTfRecords(std::string_view bytes, uint64_t baseOffset,
                           const std::function<void(std::string_view, uint64_t)>& onRecord,
                           bool settled) {
    TfRecordScan scan;
    size_t pos = 0;
    const size_t size = bytes.size();
    const char* data = bytes.data();
    while (pos < size) {
        if (size - pos < kHeader) {
            if (settled) {
                scan.issues.push_back(
                    {baseOffset + pos,
                     QStringLiteral("the file ends %1 bytes into a record header at offset %2 "
                                    "and is no longer written; the record is cut short")
                         .arg(size - pos)
                         .arg(baseOffset + pos)});
                pos = size;
                break;
            }
            scan.partialTail = true;
            break;
        }
        const char* header = data + pos;
        if (!headerIsValid(header)) {
            // Lost framing: look for the next position whose header and data both check out.
            const size_t damaged = pos;
            const size_t next = findIntactRecord(data, size, pos + 1);
            scan.issues.push_back(
                {baseOffset + damaged,
                 QStringLiteral("record header at offset %1 is damaged (CRC mismatch); %2")
                     .arg(baseOffset + damaged)
                     .arg(skippedText(next, damaged, size))});
            if (next == std::string_view::npos) {
                pos = size;
                break;
            }
            pos = next;
            continue;
        }
        const uint64_t len = load64(header);
        const bool tooLong = len >= kMaxRecord;
        const bool pastEnd = !tooLong && pos + kHeader + len + kFooter > size;
        if (pastEnd && !settled) {
            scan.partialTail = true;  // being written: resume here next time
            break;
        }
        if (tooLong || pastEnd) {
            // A length no record has, or past the end of a file no longer written: damage.
            // The framing may go on after it (a bit flip caught by a colliding CRC, a record
            // cut off and written again after it), so search on from past its header.
            const size_t next = findIntactRecord(data, size, pos + kHeader);
            scan.issues.push_back(
                {baseOffset + pos,
                 QStringLiteral("record at offset %1 claims %2 bytes, %3; %4")
                     .arg(baseOffset + pos)
                     .arg(len)
                     .arg(tooLong ? QStringLiteral("more than any event record holds")
                                  : QStringLiteral("past the end of a file no longer written"))
                     .arg(skippedText(next, pos, size))});
            if (next == std::string_view::npos) {
                pos = size;
                break;
            }
            pos = next;
            continue;
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
