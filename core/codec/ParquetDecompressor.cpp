#include "ParquetDecompressor.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <cstring>

namespace runlens {

ParquetDecompressor::ParquetDecompressor() = default;

ParquetDecompressor::~ParquetDecompressor() {
    if (m_zstd) ZSTD_freeDCtx(m_zstd);
}

QString ParquetDecompressor::codecName(ParquetCodec codec) {
    switch (codec) {
        case ParquetCodec::Uncompressed:
            return QStringLiteral("UNCOMPRESSED");
        case ParquetCodec::Snappy:
            return QStringLiteral("SNAPPY");
        case ParquetCodec::Gzip:
            return QStringLiteral("GZIP");
        case ParquetCodec::Lzo:
            return QStringLiteral("LZO");
        case ParquetCodec::Brotli:
            return QStringLiteral("BROTLI");
        case ParquetCodec::Lz4:
            return QStringLiteral("LZ4");
        case ParquetCodec::Zstd:
            return QStringLiteral("ZSTD");
        case ParquetCodec::Lz4Raw:
            return QStringLiteral("LZ4_RAW");
    }
    return QStringLiteral("codec %1").arg(int(codec));
}

namespace {

QString inflatesPast(size_t expected) {
    return QStringLiteral("a page inflates past the %1 bytes its header states").arg(expected);
}

bool gunzip(const char* in, size_t inSize, std::string& out, QString* error) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) {  // 32: a gzip or a zlib header
        if (error) *error = QStringLiteral("zlib could not start");
        return false;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    z.avail_in = uInt(inSize);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    int rc = inflate(&z, Z_FINISH);
    const size_t produced = out.size() - z.avail_out;
    inflateEnd(&z);
    if (rc == Z_BUF_ERROR && z.avail_out == 0) {
        if (error) *error = inflatesPast(out.size());
        return false;
    }
    if (rc != Z_STREAM_END) {
        if (error)
            *error = QStringLiteral("a GZIP page is damaged (%1)")
                         .arg(QString::fromLatin1(z.msg ? z.msg : "cut off"));
        return false;
    }
    if (produced != out.size()) {
        if (error)
            *error = QStringLiteral("a GZIP page holds %1 bytes, not the %2 its header states")
                         .arg(produced)
                         .arg(out.size());
        return false;
    }
    return true;
}

}  // namespace

bool ParquetDecompressor::decompress(ParquetCodec codec, const char* in, size_t inSize,
                                     size_t expectedSize, std::string& out, QString* error) {
    out.resize(expectedSize);
    switch (codec) {
        case ParquetCodec::Uncompressed:
            if (inSize != expectedSize) {
                if (error)
                    *error = QStringLiteral("an uncompressed page holds %1 bytes, not %2")
                                 .arg(inSize)
                                 .arg(expectedSize);
                return false;
            }
            memcpy(out.data(), in, inSize);
            return true;
        case ParquetCodec::Snappy: {
            size_t length = 0;
            if (snappy_uncompressed_length(in, inSize, &length) != SNAPPY_OK) {
                if (error) *error = QStringLiteral("a SNAPPY page is damaged");
                return false;
            }
            if (length != expectedSize) {
                if (error)
                    *error = length > expectedSize ? inflatesPast(expectedSize)
                                                   : QStringLiteral(
                                                         "a SNAPPY page holds %1 bytes, not the %2 "
                                                         "its header states")
                                                         .arg(length)
                                                         .arg(expectedSize);
                return false;
            }
            size_t produced = expectedSize;
            if (snappy_uncompress(in, inSize, out.data(), &produced) != SNAPPY_OK ||
                produced != expectedSize) {
                if (error) *error = QStringLiteral("a SNAPPY page is damaged");
                return false;
            }
            return true;
        }
        case ParquetCodec::Zstd: {
            if (!m_zstd) m_zstd = ZSTD_createDCtx();
            const size_t produced =
                ZSTD_decompressDCtx(m_zstd, out.data(), expectedSize, in, inSize);
            if (ZSTD_isError(produced)) {
                if (error)
                    *error = ZSTD_getErrorCode(produced) == ZSTD_error_dstSize_tooSmall
                                 ? inflatesPast(expectedSize)
                                 : QStringLiteral("a ZSTD page is damaged (%1)")
                                       .arg(QString::fromLatin1(ZSTD_getErrorName(produced)));
                return false;
            }
            if (produced != expectedSize) {
                if (error)
                    *error = QStringLiteral(
                                 "a ZSTD page holds %1 bytes, not the %2 its header "
                                 "states")
                                 .arg(produced)
                                 .arg(expectedSize);
                return false;
            }
            return true;
        }
        case ParquetCodec::Gzip:
            return gunzip(in, inSize, out, error);
        default:
            if (error)
                *error = QStringLiteral(
                             "its pages are compressed with %1, which RunLens does not "
                             "read (SNAPPY, ZSTD and GZIP are read)")
                             .arg(codecName(codec));
            return false;
    }
}

}  // namespace runlens
