#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "codec/Crc32c.h"

// Writes TensorBoard event records byte for byte as PyTorch's SummaryWriter does (an Event
// per scalar: wall_time, step, summary { value { tag, simple_value } }), for the tests and
// the benchmark generator. Protobuf wire format by hand: varints, fixed64/32, lengths.
namespace tfwriter {

inline void varint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out += char(v | 0x80);
        v >>= 7;
    }
    out += char(v);
}
inline void key(std::string& out, uint32_t field, uint32_t wire) {
    varint(out, (uint64_t(field) << 3) | wire);
}
inline void bytesField(std::string& out, uint32_t field, std::string_view bytes) {
    key(out, field, 2);
    varint(out, bytes.size());
    out.append(bytes);
}
inline void doubleField(std::string& out, uint32_t field, double v) {
    key(out, field, 1);
    char b[8];
    memcpy(b, &v, 8);
    out.append(b, 8);
}
inline void floatField(std::string& out, uint32_t field, float v) {
    key(out, field, 5);
    char b[4];
    memcpy(b, &v, 4);
    out.append(b, 4);
}

// TFRecord framing around one serialized Event.
inline void appendRecord(std::string& file, std::string_view event) {
    char header[12];
    const uint64_t len = event.size();
    memcpy(header, &len, 8);
    const uint32_t lenCrc = runlens::maskedCrc32c(header, 8);
    memcpy(header + 8, &lenCrc, 4);
    file.append(header, 12);
    file.append(event);
    const uint32_t dataCrc = runlens::maskedCrc32c(event.data(), event.size());
    file.append(reinterpret_cast<const char*>(&dataCrc), 4);
}

inline std::string fileVersionEvent(double wallTime) {
    std::string e;
    doubleField(e, 1, wallTime);
    bytesField(e, 3, "brain.Event:2");
    return e;
}

// An Event holding one Summary.Value (already serialized) at `step`.
inline std::string summaryEvent(double wallTime, int64_t step, std::string_view value) {
    std::string summary, e;
    bytesField(summary, 1, value);
    doubleField(e, 1, wallTime);
    key(e, 2, 0);
    varint(e, uint64_t(step));
    bytesField(e, 5, summary);
    return e;
}

inline std::string scalarEvent(double wallTime, int64_t step, std::string_view tag, float value) {
    std::string v;
    bytesField(v, 1, tag);
    floatField(v, 2, value);
    return summaryEvent(wallTime, step, v);
}

// An image summary value (Summary.Value.image = 4) whose payload must never be decoded.
inline std::string imageEvent(double wallTime, int64_t step, std::string_view tag) {
    std::string image, v;
    bytesField(image, 4, std::string(64, '\x89'));  // "encoded_image_string": opaque bytes
    bytesField(v, 1, tag);
    bytesField(v, 4, image);
    return summaryEvent(wallTime, step, v);
}

}  // namespace tfwriter
