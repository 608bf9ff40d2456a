#pragma once

#include <QString>
#include <cstdint>
#include <string>
#include <vector>

#include "ParquetColumnData.h"
#include "ParquetColumnReader.h"
#include "ParquetMetadata.h"
#include "ParquetSchema.h"

namespace runlens {

// A Parquet file (parquet-format README, "File Format"): `PAR1`, column chunks, the footer
// (Thrift compact FileMetaData), its 4-byte little-endian length, `PAR1`. Opening reads only
// the footer; readColumn() reads one column of one row group, so a reader pays only for the
// columns it asks for. Local files are opened through LocalFiles (regular files only, never
// blocking) and read with pread; tests and fuzzing may hand the bytes in instead.
//
// Not read: encrypted files (`PARE`), chunks in other files, DELTA_* and BYTE_STREAM_SPLIT
// encodings, LZO/BROTLI/LZ4 pages; each is an error naming what it is.
class ParquetFile {
public:
    ParquetFile() = default;
    ~ParquetFile();
    ParquetFile(const ParquetFile&) = delete;
    ParquetFile& operator=(const ParquetFile&) = delete;

    // Opens `path` and reads its footer. False with `error` set (one sentence without the
    // file's name) when it is not a Parquet file RunLens can read.
    bool open(const QString& path, QString* error);
    bool openBytes(std::string bytes, QString* error);
    void close();

    ParquetReadLimits& limits() { return m_limits; }
    const ParquetMetadata& metadata() const { return m_metadata; }
    const ParquetSchema& schema() const { return m_schema; }
    uint64_t fileSize() const { return m_size; }

    int rowGroupCount() const { return int(m_metadata.rowGroups.size()); }
    int64_t rowCount(int rowGroup) const { return m_metadata.rowGroups[size_t(rowGroup)].numRows; }
    // The leaf at `path` (names below the root), or -1.
    int findColumn(const std::vector<std::string>& path) const { return m_schema.find(path); }
    const ParquetColumnDescriptor& column(int index) const {
        return m_schema.columns()[size_t(index)];
    }
    const ParquetMetadata::ColumnChunk& chunk(int rowGroup, int column) const {
        return m_metadata.rowGroups[size_t(rowGroup)].columns[size_t(column)];
    }

    // Reads leaf `column` of `rowGroup` into `out`. False with `error` set (naming the row
    // group and column) when its pages cannot be read; the file stays usable for other columns.
    bool readColumn(int rowGroup, int column, ParquetColumnData& out, QString* error);

private:
    bool readFooter(QString* error);
    bool readBytes(uint64_t offset, size_t count, std::string& out, QString* error);

    int m_fd = -1;
    std::string m_memory;
    bool m_inMemory = false;
    uint64_t m_size = 0;
    uint64_t m_dataEnd = 0;  // where the footer starts
    ParquetReadLimits m_limits;
    ParquetMetadata m_metadata;
    ParquetSchema m_schema;
    ParquetColumnReader m_reader;
    std::string m_chunk;
};

}  // namespace runlens
