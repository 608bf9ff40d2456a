#pragma once

#include <vector>

namespace runlens {

// Smoothing, computed on the full series before it is reduced for drawing.

// TensorBoard's scalars dashboard (FORMATS.md): last = w*last + (1-w)*y; n += 1;
// out = last / (1 - w^n). NaN and infinities pass through and do not enter the average.
std::vector<double> smoothEma(const std::vector<double>& ys, double weight);

// The mean of the finite values within `halfWindow` points on either side (a centred
// running average); NaN and infinities pass through.
std::vector<double> smoothRunningAverage(const std::vector<double>& ys, int halfWindow);

// An EMA whose decay follows the x distance between points rather than their count, so
// irregularly logged runs smooth alike: each step decays by weight^(dx / mean dx). Debiased
// like TensorBoard's.
std::vector<double> smoothTimeWeightedEma(const std::vector<double>& xs,
                                          const std::vector<double>& ys, double weight);

}  // namespace runlens
