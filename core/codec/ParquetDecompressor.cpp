#include "ParquetDecompressor.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
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

// Inflates a gzip (or zlib) stream into `out`, growing it with what comes out and never past
// `expected` bytes: a page header's size is only believed as far as the data bears it out.
bool gunzip(const char* in, size_t inSize, size_t expected, std::string& out, QString* error) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) {  // 32: a gzip or a zlib header
        if (error) *error = QStringLiteral("zlib could not start");
        return false;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in));
    z.avail_in = uInt(inSize);
    size_t produced = 0;
    int rc = Z_OK;
    out.resize(std::min(expected, inSize * 4 + 4096));
    for (;;) {
        z.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        z.avail_out = uInt(out.size() - produced);
        rc = inflate(&z, Z_NO_FLUSH);
        produced = out.size() - z.avail_out;
        if (rc != Z_OK || z.avail_out != 0) break;
        if (out.size() == expected) {
            // Full: anything still to come inflates past the page's stated size.
            char probe;
            z.next_out = reinterpret_cast<Bytef*>(&probe);
            z.avail_out = 1;
            rc = inflate(&z, Z_NO_FLUSH);
            if (z.avail_out == 0) {
                inflateEnd(&z);
                if (error) *error = inflatesPast(expected);
                return false;
            }
            break;
        }
        out.resize(std::min(expected, out.size() * 2));
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END) {
        if (error)
            *error = QStringLiteral("a GZIP page is damaged (%1)")
                         .arg(QString::fromLatin1(z.msg ? z.msg : "cut off"));
        return false;
    }
    if (produced != expected) {
        if (error)
            *error = QStringLiteral("a GZIP page holds %1 bytes, not the %2 its header states")
                         .arg(produced)
                         .arg(expected);
        return false;
    }
    out.resize(produced);
    return true;
}

}  // namespace

bool ParquetDecompressor::decompress(ParquetCodec codec, const char* in, size_t inSize,
                                     size_t expectedSize, std::string& out, QString* error) {
    // Each codec checks the size its data holds before `out` takes the header's.
    switch (codec) {
        case ParquetCodec::Uncompressed:
            if (inSize != expectedSize) {
                if (error)
                    *error = QStringLiteral("an uncompressed page holds %1 bytes, not %2")
                                 .arg(inSize)
                                 .arg(expectedSize);
                return false;
            }
            out.assign(in, inSize);
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
            out.resize(expectedSize);
            size_t produced = expectedSize;
            if (snappy_uncompress(in, inSize, out.data(), &produced) != SNAPPY_OK ||
                produced != expectedSize) {
                if (error) *error = QStringLiteral("a SNAPPY page is damaged");
                return false;
            }
            return true;
        }
        case ParquetCodec::Zstd: {
            const unsigned long long content = ZSTD_getFrameContentSize(in, inSize);
            if (content == ZSTD_CONTENTSIZE_ERROR) {
                if (error) *error = QStringLiteral("a ZSTD page is damaged");
                return false;
            }
            if (content != ZSTD_CONTENTSIZE_UNKNOWN && content > expectedSize) {
                if (error) *error = inflatesPast(expectedSize);
                return false;
            }
            if (!m_zstd) m_zstd = ZSTD_createDCtx();
            out.resize(expectedSize);
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
            return gunzip(in, inSize, expectedSize, out, error);
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
