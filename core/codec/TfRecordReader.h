#pragma once

#include <QString>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace runlens {

// TFRecord framing, as TensorBoard's event files use it (tensorboard/data/server/tf_record.rs):
//   uint64 length (LE) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
// No file header. Every CRC is checked.
struct TfRecordIssue {
    uint64_t offset = 0;  // file offset of the damaged record
    QString message;
};

struct TfRecordScan {
    uint64_t resumeOffset = 0;  // where the next read should start (a partial record waits there)
    bool partialTail = false;   // the file ends inside a record: it is being written
    bool stoppedAtDamage = false;  // only with stopAtDamage: resumeOffset is the damaged record
    std::vector<TfRecordIssue> issues;
};

// Reads the records of `bytes` (which start at file offset `baseOffset`), calling
// `onRecord(data, offset)` for each intact one. A record whose data CRC is wrong is skipped
// (its length was CRC-checked, so the next record is found); a length whose CRC is wrong
// starts a byte-by-byte search for the next intact record header. A record running past the
// end is one being written, unless the file is `settled` (no longer written): then it is
// damage, said, and the search for the next intact record starts after its header. Always
// advances: never loops. With `stopAtDamage` it says nothing of damage and stops before it.
TfRecordScan scanTfRecords(
    std::string_view bytes, uint64_t baseOffset,
    const std::function<void(std::string_view data, uint64_t offset)>& onRecord,
    bool settled = false, bool stopAtDamage = false);

// Scans the file at `path` from `offset` to its end as scanTfRecords() scans bytes, reading
// it a chunk at a time: a long run's event file is hundreds of MB, and read whole it cost as
// much memory, and zeroing that memory more CPU than parsing it. From a chunk that shows
// damage on, the rest of the file is read whole and scanned as before, so what is said of
// damage is the same. Returns false with `error` set when the file cannot be opened or read.
bool scanTfRecordFile(const std::string& path, uint64_t offset, bool settled,
                      const std::function<void(std::string_view data, uint64_t offset)>& onRecord,
                      TfRecordScan& scan, QString* error);

}  // namespace runlens
