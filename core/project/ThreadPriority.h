#pragma once

namespace runlens {

// Lowers the calling thread below the GUI thread (10 nice levels on Linux, once per thread), so
// background work (histories, curves, chart frames) takes the cores the window leaves free
// and the window still answers at once on a busy two-core machine. Called at the start of
// every task of the app's pools.
void lowerThreadPriority();

}  // namespace runlens
