#include "ParquetColumnReader.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "ParquetRleDecoder.h"

namespace runlens {

namespace {

using Storage = ParquetColumnData::Storage;

Storage storageOf(const ParquetColumnDescriptor& c) {
    switch (c.physicalType) {
        case ParquetPhysicalType::Float:
        case ParquetPhysicalType::Double:
            return Storage::Doubles;
        case ParquetPhysicalType::ByteArray:
        case ParquetPhysicalType::FixedLenByteArray:
            return c.isDecimal ? Storage::Ints : Storage::Bytes;
        case ParquetPhysicalType::Int96:
            return Storage::Bytes;
        default:
            return Storage::Ints;
    }
}

QString encodingName(ParquetEncoding e) {
    switch (e) {
        case ParquetEncoding::BitPacked:
            return QStringLiteral("BIT_PACKED");
        case ParquetEncoding::DeltaBinaryPacked:
            return QStringLiteral("DELTA_BINARY_PACKED");
        case ParquetEncoding::DeltaLengthByteArray:
            return QStringLiteral("DELTA_LENGTH_BYTE_ARRAY");
        case ParquetEncoding::DeltaByteArray:
            return QStringLiteral("DELTA_BYTE_ARRAY");
        case ParquetEncoding::ByteStreamSplit:
            return QStringLiteral("BYTE_STREAM_SPLIT");
        default:
            return QStringLiteral("encoding %1").arg(int(e));
    }
}

uint32_t readLe32(const char* p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

bool isDictionaryEncoding(ParquetEncoding e) {
    return e == ParquetEncoding::RleDictionary || e == ParquetEncoding::PlainDictionary;
}

}  // namespace

bool ParquetColumnReader::fail(const QString& why) {
    if (m_error) *m_error = why;
    return false;
}

bool ParquetColumnReader::read(const ParquetColumnDescriptor& column,
                               const ParquetMetadata::ColumnChunk& meta, std::string_view chunk,
                               const ParquetReadLimits& limits, ParquetColumnData& out,
                               QString* error) {
    m_column = &column;
    m_meta = &meta;
    m_limits = &limits;
    m_out = &out;
    m_error = error;
    m_hasDictionary = false;
    out.clear();
    out.storage = storageOf(column);
    out.maxDefinitionLevel = column.maxDefinitionLevel;
    if (meta.numValues < 0 || meta.numValues > limits.maxChunkValues)
        return fail(QStringLiteral("it claims %1 values in one row group, past the bound of %2")
                        .arg(meta.numValues)
                        .arg(limits.maxChunkValues));
    size_t pos = 0;
    bool seenData = false;
    while (out.size < size_t(meta.numValues)) {
        if (pos >= chunk.size())
            return fail(QStringLiteral("its pages end after %1 of its %2 values")
                            .arg(out.size)
                            .arg(meta.numValues));
        ParquetPageHeader page;
        size_t headerSize = 0;
        if (!ParquetPageHeader::parse(chunk.data() + pos, chunk.size() - pos, page, headerSize,
                                      error))
            return false;
        pos += headerSize;
        if (size_t(page.compressedSize) > chunk.size() - pos)
            return fail(QStringLiteral("a page is cut off (%1 of its %2 bytes are there)")
                            .arg(chunk.size() - pos)
                            .arg(page.compressedSize));
        const std::string_view bytes = chunk.substr(pos, size_t(page.compressedSize));
        pos += size_t(page.compressedSize);
        if (size_t(page.uncompressedSize) > limits.maxPageBytes)
            return fail(QStringLiteral("a page claims %1 bytes, past the bound of %2 MB")
                            .arg(page.uncompressedSize)
                            .arg(limits.maxPageBytes >> 20));
        if (page.type == ParquetPageType::DictionaryPage) {
            if (seenData || m_hasDictionary)
                return fail(QStringLiteral("it has a dictionary page after its first page"));
            if (!readDictionaryPage(page, bytes)) return false;
        } else if (page.type == ParquetPageType::DataPage ||
                   page.type == ParquetPageType::DataPageV2) {
            seenData = true;
            if (!readDataPage(page, bytes)) return false;
        }  // index pages and pages of later kinds are skipped
    }
    return true;
}

bool ParquetColumnReader::readDictionaryPage(const ParquetPageHeader& page,
                                             std::string_view bytes) {
    if (page.encoding != ParquetEncoding::Plain &&
        page.encoding != ParquetEncoding::PlainDictionary)
        return fail(QStringLiteral("its dictionary is in %1, which RunLens does not read")
                        .arg(encodingName(page.encoding)));
    if (page.numValues < 0 || size_t(page.numValues) > size_t(page.uncompressedSize) * 8)
        return fail(QStringLiteral("its dictionary claims %1 values in %2 bytes")
                        .arg(page.numValues)
                        .arg(page.uncompressedSize));
    if (!m_decompressor.decompress(m_meta->codec, bytes.data(), bytes.size(),
                                   size_t(page.uncompressedSize), m_page, m_error))
        return false;
    if (!decodePlain(m_page, size_t(page.numValues), true)) return false;
    m_hasDictionary = true;
    m_out->dictionarySize = m_out->poolSize();
    return true;
}

bool ParquetColumnReader::readLevels(const uint8_t* data, size_t size, int maxLevel, size_t count,
                                     std::vector<uint8_t>& out) {
    const size_t first = out.size();
    out.resize(first + count);
    ParquetRleDecoder decoder(data, size, ParquetRleDecoder::bitWidthFor(uint32_t(maxLevel)));
    if (!decoder.decode(out.data() + first, count))
        return fail(QStringLiteral("a page's levels end before its %1 values").arg(count));
    const uint8_t highest =
        count > 0 ? *std::max_element(out.begin() + ptrdiff_t(first), out.end()) : 0;
    if (highest > maxLevel)
        return fail(
            QStringLiteral("a page has level %1, past the column's %2").arg(highest).arg(maxLevel));
    return true;
}

bool ParquetColumnReader::readDataPage(const ParquetPageHeader& page, std::string_view bytes) {
    ParquetColumnData& out = *m_out;
    const size_t count = size_t(std::max(page.numValues, 0));
    if (page.numValues < 0 || count > size_t(m_meta->numValues) - out.size)
        return fail(QStringLiteral("a page holds more values than its column chunk"));
    const bool v2 = page.type == ParquetPageType::DataPageV2;
    const int maxDef = m_column->maxDefinitionLevel, maxRep = m_column->maxRepetitionLevel;
    std::string_view values;
    if (!v2) {
        if (!m_decompressor.decompress(m_meta->codec, bytes.data(), bytes.size(),
                                       size_t(page.uncompressedSize), m_page, m_error))
            return false;
        std::string_view rest = m_page;
        for (const auto& [max, encoding, levels] :
             {std::tuple{maxRep, page.repetitionLevelEncoding, &out.repetitionLevels},
              std::tuple{maxDef, page.definitionLevelEncoding, &out.definitionLevels}}) {
            if (max == 0) continue;
            if (encoding != ParquetEncoding::Rle)
                return fail(QStringLiteral("its levels are in %1, which RunLens does not read")
                                .arg(encodingName(encoding)));
            if (rest.size() < 4 || readLe32(rest.data()) > rest.size() - 4)
                return fail(QStringLiteral("a page's levels are cut off"));
            const size_t length = readLe32(rest.data());
            if (!readLevels(reinterpret_cast<const uint8_t*>(rest.data() + 4), length, max, count,
                            *levels))
                return false;
            rest.remove_prefix(4 + length);
        }
        values = rest;
    } else {
        const size_t repLength = size_t(std::max(page.repetitionLevelsLength, 0));
        const size_t defLength = size_t(std::max(page.definitionLevelsLength, 0));
        if (repLength + defLength > bytes.size() ||
            repLength + defLength > size_t(page.uncompressedSize))
            return fail(QStringLiteral("a page's levels are cut off"));
        const auto* raw = reinterpret_cast<const uint8_t*>(bytes.data());
        if (maxRep > 0 && !readLevels(raw, repLength, maxRep, count, out.repetitionLevels))
            return false;
        if (maxDef > 0 &&
            !readLevels(raw + repLength, defLength, maxDef, count, out.definitionLevels))
            return false;
        const std::string_view compressed = bytes.substr(repLength + defLength);
        const size_t expected = size_t(page.uncompressedSize) - repLength - defLength;
        if (page.valuesCompressed) {
            if (!m_decompressor.decompress(m_meta->codec, compressed.data(), compressed.size(),
                                           expected, m_page, m_error))
                return false;
            values = m_page;
        } else {
            values = compressed;
        }
    }
    const size_t first = out.size;
    size_t present = count;
    if (maxDef > 0)
        present = size_t(std::count(out.definitionLevels.begin() + ptrdiff_t(first),
                                    out.definitionLevels.end(), uint8_t(maxDef)));
    if (present > 0) {
        bool ok = false;
        if (isDictionaryEncoding(page.encoding))
            ok = decodeDictionaryIndices(values, present);
        else if (page.encoding == ParquetEncoding::Plain)
            ok = decodePlain(values, present, false);
        else if (page.encoding == ParquetEncoding::Rle &&
                 m_column->physicalType == ParquetPhysicalType::Boolean)
            ok = decodeRleBooleans(values, present);
        else
            return fail(QStringLiteral("its values are in %1, which RunLens does not read")
                            .arg(encodingName(page.encoding)));
        if (!ok) return false;
    }
    scatter(first, count, present);
    out.size += count;
    return true;
}

bool ParquetColumnReader::decodeDictionaryIndices(std::string_view data, size_t count) {
    if (!m_hasDictionary) return fail(QStringLiteral("a page uses a dictionary it does not have"));
    if (data.empty()) return fail(QStringLiteral("a page's dictionary indices are cut off"));
    const int bitWidth = uint8_t(data[0]);
    if (bitWidth > 32)
        return fail(QStringLiteral("a page's dictionary indices claim %1 bits").arg(bitWidth));
    m_denseIndices.resize(count);
    ParquetRleDecoder decoder(reinterpret_cast<const uint8_t*>(data.data() + 1), data.size() - 1,
                              bitWidth);
    if (!decoder.decode(m_denseIndices.data(), count))
        return fail(
            QStringLiteral("a page's dictionary indices end before its %1 values").arg(count));
    const size_t entries = m_out->storage == Storage::Ints      ? m_dictionaryInts.size()
                           : m_out->storage == Storage::Doubles ? m_dictionaryDoubles.size()
                                                                : m_out->dictionarySize;
    for (uint32_t index : m_denseIndices)
        if (index >= entries)
            return fail(QStringLiteral("a dictionary index (%1) is past the dictionary's %2 "
                                       "entries")
                            .arg(index)
                            .arg(entries));
    if (m_out->storage == Storage::Ints) {
        m_denseInts.resize(count);
        for (size_t i = 0; i < count; ++i)
            m_denseInts[i] = m_dictionaryInts[m_denseIndices[i]];
    } else if (m_out->storage == Storage::Doubles) {
        m_denseDoubles.resize(count);
        for (size_t i = 0; i < count; ++i)
            m_denseDoubles[i] = m_dictionaryDoubles[m_denseIndices[i]];
    }  // Bytes: the indices are pool entries already
    return true;
}

bool ParquetColumnReader::decodeRleBooleans(std::string_view data, size_t count) {
    if (data.size() < 4 || readLe32(data.data()) > data.size() - 4)
        return fail(QStringLiteral("a page's booleans are cut off"));
    m_denseIndices.resize(count);
    ParquetRleDecoder decoder(reinterpret_cast<const uint8_t*>(data.data() + 4),
                              readLe32(data.data()), 1);
    if (!decoder.decode(m_denseIndices.data(), count))
        return fail(QStringLiteral("a page's booleans end before its %1 values").arg(count));
    m_denseInts.assign(m_denseIndices.begin(), m_denseIndices.end());
    return true;
}

bool ParquetColumnReader::addBytes(std::string_view value, bool toDictionary) {
    ParquetColumnData& out = *m_out;
    if (out.poolBytes.size() + value.size() > m_limits->maxChunkBytes)
        return fail(QStringLiteral("its values in one row group pass the bound of %1 MB")
                        .arg(m_limits->maxChunkBytes >> 20));
    if (!toDictionary) m_denseIndices.push_back(uint32_t(out.poolSize()));
    out.poolBytes.append(value);
    out.poolOffsets.push_back(uint32_t(out.poolBytes.size()));
    return true;
}

// A DECIMAL in bytes: big-endian two's complement (parquet-format LogicalTypes.md), kept as its
// unscaled 64-bit value.
bool ParquetColumnReader::addDecimal(std::string_view bigEndian, std::vector<int64_t>& out) {
    const size_t n = bigEndian.size();
    const auto* b = reinterpret_cast<const uint8_t*>(bigEndian.data());
    if (n == 0) return out.push_back(0), true;
    const uint8_t extension = (b[n > 8 ? n - 8 : 0] & 0x80) ? 0xff : 0x00;
    for (size_t i = 0; i + 8 < n; ++i)
        if (b[i] != extension)
            return fail(QStringLiteral("a decimal value does not fit in 64 bits"));
    uint64_t v = (b[n > 8 ? n - 8 : 0] & 0x80) ? ~uint64_t(0) : 0;
    for (size_t i = n > 8 ? n - 8 : 0; i < n; ++i)
        v = (v << 8) | b[i];
    out.push_back(int64_t(v));
    return true;
}

bool ParquetColumnReader::decodePlain(std::string_view data, size_t count, bool toDictionary) {
    std::vector<int64_t>& ints = toDictionary ? m_dictionaryInts : m_denseInts;
    std::vector<double>& doubles = toDictionary ? m_dictionaryDoubles : m_denseDoubles;
    ints.clear();
    doubles.clear();
    if (!toDictionary) m_denseIndices.clear();
    const char* p = data.data();
    const size_t size = data.size();
    auto cut = [&] { return fail(QStringLiteral("a page ends before its %1 values").arg(count)); };
    switch (m_column->physicalType) {
        case ParquetPhysicalType::Boolean:
            if ((count + 7) / 8 > size) return cut();
            ints.resize(count);
            for (size_t i = 0; i < count; ++i)  // bit-packed, least significant bit first
                ints[i] = (uint8_t(p[i >> 3]) >> (i & 7)) & 1;
            return true;
        case ParquetPhysicalType::Int32:
            if (count * 4 > size) return cut();
            ints.resize(count);
            for (size_t i = 0; i < count; ++i) {
                int32_t v;
                memcpy(&v, p + 4 * i, 4);
                ints[i] = v;
            }
            return true;
        case ParquetPhysicalType::Int64:
            if (count * 8 > size) return cut();
            ints.resize(count);
            if (count > 0) memcpy(ints.data(), p, count * 8);
            return true;
        case ParquetPhysicalType::Float:
            if (count * 4 > size) return cut();
            doubles.resize(count);
            for (size_t i = 0; i < count; ++i) {
                float v;
                memcpy(&v, p + 4 * i, 4);
                doubles[i] = v;
            }
            return true;
        case ParquetPhysicalType::Double:
            if (count * 8 > size) return cut();
            doubles.resize(count);
            if (count > 0) memcpy(doubles.data(), p, count * 8);
            return true;
        case ParquetPhysicalType::ByteArray: {
            size_t pos = 0;
            for (size_t i = 0; i < count; ++i) {
                if (size - pos < 4) return cut();
                const uint32_t length = readLe32(p + pos);
                pos += 4;
                if (length > size - pos) return cut();
                const std::string_view value(p + pos, length);
                pos += length;
                if (!(m_column->isDecimal ? addDecimal(value, ints)
                                          : addBytes(value, toDictionary)))
                    return false;
            }
            return true;
        }
        case ParquetPhysicalType::FixedLenByteArray:
        case ParquetPhysicalType::Int96: {
            const size_t width = m_column->physicalType == ParquetPhysicalType::Int96
                                     ? 12
                                     : size_t(m_column->typeLength);
            if (count > size / width) return cut();
            for (size_t i = 0; i < count; ++i) {
                const std::string_view value(p + i * width, width);
                if (!(m_column->isDecimal ? addDecimal(value, ints)
                                          : addBytes(value, toDictionary)))
                    return false;
            }
            return true;
        }
    }
    return fail(QStringLiteral("its type is unknown"));
}

void ParquetColumnReader::scatter(size_t first, size_t count, size_t present) {
    ParquetColumnData& out = *m_out;
    const size_t end = first + count;
    const uint8_t maxDef = uint8_t(m_column->maxDefinitionLevel);
    const uint8_t* def = out.definitionLevels.empty() ? nullptr : out.definitionLevels.data();
    auto place = [&](auto& target, auto& dense) {
        if (present == count && first == 0 && dense.size() == count) {
            target.swap(dense);  // a chunk's only page, every value present: no copy
            return;
        }
        target.resize(end);
        if (present == count) {
            std::copy(dense.begin(), dense.begin() + ptrdiff_t(count),
                      target.begin() + ptrdiff_t(first));
            return;
        }
        size_t j = 0;
        for (size_t i = first; i < end; ++i)
            if (def[i] == maxDef) target[i] = dense[j++];
    };
    if (out.storage == Storage::Ints)
        place(out.ints, m_denseInts);
    else if (out.storage == Storage::Doubles)
        place(out.doubles, m_denseDoubles);
    else
        place(out.indices, m_denseIndices);
}

}  // namespace runlens
