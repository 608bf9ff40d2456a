#pragma once

#include <QMap>
#include <QString>
#include <QVariant>
#include <optional>
#include <string_view>
#include <vector>

namespace runlens {

// Decoding of TensorBoard's Event protos (tensorboard/compat/proto/event.proto, summary.proto,
// tensor.proto; hparams: tensorboard/plugins/hparams/plugin_data.proto, api.proto). Views
// point into the record's bytes; nothing is copied until a value is kept.

struct EventView {
    double wallTime = 0;  // seconds; 0 when absent
    int64_t step = 0;
    std::string_view summary;     // field 5
    int sessionLogStatus = 0;     // field 7: 1 START, 2 STOP, 3 CHECKPOINT
    bool hasFileVersion = false;  // field 3
    bool hasGraph = false;        // fields 4, 9 (graph_def, meta_graph_def): skipped
};

struct SummaryValueView {
    std::string_view tag;
    std::optional<float> simpleValue;  // field 2
    std::string_view metadata;         // field 9, SummaryMetadata
    std::string_view tensor;           // field 8, TensorProto
    const char* legacyKind = nullptr;  // "images", "histograms", "audio" for fields 4, 5, 6
};

struct SummaryMetadataView {
    std::string_view pluginName;
    std::string_view pluginContent;
    int dataClass = 0;  // 1 SCALAR, 2 TENSOR, 3 BLOB_SEQUENCE
};

// False if the bytes are not a well-formed Event.
bool decodeEvent(std::string_view bytes, EventView& out);
// The shape PyTorch's add_scalar and TF1's scalar summaries write for nearly every record,
// byte for byte: wall_time (field 1), step (2), then a summary (5) of one value holding a tag
// (1) and a simple_value (2), nothing else and in that order. Fills what decodeEvent() and
// decodeSummaryValue() would fill from such bytes; false for anything else, which those then
// read (the fast path of a first open: the general walk costs about twice as much).
inline bool decodeScalarEvent(std::string_view bytes, EventView& event, SummaryValueView& value);
// Calls `onValue` for each Summary.value; false if the summary is malformed.
template <class F>
bool forEachSummaryValue(std::string_view summary, F&& onValue);
bool decodeSummaryValue(std::string_view bytes, SummaryValueView& out);
bool decodeSummaryMetadata(std::string_view bytes, SummaryMetadataView& out);

// The number in a rank-0 TensorProto of float, double, half, bfloat16 or an integer type,
// from *_val fields or tensor_content; nothing for other shapes and types.
std::optional<double> scalarFromTensor(std::string_view tensorProto);

// hparams plugin content (HParamsPluginData).
struct HParamsMetric {
    QString group;
    QString tag;
    QString displayName;
};
struct HParamsData {
    bool hasExperiment = false;
    std::vector<HParamsMetric> metrics;  // Experiment.metric_infos
    QStringList hparamNames;             // Experiment.hparam_infos
    bool hasSessionStart = false;
    QMap<QString, QVariant> hparams;  // double, QString, bool or null QVariant
    QString groupName;
    double startTimeSecs = 0;
    bool hasSessionEnd = false;
    int endStatus = 0;  // 1 SUCCESS, 2 FAILURE, 3 RUNNING
    double endTimeSecs = 0;
};
// False if malformed; fills the parts present.
bool decodeHParamsPluginData(std::string_view content, HParamsData& out);

}  // namespace runlens

#include <cstring>

#include "codec/ProtoReader.h"

template <class F>
bool runlens::forEachSummaryValue(std::string_view summary, F&& onValue) {
    ProtoReader r(summary);
    while (r.next()) {
        if (r.field() != 1 || r.wireType() != ProtoReader::LengthDelimited) continue;
        SummaryValueView value;
        if (!decodeSummaryValue(r.bytes(), value)) return false;
        onValue(value);
    }
    return r.ok();
}

inline bool runlens::decodeScalarEvent(std::string_view bytes, EventView& event,
                                       SummaryValueView& value) {
    // Keys: (field << 3) | wire type.
    constexpr uint8_t kWallTime = 0x09, kStep = 0x10, kSummary = 0x2a, kValue = 0x0a, kTag = 0x0a,
                      kSimpleValue = 0x15;
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    const auto* end = p + bytes.size();
    if (end - p < 9 || p[0] != kWallTime) return false;
    memcpy(&event.wallTime, p + 1, 8);
    p += 9;
    // Lengths here take one byte: read inline, the rest by varintAt().
    auto varint = [&](uint64_t& out) {
        if (p < end && *p < 0x80) {
            out = *p++;
            return true;
        }
        return ProtoReader::varintAt(p, end, out);
    };
    uint64_t step = 0, summaryLength = 0, valueLength = 0, tagLength = 0;
    if (p == end || *p++ != kStep || !ProtoReader::varintAt(p, end, step)) return false;
    if (p == end || *p++ != kSummary || !varint(summaryLength) ||
        summaryLength != uint64_t(end - p))
        return false;
    event.step = int64_t(step);
    event.summary = std::string_view(reinterpret_cast<const char*>(p), size_t(summaryLength));
    if (p == end || *p++ != kValue || !varint(valueLength) || valueLength != uint64_t(end - p))
        return false;
    if (p == end || *p++ != kTag || !varint(tagLength) || uint64_t(end - p) < 5 ||
        tagLength != uint64_t(end - p) - 5 || p[tagLength] != kSimpleValue)
        return false;
    value.tag = std::string_view(reinterpret_cast<const char*>(p), size_t(tagLength));
    float simple;
    memcpy(&simple, p + tagLength + 1, 4);
    value.simpleValue = simple;
    return true;
}
