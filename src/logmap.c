// SPDX-License-Identifier: MIT
/* logmap — lock-free appends into a shared file mapping. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logmap.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

enum { LM_OFF, LM_MAPPED, LM_CLOSED };
enum { EXT_OK, EXT_FULL, EXT_FAILED };

static atomic_int state = LM_OFF;
static char *window;		/* maps file offsets [base, base + WINDOW) */
static size_t base;
static atomic_size_t pos;	/* next free byte (file offset) */
static atomic_size_t extent;	/* [.., extent) exists and is newline-filled */
static atomic_size_t claimed;	/* extension under way up to here */
static atomic_size_t released;	/* pages below this dropped from our RSS */
static atomic_int inflight;	/* writers between reserve and copy done */
static size_t started_at;
static atomic_size_t dropped;

/* Set while this thread extends the file: a signal handler must not wait
 * for itself. */
static __thread bool extending __attribute__((tls_model("initial-exec")));

static size_t page_size(void)
{
	static size_t ps;

	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

/* Wait for cond, giving up after about a second: never hang a program. */
static bool wait_until(atomic_size_t *v, size_t target)
{
	struct timespec t0 = { 0, 0 }, t;

	for (unsigned int i = 0;; i++) {
		if (atomic_load_explicit(v, memory_order_acquire) >= target)
			return true;
		if ((i & 1023) == 1023) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if (i == 1023)
				t0 = t;
			else if (t.tv_sec - t0.tv_sec > 1)
				return false;
		}
		sched_yield();
	}
}

/* The end of the records in a file a previous image may have padded. */
static size_t data_end(int fd, size_t size)
{
	char buf[4096];

	while (size) {
		size_t n = size < sizeof(buf) ? size : sizeof(buf);
		ssize_t got = pread(fd, buf, n, (off_t)(size - n));

		if (got != (ssize_t)n)
			return size;
		for (size_t i = n; i-- > 0;)
			if (buf[i] != '\n' && buf[i] != '\0')
				return size - n + i + 2 <= size ? size - n + i + 2 :
								  size;
		size -= n;
	}
	return 0;
}

static bool grow_file(int fd, size_t from, size_t to)
{
	if (fallocate(fd, 0, (off_t)from, (off_t)(to - from)) == 0)
		return true;
	/* Filesystems without fallocate: extensions are ordered, so
	 * ftruncate only ever grows the file here. */
	return ftruncate(fd, (off_t)to) == 0;
}

/* Drop pages well behind the writers from our resident set; the data
 * stays in the page cache and the file. */
static void release_behind(size_t upto)
{
	size_t ps = page_size();
	size_t from = atomic_load(&released);
	size_t to = upto > LOGMAP_GROW ? (upto - LOGMAP_GROW) & ~(ps - 1) : 0;

	if (to <= from || to <= base)
		return;
	if (atomic_compare_exchange_strong(&released, &from, to))
		madvise(window + (from - base), to - from, MADV_DONTNEED);
}

/*
 * Make the file cover [.., target). One thread claims each extension;
 * extensions are published in order, so writers below extent only ever
 * see newline-filled or written bytes.
 */
static int extend(int fd, size_t target)
{
	size_t c = atomic_load(&claimed);
	size_t want;

	for (;;) {
		if (c >= target)
			return wait_until(&extent, target) ? EXT_OK : EXT_FAILED;
		want = (target + LOGMAP_GROW - 1) / LOGMAP_GROW * LOGMAP_GROW;
		if (want - base > LOGMAP_WINDOW)
			return EXT_FULL;
		if (atomic_compare_exchange_weak(&claimed, &c, want))
			break;
	}
	if (!wait_until(&extent, c))
		return EXT_FAILED;
	extending = true;
	if (!grow_file(fd, c, want)) {
		extending = false;
		return EXT_FAILED;
	}
	madvise(window + (c - base), want - c, MADV_POPULATE_WRITE);
	memset(window + (c - base), '\n', want - c);
	atomic_store_explicit(&extent, want, memory_order_release);
	extending = false;
	release_behind(c);
	return EXT_OK;
}

bool logmap_start(int fd)
{
	struct stat st;
	size_t end, ps = page_size();
	void *w;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	/* Continue after what an earlier image (before exec) wrote. */
	end = data_end(fd, (size_t)st.st_size);
	if (end != (size_t)st.st_size && ftruncate(fd, (off_t)end) != 0)
		return false;
	base = end & ~(ps - 1);
	w = mmap(NULL, LOGMAP_WINDOW, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)base);
	if (w == MAP_FAILED)
		return false;
	window = w;
	started_at = end;
	atomic_store(&pos, end);
	atomic_store(&extent, end);
	atomic_store(&claimed, end);
	atomic_store(&released, base);
	atomic_store(&state, LM_MAPPED);
	if (extend(fd, end + 1) != EXT_OK) {
		atomic_store(&state, LM_OFF);
		munmap(w, LOGMAP_WINDOW);
		if (ftruncate(fd, (off_t)end) != 0)
			errno = EIO;
		return false;
	}
	return true;
}

static enum logmap_result drop(void)
{
	atomic_fetch_add(&dropped, 1);
	return LM_DROPPED;
}

enum logmap_result logmap_append(int fd, const char *buf, size_t len)
{
	size_t off, end;
	int ext = EXT_OK;

	if (atomic_load_explicit(&state, memory_order_acquire) != LM_MAPPED)
		return LM_NOT_MAPPED;
	if (extending)
		return drop();
	atomic_fetch_add(&inflight, 1);
	if (atomic_load(&state) != LM_MAPPED) {
		atomic_fetch_sub(&inflight, 1);
		return LM_NOT_MAPPED;
	}
	off = atomic_fetch_add_explicit(&pos, len, memory_order_relaxed);
	end = off + len;
	if (end > atomic_load_explicit(&extent, memory_order_acquire))
		ext = extend(fd, end);
	if (ext == EXT_OK)
		memcpy(window + (off - base), buf, len);
	atomic_fetch_sub_explicit(&inflight, 1, memory_order_release);
	if (ext == EXT_FULL) {
		/* The window is used up: the file goes on with write(2), after
		 * whatever the mapping holds. */
		atomic_store(&state, LM_CLOSED);
		return LM_NOT_MAPPED;
	}
	if (ext == EXT_FAILED)
		return drop();
	/* Keep a step ahead, so writers rarely wait for an extension. */
	if (atomic_load(&claimed) - end < LOGMAP_GROW / 2)
		extend(fd, end + LOGMAP_GROW);
	return LM_WRITTEN;
}

void logmap_finish(int fd)
{
	int expected = LM_MAPPED;
	struct timespec t0, t;
	size_t end;

	if (!atomic_compare_exchange_strong(&state, &expected, LM_CLOSED))
		return;
	/* Writers that reserved before the switch finish their copy. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&inflight)) {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 1)
			return;	/* leave the padding rather than cut a record */
	}
	/* Reservations past the file's end were never written. */
	end = atomic_load(&pos);
	if (end > atomic_load(&extent))
		end = atomic_load(&extent);
	if (ftruncate(fd, (off_t)end) != 0)
		return;
}

void logmap_drop(void)
{
	if (atomic_load(&state) == LM_OFF)
		return;
	if (window)
		munmap(window, LOGMAP_WINDOW);
	window = NULL;
	atomic_store(&inflight, 0);
	atomic_store(&state, LM_OFF);
}

size_t logmap_dropped(void)
{
	return atomic_load(&dropped);
}

size_t logmap_written(void)
{
	return atomic_load(&pos) - started_at;
}
