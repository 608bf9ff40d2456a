#pragma once

#include <cstddef>
#include <thread>

namespace runlens {

// Runs `work(begin, end)` over [0, count) in two halves at once: the first on the calling
// thread, the second on a thread of its own. For work split by index (curves, image rows)
// whose halves write nothing in common; below `minimum` it all runs here.
template <class Work>
void inTwoHalves(size_t count, Work work, size_t minimum = 2) {
    if (count < minimum) {
        work(size_t(0), count);
        return;
    }
    const size_t half = count / 2;
    std::thread other([&work, half, count] { work(half, count); });
    work(size_t(0), half);
    other.join();
}

}  // namespace runlens
