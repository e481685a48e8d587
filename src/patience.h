// SPDX-License-Identifier: MIT
/*
 * patience.h — waiting for another thread of the program, never for ever.
 *
 * The shim's threads sometimes wait for one another: for the thread that
 * opens the log, for writers to leave before the file is swapped, for an
 * extension of the mapping. The other thread may be asleep in the kernel
 * (an open on a slow disk, a fallocate that waits for the journal), so a
 * count of turns says nothing about how long it waited; the clock does.
 *
 *	struct patience p = PATIENCE_INIT;
 *	while (!done())
 *		if (!patience_wait(&p))
 *			return give_up();
 *
 * Each turn yields the CPU; after one to two seconds patience_wait
 * returns false. The clock is read once every 256 turns (CLOCK_MONOTONIC
 * through the vDSO: no system call, nothing a sandbox can forbid).
 */
#ifndef SOCKSHIM_PATIENCE_H
#define SOCKSHIM_PATIENCE_H

#include <sched.h>
#include <stdbool.h>
#include <time.h>

struct patience {
	unsigned int turns;
	time_t start;
};

#define PATIENCE_INIT { 0, 0 }

static inline bool patience_wait(struct patience *p)
{
	if ((p->turns++ & 255) == 0) {
		struct timespec t;

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (p->turns == 1)
			p->start = t.tv_sec;
		else if (t.tv_sec - p->start > 1)
			return false;
	}
	sched_yield();
	return true;
}

#endif
