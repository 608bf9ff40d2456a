#pragma once

#include <QString>
#include <vector>

namespace runlens {

// Where an axis puts its ticks and what they read. Every axis RunLens draws (charts, parallel
// coordinates, scatter, exports) takes its ticks from here, so 0 / 200 / 400 reads the same
// everywhere and never 0 / 199.8 / 399.5.
struct AxisTick {
    double value = 0;  // in data units (ms since the epoch for wall time)
    QString label;     // empty: a minor tick, drawn without text
};

// "Nice numbers" after Heckbert (Graphics Gems, 1990): the step is 1, 2 or 5 times a power
// of ten, chosen so about `maxTicks` ticks fall inside [min, max]; every tick is a multiple of
// the step, so labels are round. Labels of one axis share one notation: plain decimals with the
// step's number of decimals, thousands as k / M / G when every label is a whole multiple of
// them ("200k"), an exponent ("2e-5") for tiny values. `integral` keeps the step at 1 or more
// (steps, epochs: never 1.25).
std::vector<AxisTick> linearTicks(double min, double max, int maxTicks, bool integral = false);

// The step linearTicks picks (exposed for tests and for callers that lay out their own grid).
double niceStep(double span, int maxTicks);

// A log10 axis: a label at every decade that fits (every 2nd, 3rd... when decades are many),
// "2" and "5" between them when there is room for them, else minor ticks; one notation for the
// whole axis (plain numbers from 0.001 to 100k, else "1e-5"). `min` and `max` must be > 0.
std::vector<AxisTick> logTicks(double min, double max, int maxTicks);

// A duration axis in seconds (time since the run started): steps of 1/2/5/10/15/30 s, 1/2/5/
// 10/15/30 min, 1/2/3/6/12 h or days, labelled in the unit the span asks for ("30 s", "5 min",
// "1.5 h" is never used: "1 h 30", "2 d").
std::vector<AxisTick> durationTicks(double minSeconds, double maxSeconds, int maxTicks);

// A wall-clock axis in ms since the epoch (local time): round times ("12:00", "12:15"); a
// label carries the date ("Mar 3") where the day changes or when steps are whole days.
std::vector<AxisTick> wallTimeTicks(double minMs, double maxMs, int maxTicks);

// A duration in seconds as a person reads it: "45 s", "12 min", "3 h 05", "2 d 4 h".
QString durationText(double seconds);

}  // namespace runlens
