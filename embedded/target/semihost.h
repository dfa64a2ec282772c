/* ARM semihosting (the debugger's, here qemu's, I/O): the firmware's only
 * link to the outside. */
#ifndef GIFLOW_EMBEDDED_SEMIHOST_H
#define GIFLOW_EMBEDDED_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

#define SH_OPEN 0x01
#define SH_CLOSE 0x02
#define SH_WRITE0 0x04
#define SH_READ 0x06
#define SH_SEEK 0x0A
#define SH_FLEN 0x0C
#define SH_CMDLINE 0x15
#define SH_EXIT 0x18

static inline int sh_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

static inline void sh_puts(const char *s)
{
    sh_call(SH_WRITE0, s);
}

static inline void sh_exit(int ok)
{
    sh_call(SH_EXIT, (const void *)(uintptr_t)(ok ? 0x20026 : 0x20024));
    for (;;)
        ;
}

#endif
