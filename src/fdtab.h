/* SPDX-License-Identifier: MIT */
/*
 * fdtab — what we know about each socket, indexed by fd.
 *
 * Two levels: a fixed array of chunk pointers and chunks of FDTAB_CHUNK
 * entries mapped on first use, so memory follows the highest fd a program
 * uses, not a 64K array. Lock-free: each entry has one state word; a
 * writer takes the entry with a compare-and-swap, readers copy and retry
 * a bounded number of times, and forgetting an entry never waits, so a
 * signal handler that closes an fd in the middle of an update cannot
 * hang (see fdtab.c).
 */
#ifndef SOCKSHIM_FDTAB_H
#define SOCKSHIM_FDTAB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum fd_role {
	ROLE_NONE,	/* created, not yet listening or connected */
	ROLE_LISTENER,
	ROLE_ACCEPTED,
	ROLE_CLIENT,
};

/* A socket's facts: what rules match on and what the log decodes with. */
struct sockinfo {
	uint16_t family;
	uint16_t type;		/* SOCK_STREAM etc., flags masked off */
	uint16_t protocol;
	uint8_t role;		/* enum fd_role */
	uint8_t has_local : 1, has_remote : 1;
	uint16_t local_port, remote_port;
	struct in6_addr local_addr, remote_addr; /* IPv4 as v4-mapped */
	uint64_t rules_applied;	/* rules whose set/force already ran */
};

#define FDTAB_CHUNK	256
#define FDTAB_MAX_FD	(1 << 20)	/* beyond this: rediscovered per call */

/* Copy out what we know; false when the fd is not a known socket (out
 * may then hold anything). */
bool fdtab_get(int fd, struct sockinfo *out);
void fdtab_set(int fd, const struct sockinfo *in);
void fdtab_clear(int fd);
/* fdtab_get and fdtab_clear in one: what was known, now forgotten. */
bool fdtab_take(int fd, struct sockinfo *out);
/* Forget [lo, hi]; returns how many known sockets were in it. */
size_t fdtab_clear_range(unsigned int lo, unsigned int hi);
/* How many known sockets are in [lo, hi]. */
size_t fdtab_count_range(unsigned int lo, unsigned int hi);
/* newfd now refers to the same socket as oldfd (dup family). */
void fdtab_copy(int oldfd, int newfd);

/* Bytes mapped for the table, for tests and `sockshim` diagnostics. */
size_t fdtab_mapped_bytes(void);

#endif
