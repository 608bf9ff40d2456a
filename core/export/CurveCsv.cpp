#include "CurveCsv.h"

#include <algorithm>

#include "export/Csv.h"
#include "model/NumberText.h"

namespace runlens {

QByteArray curvesCsv(const QString& metric, const std::vector<ChartCurve>& curves,
                     const std::vector<bool>& visible) {
    const bool smoothed = std::any_of(curves.begin(), curves.end(),
                                      [](const ChartCurve& c) { return !c.rawYs.empty(); });
    QByteArray out = smoothed ? "run,metric,step,wall_time,value,smoothed\r\n"
                              : "run,metric,step,wall_time,value\r\n";
    for (size_t k = 0; k < curves.size(); ++k) {
        if (k < visible.size() && !visible[k]) continue;
        const ChartCurve& c = curves[k];
        const double* raw = c.rawYs.empty() ? c.ys.data() : c.rawYs.data();
        for (size_t i = 0; i < c.xs.size(); ++i) {
            csvField(out, c.title());
            out += ',';
            csvField(out, metric);
            out += ',';
            if (i < c.steps.size()) out += stepText(c.steps[i]).toLatin1();
            out += ',';
            if (i < c.wallTimesMs.size()) out += numberText(c.wallTimesMs[i] / 1000.0).toLatin1();
            out += ',' + numberText(raw[i]).toLatin1();
            if (smoothed) out += ',' + numberText(c.ys[i]).toLatin1();
            out += "\r\n";
        }
    }
    return out;
}

}  // namespace runlens
