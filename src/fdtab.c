// SPDX-License-Identifier: MIT
/* fdtab — per-fd socket facts, lock-free and async-signal-safe. */
#include "build-config.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "fdtab.h"

struct slot {
	atomic_uint seq;	/* odd while being written */
	atomic_bool known;
	struct sockinfo info;
};

#define NCHUNKS (FDTAB_MAX_FD / FDTAB_CHUNK)
#define READ_TRIES 64

static struct slot *_Atomic chunks[NCHUNKS];
static atomic_size_t mapped;

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

	return c ? &c[fd % FDTAB_CHUNK] : NULL;
}

bool fdtab_get(int fd, struct sockinfo *out)
{
	struct slot *s = slot_for(fd, false);

	if (!s)
		return false;
	for (int i = 0; i < READ_TRIES; i++) {
		unsigned int seq = atomic_load_explicit(&s->seq,
							memory_order_acquire);
		bool known;

		if (seq & 1)
			continue;
		known = atomic_load_explicit(&s->known, memory_order_relaxed);
		if (known)
			memcpy(out, &s->info, sizeof(*out));
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) == seq)
			return known;
	}
	/* A writer was interrupted (signal handler on this fd): not known. */
	return false;
}

static void slot_write(struct slot *s, const struct sockinfo *in)
{
	atomic_fetch_add_explicit(&s->seq, 1, memory_order_acq_rel);
	atomic_thread_fence(memory_order_release);
	if (in)
		memcpy(&s->info, in, sizeof(*in));
	atomic_store_explicit(&s->known, in != NULL, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->seq, 1, memory_order_release);
}

void fdtab_set(int fd, const struct sockinfo *in)
{
	struct slot *s = slot_for(fd, true);

	if (s)
		slot_write(s, in);
}

static bool slot_clear(struct slot *s)
{
	if (!s || !atomic_load_explicit(&s->known, memory_order_relaxed))
		return false;
	slot_write(s, NULL);
	return true;
}

void fdtab_clear(int fd)
{
	slot_clear(slot_for(fd, false));
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
			n += slot_clear(&c[fd % FDTAB_CHUNK]);
		else
			n += atomic_load_explicit(&c[fd % FDTAB_CHUNK].known,
						  memory_order_relaxed);
		fd++;
	}
	return n;
}

bool fdtab_take(int fd, struct sockinfo *out)
{
	struct slot *s = slot_for(fd, false);
	bool known;

	if (!s || !atomic_load_explicit(&s->known, memory_order_relaxed))
		return false;
	known = fdtab_get(fd, out);
	slot_write(s, NULL);
	return known;
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
