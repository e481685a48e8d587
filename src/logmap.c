// SPDX-License-Identifier: MIT
/* logmap — lock-free appends into a shared file mapping. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logmap.h"
#include "patience.h"
#include "real.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * MAPPED: records go into the window. BROKEN: the file cannot take more
 * (truncated under us, no space, size limit): records are dropped until
 * logmap_restart. CLOSING: no new copies, but the descriptor is not
 * O_APPEND again yet, so nobody may write(2) either. CLOSED: write(2).
 */
enum { LM_OFF, LM_MAPPED, LM_BROKEN, LM_CLOSING, LM_CLOSED };
enum { EXT_OK, EXT_FULL, EXT_FAILED };

static atomic_int state = LM_OFF;
static _Atomic(const char *) broken_why;
static char *window;		/* maps file offsets [base, base + WINDOW) */
static size_t base;
static atomic_size_t pos;	/* next free byte (file offset) */
static atomic_size_t extent;	/* [.., extent) exists and is newline-filled */
static atomic_size_t claimed;	/* extension under way up to here */
static atomic_size_t released;	/* pages below this dropped from our RSS */
static atomic_int inflight;	/* writers between reserve and copy done */
static atomic_ullong size_limit = LOGMAP_NO_LIMIT;	/* RLIMIT_FSIZE */

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

static void set_broken(const char *why)
{
	int expected = LM_MAPPED;

	atomic_store(&broken_why, why);
	atomic_compare_exchange_strong(&state, &expected, LM_BROKEN);
}

/* Wait for another thread's extension, giving up after about a second or
 * as soon as the mapping breaks: never hang a program. */
static bool wait_until(atomic_size_t *v, size_t target)
{
	struct patience p = PATIENCE_INIT;

	do {
		if (atomic_load_explicit(v, memory_order_acquire) >= target)
			return true;
		if (atomic_load(&state) != LM_MAPPED)
			return false;
	} while (patience_wait(&p));
	return false;
}

/* The end of the records in a file a previous image (or a process killed
 * mid-extension) may have padded with newlines or left NULs in. */
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
			/* The blocks are reserved: a store cannot fail for
			 * space (a truncation meanwhile is logmap_fault's). */
			memset(window + (from - base), '\n', to - from);
			return;
		}
		from += (size_t)w;
	}
}

const char *logmap_errno_reason(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return "no space";
	case EFBIG:
		return "file size limit";
	default:
		return "write error";
	}
}

/*
 * Reserve [from, to) on disk. fallocate, never ftruncate: a sparse
 * extension would turn a full disk into a SIGBUS on a later store. The
 * limit check keeps us under RLIMIT_FSIZE; SIGXFSZ stays blocked around
 * the call for a limit lowered by another thread meanwhile, and the one
 * our call raised (if any) is taken back.
 */
static bool grow_file(int fd, size_t from, size_t to, const char **why)
{
	sigset_t xfsz, old, pending;
	bool was_pending;
	int ret, err;

	sigemptyset(&xfsz);
	sigaddset(&xfsz, SIGXFSZ);
	real.pthread_sigmask(SIG_BLOCK, &xfsz, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGXFSZ);
	ret = fallocate(fd, 0, (off_t)from, (off_t)(to - from));
	err = errno;
	if (ret != 0 && err == EFBIG && !was_pending) {
		struct timespec zero = { 0, 0 };

		sigtimedwait(&xfsz, NULL, &zero);
	}
	real.pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret != 0)
		*why = logmap_errno_reason(err);
	return ret == 0;
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
 * see newline-filled or written bytes. A failed extension breaks the
 * mapping (logmap_restart starts again at the end of the records).
 */
