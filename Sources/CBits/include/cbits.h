#ifndef CALLGUARD_CBITS_H
#define CALLGUARD_CBITS_H

#include <stdatomic.h>

/// CPU and kernel hints Swift has no spelling for. Swift inlines the static ones.

/// Starts fetching the cache line at `p` for writing, without waiting for it: bulk
/// inserts into tables far larger than the cache overlap their misses this way.
static inline void callguard_prefetch_write(const void *p) { __builtin_prefetch(p, 1, 3); }

/// The same for reading.
static inline void callguard_prefetch_read(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Keeps the compiler from moving memory accesses across this point; emits nothing.
static inline void callguard_compiler_barrier(void) { atomic_signal_fence(memory_order_seq_cst); }

/// The calling thread's blocklist reader record (thread-local, one TLS access).
extern __thread void *callguard_reader_record;
static inline void *callguard_get_reader_record(void) { return callguard_reader_record; }
static inline void callguard_set_reader_record(void *r) { callguard_reader_record = r; }

/// Linux membarrier(2); -1 where the kernel or libc lacks it.
long callguard_membarrier(int command, unsigned int flags);

/// Names the calling thread (at most 15 bytes are kept) for `top -H`, `perf` and
/// debuggers; does nothing where the system has no such call.
void callguard_set_thread_name(const char *name);

#endif
