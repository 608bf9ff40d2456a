#pragma once

// A small Parquet writer for tests and benchmark generators only (RunLens itself never writes
// Parquet): flat and list columns, PLAIN or dictionary pages (with a fallback to PLAIN once the
// dictionary passes a bound, as Arrow does), data pages V1 or V2, SNAPPY, ZSTD, GZIP or none.
// Facts from parquet-format's parquet.thrift and Encodings.md; no statistics, no page index.

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parquettest {

// The Thrift compact protocol, the writing half.
class ThriftWriter {
public:
    std::string bytes;

    void beginStruct() { m_last.push_back(0); }
    void endStruct() {
        bytes += char(0);
        m_last.pop_back();
    }
    void i32(int16_t id, int64_t v) { field(id, 5), zigzag(v); }
    void i64(int16_t id, int64_t v) { field(id, 6), zigzag(v); }
    void boolean(int16_t id, bool v) { field(id, v ? 1 : 2); }
    void binary(int16_t id, std::string_view s) { field(id, 8), rawBinary(s); }
    void structField(int16_t id) { field(id, 12), beginStruct(); }
    void list(int16_t id, uint8_t elementType, size_t count) {
        field(id, 9);
        if (count < 15) {
            bytes += char((count << 4) | elementType);
        } else {
            bytes += char(0xf0 | elementType);
            varint(count);
        }
    }
    void rawBinary(std::string_view s) {
        varint(s.size());
        bytes.append(s);
    }
    void zigzag(int64_t v) { varint((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
    void varint(uint64_t v) {
        while (v >= 0x80) {
            bytes += char(v | 0x80);
            v >>= 7;
        }
        bytes += char(v);
    }

private:
    void field(int16_t id, uint8_t type) {
        const int delta = id - m_last.back();
        if (delta > 0 && delta <= 15) {
            bytes += char((delta << 4) | type);
        } else {
            bytes += char(type);
            zigzag(id);
        }
        m_last.back() = id;
    }
    std::vector<int16_t> m_last;
};

enum Physical { kBoolean = 0, kInt32 = 1, kInt64 = 2, kDouble = 5, kByteArray = 6, kFlba = 7 };
enum Codec { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };

// A schema element, flattened depth-first as in the footer.
struct Element {
    Element(std::string n, int t = -1, int r = 1, int c = 0, int length = 0, int conv = -1,
            int s = 0, int p = 0, int l = 0, int unit = 1)
        : name(std::move(n)),
          type(t),
          repetition(r),
          children(c),
          typeLength(length),
          converted(conv),
          scale(s),
          precision(p),
          logical(l),
          timeUnit(unit) {}
    std::string name;
    int type = -1;       // -1: a group
    int repetition = 1;  // 0 required, 1 optional, 2 repeated; -1 for the root
    int children = 0;
    int typeLength = 0;
    int converted = -1;  // ConvertedType
    int scale = 0, precision = 0;
    int logical = 0;   // LogicalType member: 1 STRING, 3 LIST, 5 DECIMAL, 8 TIMESTAMP
    int timeUnit = 1;  // TIMESTAMP: 1 MILLIS, 2 MICROS
};

// One column's entries in one row group: levels per entry, values for the present ones.
struct Chunk {
    explicit Chunk(int def = 1, int repetition = 0) : maxDef(def), maxRep(repetition) {}
    int maxDef = 1, maxRep = 0;
    std::vector<uint8_t> def, rep;  // empty when the max level is 0
    std::vector<int64_t> ints;      // BOOLEAN, INT32, INT64, and decimals (unscaled)
    std::vector<double> doubles;
    std::vector<std::string> strings;
};

struct ChunkOptions {
    Codec codec = kSnappy;
    bool dictionary = true;
    bool v2 = false;
    size_t entriesPerPage = 1 << 20;
    size_t maxDictionaryEntries = SIZE_MAX;  // past it, the rest of the chunk is PLAIN
};

class Writer {
public:
    explicit Writer(std::vector<Element> schema) : m_schema(std::move(schema)) {
        m_out = "PAR1";
        findLeaves();
    }

    void beginRowGroup(int64_t rows) {
        m_groups.push_back({rows, {}});
        m_numRows += rows;
    }

    // The next leaf's chunk of the current row group.
    void addChunk(const Chunk& c, const ChunkOptions& o = {}) {
        RowGroup& g = m_groups.back();
        const Element& e = m_schema[m_leaves[g.columns.size()].first];
        ColumnMeta meta;
        meta.type = e.type;
        meta.path = m_leaves[g.columns.size()].second;
        meta.codec = o.codec;
        const size_t entries = std::max(c.def.size(), std::max(c.rep.size(), valueCount(c)));
        meta.numValues = int64_t(entries);
        // Values in dictionary order while the dictionary stays within its bound.
        std::vector<std::string> plain = plainValues(c, e);
        std::unordered_map<std::string, uint32_t> dictionary;
        std::vector<std::string> dictionaryOrder;
        std::string pages;
        size_t value = 0;
        bool dictionaryOn = o.dictionary && e.type != kBoolean;
        for (size_t first = 0; first < entries;) {
            size_t end = std::min(entries, first + o.entriesPerPage);
            while (end < entries && !c.rep.empty() && c.rep[end] != 0)
                ++end;  // pages start at a row
            size_t present = 0;
            for (size_t i = first; i < end; ++i)
                present += c.def.empty() || c.def[i] == c.maxDef;
            std::vector<uint32_t> indices;
            if (dictionaryOn) {
                size_t added = 0;
                for (size_t k = value; k < value + present; ++k)
                    added += !dictionary.contains(plain[k]);
                if (dictionary.size() + added > o.maxDictionaryEntries) dictionaryOn = false;
            }
            std::string values;
            int encoding = 0;
            if (dictionaryOn) {
                for (size_t k = value; k < value + present; ++k) {
                    auto [it, inserted] = dictionary.emplace(plain[k], uint32_t(dictionary.size()));
                    if (inserted) dictionaryOrder.push_back(plain[k]);
                    indices.push_back(it->second);
                }
                values = dictionaryIndices(indices, dictionary.size());
                encoding = 8;
            } else if (e.type == kBoolean) {
                values = packBooleans(c.ints, value, present);
            } else {
                for (size_t k = value; k < value + present; ++k)
                    values += plain[k];
            }
            value += present;
            pages += dataPage(c, first, end, present, values, encoding, o);
            meta.encodings.push_back(encoding);
            first = end;
        }
        const int64_t start = int64_t(m_out.size());
        if (std::find(meta.encodings.begin(), meta.encodings.end(), 8) != meta.encodings.end()) {
            std::string dictionaryBytes;
            for (const std::string& v : dictionaryOrder)
                dictionaryBytes += v;
            meta.dictionaryOffset = start;
            m_out += page(2, dictionaryBytes, o.codec, [&](ThriftWriter& t) {
                t.structField(7);
                t.i32(1, int64_t(dictionaryOrder.size()));
                t.i32(2, 0);
                t.endStruct();
            });
        }
        meta.dataOffset = int64_t(m_out.size());
        m_out += pages;
        meta.totalSize = int64_t(m_out.size()) - start;
        g.columns.push_back(std::move(meta));
    }

    std::string finish(const std::string& createdBy = "runlens-tests") {
        ThriftWriter t;
        t.beginStruct();
        t.i32(1, 2);
        t.list(2, 12, m_schema.size());
        for (const Element& e : m_schema)
            writeElement(t, e);
        t.i64(3, m_numRows);
        t.list(4, 12, m_groups.size());
        for (const RowGroup& g : m_groups) {
            t.beginStruct();
            t.list(1, 12, g.columns.size());
            int64_t total = 0;
            for (const ColumnMeta& m : g.columns) {
                total += m.totalSize;
                t.beginStruct();
                t.i64(2, 0);
                t.structField(3);
                t.i32(1, m.type);
                t.list(2, 5, m.encodings.size());
                for (int enc : m.encodings)
                    t.zigzag(enc);
                t.list(3, 8, m.path.size());
                for (const std::string& p : m.path)
                    t.rawBinary(p);
                t.i32(4, m.codec);
                t.i64(5, m.numValues);
                t.i64(6, m.totalSize);
                t.i64(7, m.totalSize);
                t.i64(9, m.dataOffset);
                if (m.dictionaryOffset >= 0) t.i64(11, m.dictionaryOffset);
                t.endStruct();
                t.endStruct();
            }
            t.i64(2, total);
            t.i64(3, g.rows);
            t.endStruct();
        }
        t.binary(6, createdBy);
        t.endStruct();
        std::string out = std::move(m_out);
        out += t.bytes;
        const uint32_t length = uint32_t(t.bytes.size());
        out.append(reinterpret_cast<const char*>(&length), 4);
        out += "PAR1";
        return out;
    }

    static std::string compress(Codec codec, const std::string& in) {
        std::string out;
        switch (codec) {
            case kSnappy: {
                size_t n = snappy_max_compressed_length(in.size());
                out.resize(n);
                snappy_compress(in.data(), in.size(), out.data(), &n);
                out.resize(n);
                return out;
            }
            case kZstd: {
                out.resize(ZSTD_compressBound(in.size()));
                out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
                return out;
            }
            case kGzip: {
                z_stream z;
                memset(&z, 0, sizeof z);
                deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip framing
                out.resize(deflateBound(&z, uLong(in.size())) + 32);
                z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
                z.avail_in = uInt(in.size());
                z.next_out = reinterpret_cast<Bytef*>(out.data());
                z.avail_out = uInt(out.size());
                deflate(&z, Z_FINISH);
                out.resize(out.size() - z.avail_out);
                deflateEnd(&z);
                return out;
            }
            default:
                return in;
        }
    }

    // RLE runs of equal values (levels), without the length prefix.
    static std::string rleRuns(const std::vector<uint32_t>& values, int bitWidth) {
        std::string out;
        const int valueBytes = (bitWidth + 7) / 8;
        for (size_t i = 0; i < values.size();) {
            size_t j = i;
            while (j < values.size() && values[j] == values[i])
                ++j;
            ThriftWriter v;
            v.varint(uint64_t(j - i) << 1);
            out += v.bytes;
            for (int b = 0; b < valueBytes; ++b)
                out += char(values[i] >> (8 * b));
            i = j;
        }
        return out;
    }

    // One bit-packed run of all values (padded to a group of 8), without a prefix.
    static std::string bitPacked(const std::vector<uint32_t>& values, int bitWidth) {
        const size_t groups = (values.size() + 7) / 8;
        ThriftWriter v;
        v.varint((uint64_t(groups) << 1) | 1);
        std::string out = v.bytes;
        std::string packed(groups * size_t(bitWidth), '\0');
        uint64_t bit = 0;
        for (uint32_t value : values)
            for (int b = 0; b < bitWidth; ++b, ++bit)
                if (value >> b & 1) packed[bit >> 3] = char(packed[bit >> 3] | (1 << (bit & 7)));
        return out + packed;
    }

    static int bitWidth(size_t maxValue) {
        int w = 0;
        while (maxValue >> w)
            ++w;
        return w;
    }

private:
    struct ColumnMeta {
        int type = 0;
        std::vector<std::string> path;
        int codec = 0;
        std::vector<int> encodings;
        int64_t numValues = 0, totalSize = 0, dataOffset = 0, dictionaryOffset = -1;
    };
    struct RowGroup {
        int64_t rows;
        std::vector<ColumnMeta> columns;
    };

    static size_t valueCount(const Chunk& c) {
        return std::max(c.ints.size(), std::max(c.doubles.size(), c.strings.size()));
    }

    // The names from the root's child down to each leaf.
    void findLeaves() {
        std::vector<std::pair<std::string, int>> open{{"", m_schema[0].children}};
        for (size_t i = 1; i < m_schema.size(); ++i) {
            while (open.back().second == 0)
                open.pop_back();
            --open.back().second;
            if (m_schema[i].type < 0) {
                open.push_back({m_schema[i].name, m_schema[i].children});
                continue;
            }
            std::vector<std::string> path;
            for (size_t k = 1; k < open.size(); ++k)
                path.push_back(open[k].first);
            path.push_back(m_schema[i].name);
            m_leaves.push_back({i, path});
        }
    }

    static std::string plainOne(const Chunk& c, const Element& e, size_t k) {
        std::string v;
        switch (e.type) {
            case kBoolean:
                return std::string(1, char(c.ints[k] != 0));
            case kInt32: {
                const int32_t x = int32_t(c.ints[k]);
                return std::string(reinterpret_cast<const char*>(&x), 4);
            }
            case kInt64:
                return std::string(reinterpret_cast<const char*>(&c.ints[k]), 8);
            case kDouble:
                return std::string(reinterpret_cast<const char*>(&c.doubles[k]), 8);
            case kFlba:  // a decimal, big-endian two's complement
                for (int b = e.typeLength - 1; b >= 0; --b)
                    v += char(b >= 8 ? (c.ints[k] < 0 ? -1 : 0) : c.ints[k] >> (8 * b));
                return v;
            default: {
                const uint32_t n = uint32_t(c.strings[k].size());
                return std::string(reinterpret_cast<const char*>(&n), 4) + c.strings[k];
            }
        }
    }
    static std::vector<std::string> plainValues(const Chunk& c, const Element& e) {
        std::vector<std::string> out(valueCount(c));
        for (size_t k = 0; k < out.size(); ++k)
            out[k] = plainOne(c, e, k);
        return out;
    }
    static std::string packBooleans(const std::vector<int64_t>& v, size_t first, size_t count) {
        std::string out((count + 7) / 8, '\0');
        for (size_t i = 0; i < count; ++i)
            if (v[first + i]) out[i >> 3] = char(out[i >> 3] | (1 << (i & 7)));
        return out;
    }
    static std::string dictionaryIndices(const std::vector<uint32_t>& indices, size_t entries) {
        const int width = bitWidth(entries > 0 ? entries - 1 : 0);
        return std::string(1, char(width)) +
               (width == 0 ? std::string() : bitPacked(indices, width));
    }

    template <typename Header>
    static std::string page(int type, const std::string& body, Codec codec, Header header,
                            const std::string& rawPrefix = {}) {
        const std::string compressed = compress(codec, body);
        ThriftWriter t;
        t.beginStruct();
        t.i32(1, type);
        t.i32(2, int64_t(rawPrefix.size() + body.size()));
        t.i32(3, int64_t(rawPrefix.size() + compressed.size()));
        header(t);
        t.endStruct();
        return t.bytes + rawPrefix + compressed;
    }

    std::string dataPage(const Chunk& c, size_t first, size_t end, size_t present,
                         const std::string& values, int encoding, const ChunkOptions& o) {
        std::string levels[2];  // repetition, definition
        for (int which = 0; which < 2; ++which) {
            const std::vector<uint8_t>& source = which == 0 ? c.rep : c.def;
            const int max = which == 0 ? c.maxRep : c.maxDef;
            if (max == 0) continue;
            const std::vector<uint32_t> part(source.begin() + ptrdiff_t(first),
                                             source.begin() + ptrdiff_t(end));
            levels[which] = rleRuns(part, bitWidth(size_t(max)));
        }
        const int32_t count = int32_t(end - first);
        if (!o.v2) {
            std::string body;
            for (int which = 0; which < 2; ++which) {
                if ((which == 0 ? c.maxRep : c.maxDef) == 0) continue;
                const uint32_t n = uint32_t(levels[which].size());
                body.append(reinterpret_cast<const char*>(&n), 4);
                body += levels[which];
            }
            body += values;
            return page(0, body, o.codec, [&](ThriftWriter& t) {
                t.structField(5);
                t.i32(1, count);
                t.i32(2, encoding);
                t.i32(3, 3);
                t.i32(4, 3);
                t.endStruct();
            });
        }
        int32_t rows = 0;
        for (size_t i = first; i < end; ++i)
            rows += c.rep.empty() || c.rep[i] == 0;
        return page(
            3, values, o.codec,
            [&](ThriftWriter& t) {
                t.structField(8);
                t.i32(1, count);
                t.i32(2, count - int32_t(present));
                t.i32(3, rows);
                t.i32(4, encoding);
                t.i32(5, int64_t(levels[1].size()));
                t.i32(6, int64_t(levels[0].size()));
                t.endStruct();
            },
            levels[0] + levels[1]);
    }

    static void writeElement(ThriftWriter& t, const Element& e) {
        t.beginStruct();
        if (e.type >= 0) t.i32(1, e.type);
        if (e.typeLength > 0) t.i32(2, e.typeLength);
        if (e.repetition >= 0) t.i32(3, e.repetition);
        t.binary(4, e.name);
        if (e.children > 0) t.i32(5, e.children);
        if (e.converted >= 0) t.i32(6, e.converted);
        if (e.converted == 5) {
            t.i32(7, e.scale);
            t.i32(8, e.precision);
        }
        if (e.logical > 0) {
            t.structField(10);
            t.structField(int16_t(e.logical));
            if (e.logical == 5) {
                t.i32(1, e.scale);
                t.i32(2, e.precision);
            } else if (e.logical == 8) {
                t.boolean(1, true);
                t.structField(2);
                t.structField(int16_t(e.timeUnit));
                t.endStruct();
                t.endStruct();
            }
            t.endStruct();
            t.endStruct();
        }
        t.endStruct();
    }

    std::vector<Element> m_schema;
    std::vector<std::pair<size_t, std::vector<std::string>>> m_leaves;
    std::vector<RowGroup> m_groups;
    int64_t m_numRows = 0;
    std::string m_out;
};

}  // namespace parquettest
