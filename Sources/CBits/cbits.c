#include "cbits.h"

#include <unistd.h>
#include <sys/syscall.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

__thread void *callguard_reader_record = 0;

long callguard_membarrier(int command, unsigned int flags) {
#ifdef __NR_membarrier
    return syscall(__NR_membarrier, command, flags, 0);
#else
    (void)command; (void)flags;
    return -1;
#endif
}

void callguard_set_thread_name(const char *name) {
#ifdef __linux__
    (void)prctl(PR_SET_NAME, name, 0, 0, 0);
#else
    (void)name;
#endif
}
