/*
 * Reset and vector table for the player firmware (Cortex-M0+ code, run on
 * qemu's mps2-an385 and microbit). Copies .data, clears .bss and paints
 * the stack with a pattern so main can measure its peak use.
 */
#include <stdint.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end;
extern uint32_t __stack_bottom, __stack_top;
int main(void);
void fault(void);

#define STACK_PAINT 0x5AC3A55Cu

__attribute__((noreturn)) void reset_handler(void);
void fault_handler(void);

void reset_handler(void)
{
    uint32_t *p = &__data_start;
    for (const uint32_t *s = &__data_load; p < &__data_end;)
        *p++ = *s++;
    for (p = &__bss_start; p < &__bss_end;)
        *p++ = 0;
    /* Paint up to a little below the current stack pointer. */
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (p = &__stack_bottom; p < sp - 16;)
        *p++ = STACK_PAINT;
#ifdef TRAP_UNALIGNED
    /* ARMv7-M (qemu's mps2 core) would do unaligned loads; an M0+ cannot.
     * CCR.UNALIGN_TRP makes each one fault, so a run proves there are none. */
    *(volatile uint32_t *)0xE000ED14u |= 1u << 3;
#endif
    main();
    for (;;)
        ;
}

/* Bytes of stack ever used: the painted words left untouched. */
uint32_t stack_peak(void);
uint32_t stack_peak(void)
{
    const uint32_t *p = &__stack_bottom;
    while (p < &__stack_top && *p == STACK_PAINT)
        p++;
    return (uint32_t)((const uint8_t *)&__stack_top - (const uint8_t *)p);
}

void fault_handler(void)
{
    fault();
}

__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    &__stack_top, (void *)reset_handler, (void *)fault_handler, (void *)fault_handler,
    (void *)fault_handler, (void *)fault_handler, (void *)fault_handler,
};