static int extend(int fd, size_t target, bool ahead, const char **why)
{
	unsigned long long lim = atomic_load_explicit(&size_limit,
						      memory_order_relaxed);
	size_t c = atomic_load(&claimed);
	size_t want;

	for (;;) {
		if (c >= target)
			return wait_until(&extent, target) || ahead ? EXT_OK : EXT_FAILED;
		want = (target + LOGMAP_GROW - 1) / LOGMAP_GROW * LOGMAP_GROW;
		if (want - base > LOGMAP_WINDOW)
			return EXT_FULL;
		if (lim != LOGMAP_NO_LIMIT && want > lim)
			want = (size_t)lim;
		if (want < target && (!ahead || want <= c)) {
			/* Extending ahead of need stops quietly at the
			 * limit; the record that needs it breaks. */
			*why = "file size limit";
			if (!ahead)
				set_broken(*why);
			return EXT_FAILED;
		}
		if (atomic_compare_exchange_weak(&claimed, &c, want))
			break;
	}
	if (!wait_until(&extent, c)) {
		*why = "write error";
		set_broken(*why);
		return EXT_FAILED;
	}
	extending = true;
	if (!grow_file(fd, c, want, why)) {
		extending = false;
		if (!ahead) {
			set_broken(*why);
		} else {
			/* Give the claim back: the record that needs the
			 * space tries again (and breaks if it must). */
			size_t w = want;

			atomic_compare_exchange_strong(&claimed, &w, c);
		}
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
	int flags = real.fcntl(fd, F_GETFL);

	if (flags >= 0)
		real.fcntl(fd, F_SETFL, flags | O_APPEND);
}

bool logmap_start(int fd, const char **why)
{
	const char *ignored;
	struct stat st;
	size_t end, ps = page_size();
	int flags;
	void *w;

	if (!why)
		why = &ignored;
	*why = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	/* Continue after what an earlier image (before exec), or the file
	 * before a truncation, holds. */
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
	flags = real.fcntl(fd, F_GETFL);
	if (flags < 0 || real.fcntl(fd, F_SETFL, flags & ~O_APPEND) != 0) {
		munmap(w, LOGMAP_WINDOW);
		return false;
	}
	/* We only ever write fresh pages: reading ahead would be wasted. */
	madvise(w, LOGMAP_WINDOW, MADV_RANDOM);
	window = w;
	atomic_store(&pos, end);
	atomic_store(&extent, end);
	atomic_store(&claimed, end);
	atomic_store(&released, base);
	atomic_store(&inflight, 0);
	atomic_store(&state, LM_MAPPED);
	if (extend(fd, end + 1, false, why) != EXT_OK) {
		atomic_store(&state, LM_OFF);
		munmap(w, LOGMAP_WINDOW);
		window = NULL;
		append_again(fd);
		if (ftruncate(fd, (off_t)end) != 0)
			errno = EIO;
		if (*why) {
			/* No space, or at the size limit: records are
			 * dropped (and counted) until logmap_restart. */
			atomic_store(&broken_why, *why);
			atomic_store(&state, LM_BROKEN);
		}
		return false;
	}
	return true;
}

/* Another thread is closing the mapping: wait (briefly) for write(2). */
static enum logmap_result after_close(const char **why)
{
	struct patience p = PATIENCE_INIT;

	do {
		int st = atomic_load(&state);

		if (st == LM_CLOSED || st == LM_OFF)
			return LM_NOT_MAPPED;
	} while (patience_wait(&p));
	*why = "write error";
	return LM_DROPPED;
}

/* Stop mapping: writers that already reserved finish their copies, then
 * the file is trimmed and written with O_APPEND again. */
static void close_mapping(int fd, bool trim, int self)
{
	struct patience p = PATIENCE_INIT;
	size_t end;
	bool quiet = true;

	while (atomic_load(&inflight) > self)
		if (!patience_wait(&p)) {
			quiet = false;	/* keep the reserve, never cut a record */
			break;
		}
	end = atomic_load(&pos);
	if (end > atomic_load(&extent))
		end = atomic_load(&extent);
	if (trim && quiet && ftruncate(fd, (off_t)end) != 0)
		errno = 0;
	append_again(fd);
	atomic_store(&state, LM_CLOSED);
}

enum logmap_result logmap_append(int fd, const char *buf, size_t len,
				 const char **why)
{
	size_t off, end;
	int ext = EXT_OK, expected = LM_MAPPED, st;

	st = atomic_load_explicit(&state, memory_order_acquire);
	if (st != LM_MAPPED) {
		if (st == LM_BROKEN) {
			*why = atomic_load(&broken_why);
			return LM_DROPPED;
		}
		return st == LM_CLOSING ? after_close(why) : LM_NOT_MAPPED;
	}
	if (extending) {
		*why = "interrupted";
		return LM_DROPPED;
	}
	atomic_fetch_add(&inflight, 1);
	if (atomic_load(&state) != LM_MAPPED) {
		atomic_fetch_sub(&inflight, 1);
		return logmap_append(fd, buf, len, why);
	}
	off = atomic_fetch_add_explicit(&pos, len, memory_order_relaxed);
	end = off + len;
	if (end > atomic_load_explicit(&extent, memory_order_acquire))
		ext = extend(fd, end, false, why);
	if (ext == EXT_OK) {
		memcpy(window + (off - base), buf, len);
		if (atomic_load(&state) == LM_BROKEN) {
			/* Truncated under us: the copy went nowhere. */
			atomic_fetch_sub(&inflight, 1);
			*why = atomic_load(&broken_why);
			return LM_DROPPED;
		}
		/* Keep a step ahead, so writers rarely wait for an extension;
		 * still in flight, so a closing thread waits for it. */
		if (atomic_load(&claimed) - end < LOGMAP_GROW / 2) {
			const char *ignored;

			extend(fd, end + LOGMAP_GROW, true, &ignored);
		}
	}
	if (ext == EXT_FULL &&
	    atomic_compare_exchange_strong(&state, &expected, LM_CLOSING)) {
		/* The window is used up: the file goes on with write(2),
		 * after whatever the mapping holds. */
		close_mapping(fd, false, 1);
	}
	atomic_fetch_sub_explicit(&inflight, 1, memory_order_release);
	if (ext == EXT_FULL)
		return after_close(why);
	if (ext == EXT_FAILED) {
		if (!*why)
			*why = "write error";
		return LM_DROPPED;
	}
	return LM_WRITTEN;
}

bool logmap_broken(void)
{
	return atomic_load_explicit(&state, memory_order_relaxed) == LM_BROKEN;
}

bool logmap_active(void)
{
	int st = atomic_load_explicit(&state, memory_order_relaxed);

	return st == LM_MAPPED || st == LM_BROKEN;
}

size_t logmap_end(void)
{
	return atomic_load(&pos);
}

bool logmap_restart(int fd, const char **why)
{
	int st = atomic_load(&state);

	*why = NULL;
	if (st != LM_MAPPED && st != LM_BROKEN)
		return false;
	if (atomic_load(&inflight) != 0)
		return false;
	atomic_store(&state, LM_OFF);
	if (window)
		munmap(window, LOGMAP_WINDOW);
	window = NULL;
	/* Still no space (or over the limit): broken again, for another
	 * try; a file we cannot map at all: write(2) from now on. */
	return logmap_start(fd, why);
}

void logmap_finish(int fd, bool trim)
{
	int expected = LM_MAPPED;

	if (atomic_compare_exchange_strong(&state, &expected, LM_CLOSING)) {
		close_mapping(fd, trim, 0);
		return;
	}
	if (expected != LM_BROKEN)
		return;
	/* Broken: whatever the window holds is not the file's. Leave the
	 * file as its records end (someone may have truncated it). */
	if (window)
		munmap(window, LOGMAP_WINDOW);
	window = NULL;
	if (trim) {
		struct stat st;

		if (fstat(fd, &st) == 0) {
			size_t end = data_end(fd, (size_t)st.st_size);

			if (end < (size_t)st.st_size &&
			    ftruncate(fd, (off_t)end) != 0)
				errno = 0;
		}
	}
	append_again(fd);
	atomic_store(&state, LM_CLOSED);
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

void logmap_set_limit(unsigned long long limit)
{
	atomic_store(&size_limit, limit);
}

bool logmap_fault(const void *addr)
{
	char *w = window;
	const char *a = addr;

	if (!w || a < w || a >= w + LOGMAP_WINDOW)
		return false;
	/* The file shrank under the window. Anonymous memory in its place
	 * lets the interrupted store finish; the records are lost, and
	 * counted by their writers once they see the mapping broken. */
	if (mmap(w, LOGMAP_WINDOW, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
		 0) == MAP_FAILED)
		return false;
	atomic_store(&broken_why, "truncated");
	atomic_store(&state, LM_BROKEN);
	return true;
}

void logmap_fatal(int fd)
{
	size_t end;

	if (atomic_load(&state) != LM_MAPPED || atomic_load(&inflight) != 0)
		return;
	end = atomic_load(&pos);
	if (end > atomic_load(&extent))
		end = atomic_load(&extent);
	if (ftruncate(fd, (off_t)end) != 0)
		return;
}
