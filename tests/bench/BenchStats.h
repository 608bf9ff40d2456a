#pragma once

// Figures the benchmarks print: medians of repeated timings, and the process's CPU time (the
// machine is shared, so wall time alone says little).

#include <sys/resource.h>

#include <algorithm>
#include <vector>

namespace bench {

inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// CPU time of the whole process (every thread) so far, in ms.
inline double cpuMs() {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + double(u.ru_utime.tv_usec) +
            double(u.ru_stime.tv_usec)) /
           1e3;
}

}  // namespace bench
