#include "ParquetFile.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "LocalFiles.h"

namespace runlens {

ParquetFile::~ParquetFile() {
    close();
}

void ParquetFile::close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_memory.clear();
    m_inMemory = false;
    m_size = m_dataEnd = 0;
    m_metadata = {};
    m_schema = {};
}

bool ParquetFile::open(const QString& path, QString* error) {
    close();
    m_fd = openRegularFile(toLocalPath(path), error);
    if (m_fd < 0) return false;
    struct stat st;
    if (fstat(m_fd, &st) != 0) {
        if (error)
            *error = QStringLiteral("cannot stat: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        close();
        return false;
    }
    m_size = uint64_t(st.st_size);
    if (!readFooter(error)) {
        close();
        return false;
    }
    return true;
}

bool ParquetFile::openBytes(std::string bytes, QString* error) {
    close();
    m_memory = std::move(bytes);
    m_inMemory = true;
    m_size = m_memory.size();
    if (!readFooter(error)) {
        close();
        return false;
    }
    return true;
}

bool ParquetFile::readBytes(uint64_t offset, size_t count, std::string& out, QString* error) {
    if (!m_inMemory) return readAt(m_fd, offset, count, out, error);
    if (offset > m_size || count > m_size - offset) {
        if (error) *error = QStringLiteral("ends before byte %1").arg(offset + count);
        return false;
    }
    out.assign(m_memory, size_t(offset), count);
    return true;
}

bool ParquetFile::readFooter(QString* error) {
    // `PAR1` ... footer, 4-byte length, `PAR1` (an encrypted footer ends in `PARE`).
    if (m_size < 12) {
        if (error)
            *error = QStringLiteral("is too short to be a Parquet file (%1 bytes)").arg(m_size);
        return false;
    }
    std::string head, tail;
    if (!readBytes(0, 4, head, error) || !readBytes(m_size - 8, 8, tail, error)) return false;
    if (tail.compare(4, 4, "PARE") == 0) {
        if (error) *error = QStringLiteral("is an encrypted Parquet file; it was not read");
        return false;
    }
    if (head != "PAR1" || tail.compare(4, 4, "PAR1") != 0) {
        if (error)
            *error = head == "PAR1" ? QStringLiteral(
                                          "does not end in PAR1: it is cut off (or "
                                          "still being written)")
                                    : QStringLiteral(
                                          "does not start with PAR1: it is not a "
                                          "Parquet file");
        return false;
    }
    uint32_t footerLength;
    memcpy(&footerLength, tail.data(), 4);
    if (uint64_t(footerLength) > m_size - 12) {
        if (error)
            *error = QStringLiteral("its footer is cut off (it claims %1 bytes in a file of %2)")
                         .arg(footerLength)
                         .arg(m_size);
        return false;
    }
    if (footerLength > m_limits.maxFooterBytes) {
        if (error)
            *error = QStringLiteral("its footer claims %1 bytes, past the bound of %2 MB")
                         .arg(footerLength)
                         .arg(m_limits.maxFooterBytes >> 20);
        return false;
    }
    m_dataEnd = m_size - 8 - footerLength;
    std::string footer;
    if (!readBytes(m_dataEnd, footerLength, footer, error)) return false;
    if (!ParquetMetadata::parse(footer, m_metadata, error)) return false;
    if (!m_schema.build(m_metadata.schema, error)) return false;
    const size_t leaves = m_schema.columns().size();
    for (size_t g = 0; g < m_metadata.rowGroups.size(); ++g) {
        const auto& group = m_metadata.rowGroups[g];
        if (group.columns.size() != leaves || group.numRows < 0) {
            if (error)
                *error = QStringLiteral("row group %1 has %2 columns where its schema has %3")
                             .arg(g)
                             .arg(group.columns.size())
                             .arg(leaves);
            return false;
        }
    }
    return true;
}

bool ParquetFile::readColumn(int rowGroup, int column, ParquetColumnData& out, QString* error) {
    const ParquetColumnDescriptor& descriptor = this->column(column);
    const ParquetMetadata::ColumnChunk& meta = chunk(rowGroup, column);
    QString why;
    auto fail = [&](const QString& reason) {
        if (error)
            *error = QStringLiteral("row group %1, column %2: %3")
                         .arg(rowGroup)
                         .arg(descriptor.dottedPath(), reason);
        out.clear();
        return false;
    };
    if (!meta.filePath.empty())
        return fail(QStringLiteral("its data lies in another file (%1), which is not read")
                        .arg(QString::fromStdString(meta.filePath)));
    if (meta.type != int32_t(descriptor.physicalType))
        return fail(QStringLiteral("its metadata gives it type %1 where the schema says %2")
                        .arg(meta.type)
                        .arg(int(descriptor.physicalType)));
    // The chunk starts at its dictionary page if it has one (before the first data page).
    int64_t start = meta.dataPageOffset;
    if (meta.dictionaryPageOffset > 0 && meta.dictionaryPageOffset < start)
        start = meta.dictionaryPageOffset;
    if (start < 4 || meta.totalCompressedSize < 0 || uint64_t(start) > m_dataEnd ||
        uint64_t(meta.totalCompressedSize) > m_dataEnd - uint64_t(start))
        return fail(QStringLiteral("its pages (%1 bytes at %2) lie outside the file's data")
                        .arg(meta.totalCompressedSize)
                        .arg(start));
    if (!readBytes(uint64_t(start), size_t(meta.totalCompressedSize), m_chunk, &why))
        return fail(why);
    if (!m_reader.read(descriptor, meta, m_chunk, m_limits, out, &why)) return fail(why);
    // A flat column has an entry per row; below a repeated field, a row starts at level 0.
    const int64_t rows =
        descriptor.maxRepetitionLevel == 0
            ? int64_t(out.size)
            : int64_t(std::count(out.repetitionLevels.begin(), out.repetitionLevels.end(), 0));
    if (rows != rowCount(rowGroup))
        return fail(QStringLiteral("it holds %1 rows where its row group has %2")
                        .arg(rows)
                        .arg(rowCount(rowGroup)));
    return true;
}

}  // namespace runlens
