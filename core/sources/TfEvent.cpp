#include "TfEvent.h"

#include <cmath>
#include <cstring>

#include "codec/ProtoReader.h"

namespace runlens {

bool decodeEvent(std::string_view bytes, EventView& out) {
    ProtoReader r(bytes);
    while (r.next()) {
        switch (r.field()) {
            case 1:
                if (r.wireType() == ProtoReader::Fixed64) out.wallTime = r.fixedDouble();
                break;
            case 2:
                if (r.wireType() == ProtoReader::Varint) out.step = r.int64();
                break;
            case 3:
                out.hasFileVersion = true;
                break;
            case 4:
            case 9:
                out.hasGraph = true;
                break;
            case 5:
                if (r.wireType() == ProtoReader::LengthDelimited) out.summary = r.bytes();
                break;
            case 7:
                if (r.wireType() == ProtoReader::LengthDelimited) {
                    ProtoReader log(r.bytes());  // SessionLog: status=1
                    while (log.next())
                        if (log.field() == 1 && log.wireType() == ProtoReader::Varint)
                            out.sessionLogStatus = log.int32();
                    if (!log.ok()) return false;
                }
                break;
            default:
                break;
        }
    }
    return r.ok();
}

bool decodeSummaryValue(std::string_view bytes, SummaryValueView& out) {
    ProtoReader r(bytes);
    while (r.next()) {
        switch (r.field()) {
            case 1:
                out.tag = r.bytes();
                break;
            case 2:
                if (r.wireType() == ProtoReader::Fixed32) out.simpleValue = r.fixedFloat();
                break;
            case 4:
                out.legacyKind = "images";
                break;
            case 5:
                out.legacyKind = "histograms";
                break;
            case 6:
                out.legacyKind = "audio";
                break;
            case 8:
                out.tensor = r.bytes();
                break;
            case 9:
                out.metadata = r.bytes();
                break;
            default:
                break;
        }
    }
    return r.ok();
}

bool decodeSummaryMetadata(std::string_view bytes, SummaryMetadataView& out) {
    ProtoReader r(bytes);
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == ProtoReader::LengthDelimited) {
            ProtoReader plugin(r.bytes());  // PluginData: plugin_name=1, content=2
            while (plugin.next()) {
                if (plugin.field() == 1)
                    out.pluginName = plugin.bytes();
                else if (plugin.field() == 2)
                    out.pluginContent = plugin.bytes();
            }
            if (!plugin.ok()) return false;
        } else if (r.field() == 4 && r.wireType() == ProtoReader::Varint) {
            out.dataClass = r.int32();
        }
    }
    return r.ok();
}

