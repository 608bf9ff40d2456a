#pragma once

namespace runlens {

// Hands the heap's free pages back to the system (glibc's malloc_trim; nothing elsewhere).
// glibc keeps freed memory for reuse, so without it unchecking 2,000 charted runs would leave
// the process's resident memory where it was. Walks the heap: call it on a worker thread.
void returnFreedMemory();

}  // namespace runlens
