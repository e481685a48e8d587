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

/* CLOSING: no new copies into the mapping, but the descriptor is not
 * O_APPEND again yet, so nobody may write(2) either. */
enum { LM_OFF, LM_MAPPED, LM_CLOSING, LM_CLOSED };
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

static void fill_newlines(int fd, size_t from, size_t to)
{
	static char nl[LOGMAP_GROW];

	if (!nl[0])
		memset(nl, '\n', sizeof(nl));
	while (from < to) {
		size_t n = to - from < sizeof(nl) ? to - from : sizeof(nl);
		ssize_t w = pwrite(fd, nl, n, (off_t)from);

		if (w <= 0) {
			memset(window + (from - base), '\n', to - from);
			return;
		}
		from += (size_t)w;
	}
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
	fill_newlines(fd, c, want);
	madvise(window + (c - base), want - c, MADV_POPULATE_WRITE);
	atomic_store_explicit(&extent, want, memory_order_release);
	extending = false;
	release_behind(c);
	return EXT_OK;
}

static void append_again(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags >= 0)
		fcntl(fd, F_SETFL, flags | O_APPEND);
}

bool logmap_start(int fd)
{
	struct stat st;
	size_t end, ps = page_size();
	int flags;
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
	/* Positioned writes fill the reserve; O_APPEND would send them to
	 * the end. It comes back when the mapping stops (logmap_finish). */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_APPEND) != 0) {
		munmap(w, LOGMAP_WINDOW);
		return false;
	}
	/* We only ever write fresh pages: reading ahead would be wasted. */
	madvise(w, LOGMAP_WINDOW, MADV_RANDOM);
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
		append_again(fd);
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

/* Another thread is closing the mapping: wait (briefly) for write(2). */
static enum logmap_result after_close(void)
{
	for (int i = 0; i < 100000; i++) {
		int st = atomic_load(&state);

		if (st == LM_CLOSED || st == LM_OFF)
			return LM_NOT_MAPPED;
		sched_yield();
	}
	return drop();
}

/* Stop mapping for good: writers that already reserved finish their
 * copies, then the file is trimmed and written with O_APPEND again. */
static void close_mapping(int fd, bool trim)
{
	struct timespec t0, t;
	size_t end;
	bool quiet = true;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&inflight) > (trim ? 0 : 1)) {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 1) {
			quiet = false;	/* keep the reserve, never cut a record */
			break;
		}
	}
	end = atomic_load(&pos);
	if (end > atomic_load(&extent))
		end = atomic_load(&extent);
	if (trim && quiet && ftruncate(fd, (off_t)end) != 0)
		errno = 0;
	append_again(fd);
	atomic_store(&state, LM_CLOSED);
}

enum logmap_result logmap_append(int fd, const char *buf, size_t len)
{
	size_t off, end;
	int ext = EXT_OK, expected = LM_MAPPED;

	switch (atomic_load_explicit(&state, memory_order_acquire)) {
	case LM_MAPPED:
		break;
	case LM_CLOSING:
		return after_close();
	default:
		return LM_NOT_MAPPED;
	}
	if (extending)
		return drop();
	atomic_fetch_add(&inflight, 1);
	if (atomic_load(&state) != LM_MAPPED) {
		atomic_fetch_sub(&inflight, 1);
		return after_close();
	}
	off = atomic_fetch_add_explicit(&pos, len, memory_order_relaxed);
	end = off + len;
	if (end > atomic_load_explicit(&extent, memory_order_acquire))
		ext = extend(fd, end);
	if (ext == EXT_OK) {
		memcpy(window + (off - base), buf, len);
		/* Keep a step ahead, so writers rarely wait for an extension;
		 * still in flight, so a closing thread waits for it. */
		if (atomic_load(&claimed) - end < LOGMAP_GROW / 2)
			extend(fd, end + LOGMAP_GROW);
	}
	if (ext == EXT_FULL &&
	    atomic_compare_exchange_strong(&state, &expected, LM_CLOSING)) {
		/* The window is used up: the file goes on with write(2),
		 * after whatever the mapping holds. */
		close_mapping(fd, false);
	}
	atomic_fetch_sub_explicit(&inflight, 1, memory_order_release);
	if (ext == EXT_FULL)
		return after_close();
	if (ext == EXT_FAILED)
		return drop();
	return LM_WRITTEN;
}

void logmap_finish(int fd)
{
	int expected = LM_MAPPED;

	if (atomic_compare_exchange_strong(&state, &expected, LM_CLOSING))
		close_mapping(fd, true);
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
