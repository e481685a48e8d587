// SPDX-License-Identifier: MIT
/*
 * logsyslog — records as syslog datagrams, without libc's syslog(3): it
 * takes a lock and formats local time under another, and a fork while a
 * thread holds either would leave the child stuck. Our own datagram
 * socket to the log daemon, high and close-on-exec like the file; never
 * blocking for long, never SIGPIPE.
 */
#include "build-config.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "logint.h"
#include "real.h"
#include "sandbox.h"
#include "strbuf.h"

static char syslog_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static char syslog_tag[64];	/* "<PRI>ident[", or RFC 5424's "<PRI>1 " */
static size_t syslog_tag_len;
static bool rfc5424;
static char syslog_mid[200];	/* RFC 5424: " HOST ident " */
static size_t syslog_mid_len;
static atomic_bool reconnecting;

/* Point a datagram socket at the daemon's; a datagram socket may be
 * connected again when the daemon comes back with a new one. */
static bool connect_to(int fd, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	return real.connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
}

static int dgram_socket(void)
{
	int fd = real.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			     0);
	int high;

	if (fd < 0)
		return -1;
	high = log_dup_high(fd);
	if (high >= 0) {
		real.close(fd);
		fd = high;
	}
	return fd;
}

/* RFC 5424's " HOST APP-NAME ": the host given, else the machine's. */
static void rfc5424_mid(const char *host, const char *ident)
{
	struct sb b = sb_init(syslog_mid, sizeof(syslog_mid) + 1);
	struct utsname u;

	if (!host || !*host)
		host = uname(&u) == 0 && *u.nodename ? u.nodename : "-";
	sb_putc(&b, ' ');
	sb_puts(&b, host);
	sb_putc(&b, ' ');
	sb_puts(&b, ident);
	sb_putc(&b, ' ');
	syslog_mid_len = b.len;
}

int logsys_open(const char *socket_path, int facility, const char *ident,
		bool use_rfc5424, const char *host)
{
	struct sb b = sb_init(syslog_tag, sizeof(syslog_tag) + 1);
	int fd;

	if (strlen(socket_path) >= sizeof(syslog_path)) {
		log_warn("sockshim: syslog socket path too long: %s",
			 socket_path);
		return -1;
	}
	strcpy(syslog_path, socket_path);
	sb_putc(&b, '<');
	sb_ulong(&b, (unsigned long long)(facility | LOG_INFO), 0);
	sb_putc(&b, '>');
	rfc5424 = use_rfc5424;
	if (rfc5424) {
		sb_puts(&b, "1 ");
		rfc5424_mid(host, ident);
	} else {
		sb_puts(&b, ident);
		sb_putc(&b, '[');
	}
	syslog_tag_len = b.len;
	fd = dgram_socket();
	if (fd < 0) {
		log_warn("sockshim: no socket for syslog: %s", strerror(errno));
		return -1;
	}
	if (!connect_to(fd, syslog_path))
		log_warn("sockshim: cannot reach syslog at %s: %s (will retry)",
			 syslog_path, strerror(errno));
	return fd;
}

/*
 * A daemon's queue is short: when it is full, wait for room a little
 * (syslog(3) would wait for ever), then drop the record rather than hold
 * the program up.
 */
#define SYSLOG_WAIT_MS 200

static bool send_waiting(int fd, const char *msg, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	for (int waited = 0;; waited += 10) {
		if (send(fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return true;
		if ((errno != EAGAIN && errno != EINTR) ||
		    waited >= SYSLOG_WAIT_MS || sandbox_entered())
			return false;
		poll(&pfd, 1, 10);
	}
}

/* A JSON record's own time, "2026-11-28T04:03:29.106226Z"; else "-". */
static void rfc5424_time(struct sb *b, const char *rec, size_t n)
{
	static const char ts[] = "{\"ts\":\"";
	const char *end;

	if (n > sizeof(ts) - 1 && memcmp(rec, ts, sizeof(ts) - 1) == 0 &&
	    (end = memchr(rec + sizeof(ts) - 1, '"', n - (sizeof(ts) - 1))) &&
	    end - rec < 48) {
		sb_putn(b, rec + sizeof(ts) - 1,
			(size_t)(end - rec) - (sizeof(ts) - 1));
		return;
	}
	sb_putc(b, '-');
}

/* "<PRI>ident[pid]: record", the daemon adds time and host; or RFC 5424
 * "<PRI>1 TIME HOST ident pid - - record". */
bool logsys_send(int fd, const char *rec, size_t n)
{
	char msg[RECORD_MAX + 96 + sizeof(syslog_mid)];
	struct sb b = sb_init(msg, sizeof(msg) + 1);
	bool sent;

	sb_putn(&b, syslog_tag, syslog_tag_len);
	if (rfc5424) {
		rfc5424_time(&b, rec, n);
		sb_putn(&b, syslog_mid, syslog_mid_len);
		sb_ulong(&b, (unsigned long long)log_pid(), 0);
		sb_puts(&b, " - - ");
	} else {
		sb_ulong(&b, (unsigned long long)log_pid(), 0);
		sb_puts(&b, "]: ");
	}
	sb_putn(&b, rec, n);
	if (fd < 0)
		return false;
	if (send_waiting(fd, msg, b.len))
		return true;
	if ((errno != ECONNREFUSED && errno != ENOTCONN && errno != ENOENT) ||
	    sandbox_entered())
		return false;
	/* The daemon restarted, or was not up yet: one thread reconnects
	 * (the descriptor stays the same), the others drop their record. */
	if (atomic_exchange(&reconnecting, true))
		return false;
	sent = connect_to(fd, syslog_path) && send_waiting(fd, msg, b.len);
	atomic_store(&reconnecting, false);
	return sent;
}

void logsys_warn(const char *text, size_t n)
{
	char msg[1200];
	struct sb b = sb_init(msg, sizeof(msg) + 1);
	int fd;

	if (!sandbox_allows(SBX_SEND) || !sandbox_allows(SBX_FILES))
		return;
	/* LOG_USER | LOG_WARNING */
	sb_puts(&b, "<12>sockshim[");
	sb_ulong(&b, (unsigned long long)getpid(), 0);
	sb_puts(&b, "]: ");
	sb_putn(&b, text, n);
	fd = real.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return;
	if (connect_to(fd, "/dev/log"))
		send(fd, msg, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	real.close(fd);
}
