// Process-wide allocator settings for the programs and tools.
#pragma once

namespace liaison {

// Keeps freed memory in the heap for reuse instead of returning it to the OS at once, and serves
// large blocks (a decoded changeset's arrays) from the heap instead of fresh mappings. Applying
// a large changeset otherwise spends much of its time faulting in new pages, which is slow on
// virtual machines. Bounded: at most 256 MiB stays reserved. Call once at the start of main().
void keep_freed_memory();

}  // namespace liaison
