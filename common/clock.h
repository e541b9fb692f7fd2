/*
 * clock: the two clocks every binary reads, written once. The monotonic clock measures intervals and deadlines
 * within a process (it never jumps); the wall clock is for what others compare against (expiry times in tokens
 * and sealed states, Lambda's deadline, log timestamps).
 */
#ifndef COMMON_CLOCK_H
#define COMMON_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
clock_read_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Microseconds and milliseconds of the monotonic clock (CLOCK_MONOTONIC: since boot, never set back). */
static inline int64_t
clock_monotonic_us(void)
{
    return clock_read_us(CLOCK_MONOTONIC);
}

static inline int64_t
clock_monotonic_ms(void)
{
    return clock_read_us(CLOCK_MONOTONIC) / 1000;
}

/* Milliseconds since the Unix epoch (CLOCK_REALTIME). */
static inline int64_t
clock_wall_ms(void)
{
    return clock_read_us(CLOCK_REALTIME) / 1000;
}

#endif