namespace {

// DataType (tensorflow/core/framework/types.proto)
enum DataType {
    DtFloat = 1,
    DtDouble = 2,
    DtInt32 = 3,
    DtUint8 = 4,
    DtInt16 = 5,
    DtInt8 = 6,
    DtInt64 = 9,
    DtBool = 10,
    DtBfloat16 = 14,
    DtUint16 = 17,
    DtHalf = 19,
    DtUint32 = 22,
    DtUint64 = 23
};

double halfToDouble(uint16_t h) {
    const int exponent = (h >> 10) & 0x1F;
    const int mantissa = h & 0x3FF;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (exponent == 0) return sign * std::ldexp(mantissa, -24);
    if (exponent == 31) return mantissa ? std::nan("") : sign * INFINITY;
    return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

double bfloat16ToDouble(uint16_t b) {
    const uint32_t bits = uint32_t(b) << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

double fromBits(int dtype, uint64_t raw) {
    switch (dtype) {
        case DtHalf:
            return halfToDouble(uint16_t(raw));
        case DtBfloat16:
            return bfloat16ToDouble(uint16_t(raw));
        case DtUint8:
        case DtUint16:
        case DtUint32:
        case DtUint64:
            return double(raw);
        case DtBool:
            return raw ? 1.0 : 0.0;
        default:
            return double(int64_t(raw));
    }
}

// The single element of a repeated numeric field, packed or not.
struct Element {
    int count = 0;
    uint64_t raw = 0;
};

void collect(const ProtoReader& r, int width, Element& e) {
    if (r.wireType() == ProtoReader::LengthDelimited) {  // packed
        const std::string_view b = r.bytes();
        const auto* p = reinterpret_cast<const uint8_t*>(b.data());
        const auto* end = p + b.size();
        if (width == 0) {
            uint64_t v;
            while (p < end && ProtoReader::varintAt(p, end, v))
                e.raw = v, ++e.count;
        } else {
            for (; end - p >= width; p += width) {
                e.raw = 0;
                memcpy(&e.raw, p, size_t(width));
                ++e.count;
            }
        }
    } else {
        e.raw = r.varint();
        ++e.count;
    }
}

}  // namespace

std::optional<double> scalarFromTensor(std::string_view tensorProto) {
    ProtoReader r(tensorProto);
    int dtype = 0;
    int nonUnitDims = 0;  // a shape of [] or [1, 1] holds one value
    std::string_view content;
    Element floats, doubles, ints, int64s, halves, bools, uints;
    while (r.next()) {
        switch (r.field()) {
            case 1:
                dtype = r.int32();
                break;
            case 2: {
                ProtoReader shape(r.bytes());  // TensorShapeProto: dim=2
                while (shape.next())
                    if (shape.field() == 2) {
                        ProtoReader dim(shape.bytes());
                        int64_t size = 1;
                        while (dim.next())
                            if (dim.field() == 1) size = dim.int64();
                        if (size != 1) ++nonUnitDims;
                    }
                break;
            }
            case 4:
                content = r.bytes();
                break;
            case 5:
                collect(r, 4, floats);
                break;
            case 6:
                collect(r, 8, doubles);
                break;
            case 7:
                collect(r, 0, ints);
                break;
            case 10:
                collect(r, 0, int64s);
                break;
            case 11:
                collect(r, 0, bools);
                break;
            case 13:
                collect(r, 0, halves);
                break;
            case 16:
            case 17:
                collect(r, 0, uints);
                break;
            default:
                break;
        }
    }
    if (!r.ok() || nonUnitDims != 0) return std::nullopt;
    if (!content.empty()) {
        int width = 0;
        switch (dtype) {
            case DtFloat:
            case DtInt32:
            case DtUint32:
                width = 4;
                break;
            case DtDouble:
            case DtInt64:
            case DtUint64:
                width = 8;
                break;
            case DtHalf:
            case DtBfloat16:
            case DtInt16:
            case DtUint16:
                width = 2;
                break;
            case DtInt8:
            case DtUint8:
            case DtBool:
                width = 1;
                break;
            default:
                return std::nullopt;
        }
        if (content.size() != size_t(width)) return std::nullopt;
        uint64_t raw = 0;
        memcpy(&raw, content.data(), size_t(width));
        if (dtype == DtFloat) {
            float f;
            memcpy(&f, &raw, 4);
            return f;
        }
        if (dtype == DtDouble) {
            double d;
            memcpy(&d, &raw, 8);
            return d;
        }
        if (dtype == DtInt32) return double(int32_t(raw));
        if (dtype == DtInt16) return double(int16_t(raw));
        if (dtype == DtInt8) return double(int8_t(raw));
        return fromBits(dtype, raw);
    }
    auto single = [](const Element& e) { return e.count == 1; };
    if (dtype == DtFloat && single(floats)) {
        float f;
        const auto bits = uint32_t(floats.raw);
        memcpy(&f, &bits, 4);
        return f;
    }
    if (dtype == DtDouble && single(doubles)) {
        double d;
        memcpy(&d, &doubles.raw, 8);
        return d;
    }
    if ((dtype == DtHalf || dtype == DtBfloat16) && single(halves))
        return fromBits(dtype, halves.raw);
    if ((dtype == DtInt32 || dtype == DtInt16 || dtype == DtInt8 || dtype == DtUint8 ||
         dtype == DtUint16) &&
        single(ints))
        return double(int32_t(ints.raw));
    if (dtype == DtInt64 && single(int64s)) return double(int64_t(int64s.raw));
    if ((dtype == DtUint32 || dtype == DtUint64) && single(uints)) return double(uints.raw);
    if (dtype == DtBool && single(bools)) return bools.raw ? 1.0 : 0.0;
    return std::nullopt;
}

namespace {

QString text(std::string_view b) {
    return QString::fromUtf8(b.data(), qsizetype(b.size()));
}

// google.protobuf.Value: null=1, number=2, string=3, bool=4 (struct/list kept as text-less null)
QVariant decodeValue(std::string_view bytes, bool& ok) {
    ProtoReader r(bytes);
    QVariant v;
    while (r.next()) {
        switch (r.field()) {
            case 1:
                v = QVariant();
                break;
            case 2:
                v = r.fixedDouble();
                break;
            case 3:
                v = text(r.bytes());
                break;
            case 4:
                v = r.varint() != 0;
                break;
            default:
                break;
        }
    }
    ok = ok && r.ok();
    return v;
}

}  // namespace

bool decodeHParamsPluginData(std::string_view content, HParamsData& out) {
    ProtoReader r(content);
    bool ok = true;
    while (r.next()) {
        if (r.wireType() != ProtoReader::LengthDelimited) continue;
        if (r.field() == 2) {  // Experiment
            out.hasExperiment = true;
            ProtoReader e(r.bytes());
            while (e.next()) {
                if (e.field() == 4) {  // HParamInfo: name=1
                    ProtoReader info(e.bytes());
                    while (info.next())
                        if (info.field() == 1) out.hparamNames << text(info.bytes());
                    ok = ok && info.ok();
                } else if (e.field() == 5) {  // MetricInfo: name=1 {group=1, tag=2}, display_name=3
                    HParamsMetric metric;
                    ProtoReader info(e.bytes());
                    while (info.next()) {
                        if (info.field() == 1) {
                            ProtoReader name(info.bytes());
                            while (name.next()) {
                                if (name.field() == 1)
                                    metric.group = text(name.bytes());
                                else if (name.field() == 2)
                                    metric.tag = text(name.bytes());
                            }
                            ok = ok && name.ok();
                        } else if (info.field() == 3) {
                            metric.displayName = text(info.bytes());
                        }
                    }
                    ok = ok && info.ok();
                    out.metrics.push_back(metric);
                }
            }
            ok = ok && e.ok();
        } else if (r.field() == 3) {  // SessionStartInfo
            out.hasSessionStart = true;
            ProtoReader s(r.bytes());
            while (s.next()) {
                if (s.field() == 1) {  // map entry: key=1, value=2
                    ProtoReader entry(s.bytes());
                    QString key;
                    QVariant value;
                    while (entry.next()) {
                        if (entry.field() == 1)
                            key = text(entry.bytes());
                        else if (entry.field() == 2)
                            value = decodeValue(entry.bytes(), ok);
                    }
                    ok = ok && entry.ok();
                    out.hparams.insert(key, value);
                } else if (s.field() == 4) {
                    out.groupName = text(s.bytes());
                } else if (s.field() == 5 && s.wireType() == ProtoReader::Fixed64) {
                    out.startTimeSecs = s.fixedDouble();
                }
            }
            ok = ok && s.ok();
        } else if (r.field() == 4) {  // SessionEndInfo: status=1, end_time_secs=2
            out.hasSessionEnd = true;
            ProtoReader s(r.bytes());
            while (s.next()) {
                if (s.field() == 1 && s.wireType() == ProtoReader::Varint)
                    out.endStatus = s.int32();
                else if (s.field() == 2 && s.wireType() == ProtoReader::Fixed64)
                    out.endTimeSecs = s.fixedDouble();
            }
            ok = ok && s.ok();
        }
    }
    return ok && r.ok();
}

}  // namespace runlens
