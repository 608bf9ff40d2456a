#pragma once

#include <QString>
#include <QStringList>
#include <functional>
#include <string_view>
#include <vector>

namespace runlens {

// The framing of a W&B `.wandb` file (../shared/FORMATS.md; wandb core's pkg/leveldb): a
// 7-byte header (":W&B", 0xBEE1, version 0), then LevelDB-log records in 32 KiB blocks, each
// with a 7-byte header (CRC-32 of type and payload, length, type FULL/FIRST/MIDDLE/LAST);
// FIRST..LAST pieces join into one payload (a `Record` protobuf).
struct WandbLogScan {
    bool headerOk = false;
    size_t records = 0;
    bool partialTail = false;  // a record cut off at the end: being written, or a crash
    QStringList issues;        // damaged records, one sentence each
};

// Calls `onRecord` with each whole record and the file offset of its first piece.
WandbLogScan scanWandbLog(
    std::string_view bytes,
    const std::function<void(std::string_view record, size_t offset)>& onRecord);

}  // namespace runlens
