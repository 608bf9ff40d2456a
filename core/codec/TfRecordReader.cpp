#include "TfRecordReader.h"

#include <unistd.h>

#include <sys/stat.h>
#include <algorithm>
#include <cstring>

#include "Crc32c.h"
#include "LocalFiles.h"

namespace runlens {

namespace {

constexpr size_t kHeader = 12;  // length + its CRC
constexpr size_t kFooter = 4;   // data CRC
// A serialized protobuf is under 2 GiB, so no event record reaches this: a "length" of it or
// more is garbage, whatever the file's state.
constexpr uint64_t kMaxRecord = uint64_t(1) << 31;
// Small enough that the records the kernel just copied are still in the core's L2 cache when
// their CRCs are checked and they are parsed (8 MB pieces cost ~3% more CPU).
constexpr size_t kChunk = size_t(256) << 10;

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
                           bool settled, bool stopAtDamage) {
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
        if (stopAtDamage && (!headerIsValid(header) || load64(header) >= kMaxRecord)) {
            scan.stoppedAtDamage = true;
            break;
        }
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
        const bool intact = maskedCrc32c(payload, len) == load32(payload + len);
        if (stopAtDamage && !intact) {
            scan.stoppedAtDamage = true;
            break;
        }
        if (!intact) {
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

bool scanTfRecordFile(const std::string& path, uint64_t offset, bool settled,
                      const std::function<void(std::string_view, uint64_t)>& onRecord,
                      TfRecordScan& scan, QString* error) {
    scan = TfRecordScan();
    scan.resumeOffset = offset;
    const int fd = openRegularFile(path, error);
    if (fd < 0) return false;
    struct stat st;
    const uint64_t end = fstat(fd, &st) == 0 ? uint64_t(st.st_size) : 0;
    thread_local std::string chunk;
    size_t want = kChunk;
    uint64_t pos = offset;
    while (pos < end) {
        const bool last = end - pos <= want;
        const ssize_t n = readUpTo(fd, pos, last ? size_t(end - pos) : want, chunk, error);
        if (n < 0) {
            close(fd);
            return false;
        }
        if (n == 0) break;
        const bool whole = last || uint64_t(n) < want;  // the file ends in this chunk
        const TfRecordScan part = scanTfRecords(std::string_view(chunk.data(), size_t(n)), pos,
                                                onRecord, settled && whole, !whole);
        scan.issues.insert(scan.issues.end(), part.issues.begin(), part.issues.end());
        scan.partialTail = part.partialTail;
        if (part.stoppedAtDamage) {
            // The old way from the damage on: its search for intact records needs the rest.
            std::string rest;
            if (!readFileFrom(path, part.resumeOffset, rest, error)) {
                close(fd);
                return false;
            }
            const TfRecordScan tail = scanTfRecords(rest, part.resumeOffset, onRecord, settled);
            scan.issues.insert(scan.issues.end(), tail.issues.begin(), tail.issues.end());
            scan.partialTail = tail.partialTail;
            pos = tail.resumeOffset;
            break;
        }
        // A record longer than the chunk: a chunk its size next.
        if (part.resumeOffset == pos && !whole) want *= 2;
        pos = part.resumeOffset;
        if (whole) break;
    }
    scan.resumeOffset = pos;
    close(fd);
    // A first read of a whole file leaves a chunk, not the file, with the thread.
    if (chunk.capacity() > kChunk) std::string().swap(chunk);
    return true;
}

}  // namespace runlens
