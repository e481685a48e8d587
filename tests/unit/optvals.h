/* SPDX-License-Identifier: MIT */
/* Option values for the unit tests, built the way the hooks decode them. */
#ifndef SOCKSHIM_TEST_OPTVALS_H
#define SOCKSHIM_TEST_OPTVALS_H

#include "optcat.h"

static inline struct optval ival(int i)
{
	struct optval v = { .type = OT_INT, .len = sizeof(int), .i = i };
	return v;
}

static inline struct optval bval(int i)
{
	struct optval v = ival(i);

	v.type = OT_BOOL;
	return v;
}

static inline struct optval linger(int on, int secs)
{
	struct optval v = { .type = OT_LINGER, .len = sizeof(struct linger) };

	v.l.l_onoff = on;
	v.l.l_linger = secs;
	return v;
}

static inline struct optval tv(long sec, long usec)
{
	struct optval v = { .type = OT_TIMEVAL, .len = sizeof(struct timeval) };

	v.tv.tv_sec = sec;
	v.tv.tv_usec = usec;
	return v;
}

#endif
