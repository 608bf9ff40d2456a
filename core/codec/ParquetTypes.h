#pragma once

#include <cstdint>

namespace runlens {

// The enums of Parquet's parquet.thrift (apache/parquet-format), with the numbers files carry.

enum class ParquetPhysicalType : int32_t {
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,
    Int96 = 3,
    Float = 4,
    Double = 5,
    ByteArray = 6,
    FixedLenByteArray = 7,
};

enum class ParquetRepetition : int32_t { Required = 0, Optional = 1, Repeated = 2 };

// ConvertedType, the annotation older writers (and DuckDB on strings and lists) use alone.
enum class ParquetConvertedType : int32_t {
    None = -1,
    Utf8 = 0,
    Map = 1,
    MapKeyValue = 2,
    List = 3,
    Enum = 4,
    Decimal = 5,
    Date = 6,
    TimeMillis = 7,
    TimeMicros = 8,
    TimestampMillis = 9,
    TimestampMicros = 10,
    Int64 = 18,
    Json = 19,
};

// The LogicalType union's member ids.
enum class ParquetLogicalType : int32_t {
    None = 0,
    String = 1,
    Map = 2,
    List = 3,
    Enum = 4,
    Decimal = 5,
    Date = 6,
    Time = 7,
    Timestamp = 8,
    Integer = 10,
    Unknown = 11,
    Json = 12,
    Bson = 13,
    Uuid = 14,
};

enum class ParquetTimeUnit : int32_t { None = 0, Millis = 1, Micros = 2, Nanos = 3 };

enum class ParquetEncoding : int32_t {
    Plain = 0,
    PlainDictionary = 2,
    Rle = 3,
    BitPacked = 4,
    DeltaBinaryPacked = 5,
    DeltaLengthByteArray = 6,
    DeltaByteArray = 7,
    RleDictionary = 8,
    ByteStreamSplit = 9,
};

enum class ParquetCodec : int32_t {
    Uncompressed = 0,
    Snappy = 1,
    Gzip = 2,
    Lzo = 3,
    Brotli = 4,
    Lz4 = 5,
    Zstd = 6,
    Lz4Raw = 7,
};

enum class ParquetPageType : int32_t {
    DataPage = 0,
    IndexPage = 1,
    DictionaryPage = 2,
    DataPageV2 = 3,
};

}  // namespace runlens
