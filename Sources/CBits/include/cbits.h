#ifndef CALLGUARD_CBITS_H
#define CALLGUARD_CBITS_H

/// CPU hints Swift has no spelling for. Header-only: Swift inlines them.

/// Starts fetching the cache line at `p` for writing, without waiting for it: bulk
/// inserts into tables far larger than the cache overlap their misses this way.
static inline void callguard_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

/// The same for reading.
static inline void callguard_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
