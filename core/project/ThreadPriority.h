#pragma once

class QThreadPool;

namespace runlens {

// Lowers the calling thread below the GUI thread (10 nice levels on Linux, once per thread), so
// background work (histories, curves, chart frames) takes the cores the window leaves free
// and the window still answers at once on a busy two-core machine. Called at the start of
// every task of the app's own pools. A thread started from a lowered one is lowered too (it
// inherits the nice value), so lowered work never starts tasks on Qt's global pool.
void lowerThreadPriority();

// The pool for background work that has no pool of its own (letting a project go, live
// looks): its tasks run lowered.
QThreadPool& backgroundPool();

// Qt's global pool stays at the GUI thread's priority: the raster engine splits a big fill
// over it and the GUI thread waits for the pieces (at 10 nice levels below, behind the chart
// threads, a resize waited 70 ms on them). Called on the GUI thread at start: its threads
// are made here and kept, so a lowered thread that paints never makes one.
void keepQtPoolAtGuiPriority();

}  // namespace runlens
