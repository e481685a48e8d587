// SPDX-License-Identifier: MIT
/*
 * fdtab — per-fd socket facts, lock-free and async-signal-safe.
 *
 * Each slot's state is one word: a version and three flags. A writer
 * takes the slot by setting WRITING with a compare-and-swap, so two
 * writers never interleave their bytes (close in one thread can race a
 * store in another), copies the facts in, and releases the slot with
 * KNOWN set and the next version. Forgetting never waits: it clears
 * KNOWN in one compare-and-swap or, when a writer holds the slot, sets
 * CANCELLED, and that writer then releases the slot unknown. Readers
 * copy the facts out and keep the copy only if the word did not change
 * meanwhile. The facts are stored as relaxed atomic words, so a reader
 * racing a writer reads stale words, never undefined ones.
 */
#include "build-config.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "fdtab.h"

#define S_WRITING	1u
#define S_KNOWN		2u
#define S_CANCELLED	4u
#define S_FLAGS		(S_WRITING | S_KNOWN | S_CANCELLED)
#define S_VERSION	8u	/* one version: the bits above the flags */

#define WORDS (sizeof(struct sockinfo) / 8)
_Static_assert(sizeof(struct sockinfo) % 8 == 0,
	       "struct sockinfo is copied as whole 64-bit words");

struct slot {
	atomic_uint state;
	_Atomic uint64_t w[WORDS];
};

#define NCHUNKS (FDTAB_MAX_FD / FDTAB_CHUNK)
#define READ_TRIES 64
/* A writer waiting for another spins this long, then yields the CPU... */
#define SPIN_TRIES 64
/* ...and gives up after this many tries in all (the holder is stopped,
 * or is the very thread a signal handler interrupted). */
#define WRITE_TRIES 256

static struct slot *_Atomic chunks[NCHUNKS];
static atomic_size_t mapped;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/*
 * Chunks come from mmap, not malloc: close() in a signal handler may be
 * the first to touch a chunk, and losing the install race just unmaps.
 */
static struct slot *chunk_for(int fd, bool create)
{
	size_t ci = (size_t)fd / FDTAB_CHUNK;
	size_t bytes = sizeof(struct slot) * FDTAB_CHUNK;
	struct slot *c, *expected = NULL;

	if (fd < 0 || fd >= FDTAB_MAX_FD)
		return NULL;
	c = atomic_load_explicit(&chunks[ci], memory_order_acquire);
	if (c || !create)
		return c;
	c = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return NULL;
	if (!atomic_compare_exchange_strong_explicit(&chunks[ci], &expected, c,
						     memory_order_acq_rel,
						     memory_order_acquire)) {
		munmap(c, bytes);
		return expected;
	}
	atomic_fetch_add(&mapped, bytes);
	return c;
}

static struct slot *slot_for(int fd, bool create)
{
	struct slot *c = chunk_for(fd, create);

	return c ? &c[(unsigned int)fd % FDTAB_CHUNK] : NULL;
}

/* Word by word; what a racing writer leaves is judged by the caller. */
static inline void copy_out(struct slot *s, struct sockinfo *out)
{
#pragma GCC unroll 8
	for (size_t i = 0; i < WORDS; i++) {
		uint64_t w = atomic_load_explicit(&s->w[i],
						  memory_order_relaxed);

		memcpy((unsigned char *)out + i * 8, &w, 8);
	}
}

static inline void copy_in(struct slot *s, const struct sockinfo *in)
{
#pragma GCC unroll 8
	for (size_t i = 0; i < WORDS; i++) {
		uint64_t w;

		memcpy(&w, (const unsigned char *)in + i * 8, 8);
		atomic_store_explicit(&s->w[i], w, memory_order_relaxed);
	}
}

/*
 * A consistent copy of the facts and the state it was taken in, or the
 * state alone when the slot is not known (out is then undefined). False
 * when writers kept the slot busy for every try.
 */
static bool slot_read(struct slot *s, struct sockinfo *out, unsigned int *st)
{
	for (int i = 0; i < READ_TRIES; i++) {
		unsigned int cur = atomic_load_explicit(&s->state,
							memory_order_acquire);

		if (cur & S_WRITING) {
			cpu_relax();
			continue;
		}
		*st = cur;
		if (!(cur & S_KNOWN))
			return true;
		copy_out(s, out);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->state, memory_order_relaxed) == cur)
			return true;
	}
	return false;
}

bool fdtab_get(int fd, struct sockinfo *out)
{
	struct slot *s = slot_for(fd, false);
	unsigned int st;

	/* A writer was interrupted (signal handler on this fd): not known. */
	return s && slot_read(s, out, &st) && (st & S_KNOWN);
}

