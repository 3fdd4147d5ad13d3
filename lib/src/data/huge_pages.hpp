// Transparent huge pages for the large buffers a data file is read into.
#pragma once

#include <cstddef>

namespace mlp::detail {

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes) with transparent huge
// pages when they are first written. Where THP is "madvise" (Debian's default) a buffer of many
// MB otherwise takes one page fault per 4 KiB: on the KVM guests mlptrain is benchmarked on those
// faults were a sixth of loading a 100 MB CSV file. Advice only: nothing happens on other
// systems, with THP "never", or for buffers smaller than a huge page.
void advise_huge_pages(void* data, std::size_t bytes);

}  // namespace mlp::detail
