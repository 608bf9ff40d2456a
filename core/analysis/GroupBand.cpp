#include "GroupBand.h"

#include <algorithm>
#include <cmath>

namespace runlens {

GroupBand groupBand(const std::vector<CurveView>& curves, BandKind kind) {
    GroupBand band;
    for (const CurveView& c : curves)
        band.xs.insert(band.xs.end(), c.xs->begin(), c.xs->end());
    std::sort(band.xs.begin(), band.xs.end());
    band.xs.erase(std::unique(band.xs.begin(), band.xs.end()), band.xs.end());
    std::vector<size_t> cursor(curves.size(), 0);
    std::vector<double> values;
    for (double x : band.xs) {
        values.clear();
        for (size_t k = 0; k < curves.size(); ++k) {
            const std::vector<double>& xs = *curves[k].xs;
            if (xs.empty() || x < xs.front() || x > xs.back()) continue;
            size_t& i = cursor[k];
            while (i + 1 < xs.size() && xs[i + 1] <= x)
                ++i;
            const double y = (*curves[k].ys)[i];
            if (!std::isnan(y)) values.push_back(y);
        }
        double mean = NAN, low = NAN, high = NAN;
        if (!values.empty()) {
            double sum = 0;
            for (double v : values)
                sum += v;
            mean = sum / double(values.size());
            if (kind == BandKind::MinMax) {
                const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
                low = *lo;
                high = *hi;
            } else {
                double squares = 0;
                for (double v : values)
                    squares += (v - mean) * (v - mean);
                const double sd = std::sqrt(squares / double(values.size()));
                low = mean - sd;
                high = mean + sd;
            }
        }
        band.mean.push_back(mean);
        band.low.push_back(low);
        band.high.push_back(high);
        band.runs.push_back(int(values.size()));
    }
    return band;
}

}  // namespace runlens