/* Take the slot for writing: the state it had, or false (gave up). */
static bool slot_lock(struct slot *s, unsigned int *st)
{
	for (int i = 0; i < WRITE_TRIES; i++) {
		unsigned int cur = atomic_load_explicit(&s->state,
							memory_order_relaxed);

		if (!(cur & S_WRITING) &&
		    atomic_compare_exchange_weak_explicit(
			    &s->state, &cur, cur | S_WRITING,
			    memory_order_acquire, memory_order_relaxed)) {
			/* The facts' words are stored after the flag. */
			atomic_thread_fence(memory_order_release);
			*st = cur | S_WRITING;
			return true;
		}
		if (i < SPIN_TRIES)
			cpu_relax();
		else
			sched_yield();
	}
	return false;
}

/* Release the slot: known, unless a forget came while we held it. */
static void slot_unlock(struct slot *s, unsigned int cur, bool known)
{
	unsigned int next;

	do {
		next = ((cur & ~S_FLAGS) + S_VERSION) |
		       (known && !(cur & S_CANCELLED) ? S_KNOWN : 0);
	} while (!atomic_compare_exchange_weak_explicit(&s->state, &cur, next,
							memory_order_release,
							memory_order_relaxed));
}

/* Forget, never waiting; true if the slot was known (or being written). */
static bool slot_forget(struct slot *s)
{
	unsigned int cur, next;

	if (!s)
		return false;
	cur = atomic_load_explicit(&s->state, memory_order_relaxed);
	do {
		if (cur & S_WRITING)
			next = cur | S_CANCELLED;
		else if (cur & S_KNOWN)
			next = (cur & ~S_KNOWN) + S_VERSION;
		else
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&s->state, &cur, next,
							memory_order_acq_rel,
							memory_order_relaxed));
	return true;
}

void fdtab_set(int fd, const struct sockinfo *in)
{
	struct slot *s = slot_for(fd, true);
	unsigned int st;

	if (!s)
		return;
	if (!slot_lock(s, &st)) {
		/* Another writer holds it and does not finish: whatever it
		 * stores is not to be trusted either. Unknown is safe: the
		 * facts are asked of the kernel again. */
		slot_forget(s);
		return;
	}
	copy_in(s, in);
	slot_unlock(s, st, true);
}

void fdtab_clear(int fd)
{
	slot_forget(slot_for(fd, false));
}

bool fdtab_take(int fd, struct sockinfo *out)
{
	struct slot *s = slot_for(fd, false);

	if (!s)
		return false;
	for (int i = 0; i < READ_TRIES; i++) {
		unsigned int cur = atomic_load_explicit(&s->state,
							memory_order_acquire);

		if (!(cur & (S_KNOWN | S_WRITING)))
			return false;
		if (cur & S_WRITING) {
			cpu_relax();
			continue;
		}
		copy_out(s, out);
		atomic_thread_fence(memory_order_acquire);
		/* Unchanged since the copy: the facts are these, now gone. */
		if (atomic_compare_exchange_strong_explicit(
			    &s->state, &cur, (cur & ~S_KNOWN) + S_VERSION,
			    memory_order_acq_rel, memory_order_relaxed))
			return true;
	}
	/* A writer holds the slot: forget without the facts. */
	slot_forget(s);
	return false;
}

static size_t range(unsigned int lo, unsigned int hi, bool forget)
{
	size_t n = 0;

	if (hi >= FDTAB_MAX_FD)
		hi = FDTAB_MAX_FD - 1;
	for (unsigned long fd = lo; fd <= hi;) {
		struct slot *c = chunk_for((int)fd, false);

		/* Skip chunks never mapped: close_range(3, ~0U) is common. */
		if (!c) {
			fd = (fd / FDTAB_CHUNK + 1) * FDTAB_CHUNK;
			continue;
		}
		if (forget)
			n += slot_forget(&c[fd % FDTAB_CHUNK]);
		else
			n += !!(atomic_load_explicit(&c[fd % FDTAB_CHUNK].state,
						     memory_order_relaxed) &
				S_KNOWN);
		fd++;
	}
	return n;
}

size_t fdtab_clear_range(unsigned int lo, unsigned int hi)
{
	return range(lo, hi, true);
}

size_t fdtab_count_range(unsigned int lo, unsigned int hi)
{
	return range(lo, hi, false);
}

void fdtab_copy(int oldfd, int newfd)
{
	struct sockinfo info;

	if (fdtab_get(oldfd, &info))
		fdtab_set(newfd, &info);
	else
		fdtab_clear(newfd);
}

size_t fdtab_mapped_bytes(void)
{
	return atomic_load(&mapped);
}
