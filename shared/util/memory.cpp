#include "shared/util/memory.h"

#include <malloc.h>

namespace liaison {

void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

}  // namespace liaison
