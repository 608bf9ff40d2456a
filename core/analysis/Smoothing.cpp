#include "Smoothing.h"

#include <cmath>

namespace runlens {

std::vector<double> smoothEma(const std::vector<double>& ys, double weight) {
    std::vector<double> out(ys.size());
    double last = 0;
    int count = 0;
    // Once weight^count is below half an ulp of 1, 1 - weight^count is exactly 1, and stays
    // so: pow (a third of a 100-run chart's curve building) is no longer called.
    bool debiased = false;
    for (size_t i = 0; i < ys.size(); ++i) {
        if (!std::isfinite(ys[i])) {
            out[i] = ys[i];
            continue;
        }
        last = last * weight + (1 - weight) * ys[i];
        ++count;
        if (debiased) {
            out[i] = last;
            continue;
        }
        const double power = std::pow(weight, count);
        debiased = power < 0x1p-54;
        const double debias = 1 - power;
        out[i] = debias > 0 ? last / debias : ys[i];
    }
    return out;
}

std::vector<double> smoothRunningAverage(const std::vector<double>& ys, int halfWindow) {
    const size_t n = ys.size();
    std::vector<double> out(n);
    // Prefix sums over finite values: O(n) whatever the window.
    std::vector<double> sum(n + 1, 0);
    std::vector<int> finiteCount(n + 1, 0);
    for (size_t i = 0; i < n; ++i) {
        const bool ok = std::isfinite(ys[i]);
        sum[i + 1] = sum[i] + (ok ? ys[i] : 0);
        finiteCount[i + 1] = finiteCount[i] + (ok ? 1 : 0);
    }
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(ys[i])) {
            out[i] = ys[i];
            continue;
        }
        const size_t lo = i >= size_t(halfWindow) ? i - size_t(halfWindow) : 0;
        const size_t hi = std::min(n, i + size_t(halfWindow) + 1);
        out[i] = (sum[hi] - sum[lo]) / (finiteCount[hi] - finiteCount[lo]);
    }
    return out;
}

std::vector<double> smoothTimeWeightedEma(const std::vector<double>& xs,
                                          const std::vector<double>& ys, double weight) {
    const size_t n = ys.size();
    std::vector<double> out(n);
    if (n == 0) return out;
    const double meanDx =
        n > 1 && xs.back() > xs.front() ? (xs.back() - xs.front()) / double(n - 1) : 1.0;
    double last = 0, norm = 0;  // norm: the weight the average has gathered (debiasing)
    double previousX = xs.front();
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(ys[i])) {
            out[i] = ys[i];
            continue;
        }
        const double decay = std::pow(weight, std::max(0.0, xs[i] - previousX) / meanDx);
        last = last * decay + (1 - weight) * ys[i];
        norm = norm * decay + (1 - weight);
        previousX = xs[i];
        out[i] = norm > 0 ? last / norm : ys[i];
    }
    return out;
}

}  // namespace runlens
