// SPDX-License-Identifier: MIT
/*
 * shim_conn — a socket's life up to its connection: socket, socketpair,
 * bind, listen, connect and accept. Each reveals facts (family, address,
 * role) that rules match on; the policy's options go in as soon as the
 * rules naming them can match, before the kernel needs them.
 */
#include "build-config.h"

#include <errno.h>
#include <string.h>

#include "fdtab.h"
#include "log.h"
#include "policy.h"
#include "real.h"
#include "shim.h"
#include "shim_int.h"

int shim_socket(int domain, int type, int protocol)
{
	struct frame f;
	struct sockinfo si;
	int fd;

	if (!call_begin_socket(&f))
		return real.socket(domain, type, protocol);
	fd = real.socket(domain, type, protocol);
	call_done(&f, fd);
	if (logging(ACT_NONE)) {
		struct log_rec r = { .call = LC_SOCKET, .family = domain,
				     .type = type, .protocol = protocol,
				     .fd = fd };

		call_emit(&f, &r);
	}
	if (fd >= 0) {
		facts_created(domain, type, protocol, &si);
		facts_apply(fd, &si, EV_CREATED);	/* stores si */
	}
	return call_end(&f, NULL);
}

int shim_socketpair(int domain, int type, int protocol, int sv[2])
{
	struct log_rec r = { .call = LC_SOCKETPAIR, .family = domain,
			     .type = type, .protocol = protocol, .fd = -1 };
	struct frame f;

	if (!call_begin_socket(&f))
		return real.socketpair(domain, type, protocol, sv);
	call_done(&f, real.socketpair(domain, type, protocol, sv));
	if (!f.failed) {
		struct sockinfo si;

		facts_created(domain, type, protocol, &si);
		fdtab_set(sv[0], &si);
		fdtab_set(sv[1], &si);
		r.fd = sv[0];
		r.arg = sv[1];
	}
	return call_end(&f, &r);
}

int shim_bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct log_rec r = { .call = LC_BIND, .fd = fd };
	struct sockaddr_storage copy;
	struct tentative t;
	struct frame f;

	if (!call_begin_socket(&f))
		return real.bind(fd, addr, len);
	t.have = false;
	if (facts_copy_addr(addr, len, &copy)) {
		r.addr = (struct sockaddr *)&copy;
		r.addrlen = len;
	}
	if (r.addr && tentative_begin(fd, &t)) {
		facts_from_addr(r.addr, len, &t.si.local_addr, &t.si.local_port);
		t.si.has_local = 1;
		tentative_apply(fd, &t, EV_BOUND);
	}
	call_done(&f, real.bind(fd, addr, len));
	tentative_end(fd, &t, !f.failed);
	return call_end(&f, &r);
}

int shim_listen(int fd, int backlog)
{
	struct log_rec r = { .call = LC_LISTEN, .fd = fd, .arg = backlog };
	struct tentative t;
	struct frame f;

	if (!call_begin_socket(&f))
		return real.listen(fd, backlog);
	if (tentative_begin(fd, &t)) {
		t.si.role = ROLE_LISTENER;
		facts_local(fd, &t.si);
		tentative_apply(fd, &t, EV_LISTENING);
	}
	call_done(&f, real.listen(fd, backlog));
	tentative_end(fd, &t, !f.failed);
	return call_end(&f, &r);
}

int shim_connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct log_rec r = { .call = LC_CONNECT, .fd = fd };
	struct sockaddr_storage copy;
	struct tentative t;
	struct frame f;

	if (!call_begin_socket(&f))
		return real.connect(fd, addr, len);
	t.have = false;
	if (facts_copy_addr(addr, len, &copy)) {
		r.addr = (struct sockaddr *)&copy;
		r.addrlen = len;
	}
	if (r.addr && tentative_begin(fd, &t)) {
		facts_from_addr(r.addr, len, &t.si.remote_addr, &t.si.remote_port);
		t.si.has_remote = 1;
		if (t.si.role == ROLE_NONE)
			t.si.role = ROLE_CLIENT;
		tentative_apply(fd, &t, EV_CONNECTING);
	}
	call_done(&f, real.connect(fd, addr, len));
	/* EINPROGRESS is a connection under way: the facts hold. */
	tentative_end(fd, &t, !f.failed || f.err == EINPROGRESS ||
				      f.err == EALREADY || f.err == EISCONN);
	return call_end(&f, &r);
}

int shim_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags,
		 bool is_accept4)
{
	struct log_rec r = { .call = is_accept4 ? LC_ACCEPT4 : LC_ACCEPT,
			     .listen_fd = fd, .arg = flags };
	struct sockinfo si;
	socklen_t given = 0;
	struct frame f;
	int nfd;

	if (!call_begin_socket(&f))
		return is_accept4 ? real.accept4(fd, addr, len, flags) :
				    real.accept(fd, addr, len);
	/* The buffer's size: *len comes back as the peer's, maybe larger. */
	if (addr && len && !facts_read(&given, len, sizeof(given)))
		given = 0;
	nfd = is_accept4 ? real.accept4(fd, addr, len, flags) :
			   real.accept(fd, addr, len);
	call_done(&f, nfd);
	r.fd = nfd;
	if (nfd < 0)
		return call_end(&f, &r);
	if (addr && len) {
		r.addr = addr;	/* the kernel wrote what fits */
		r.addrlen = *len < given ? *len : given;
	}
	facts_accepted(fd, nfd, r.addr, r.addrlen, &si);
	call_emit(&f, &r);	/* before the records of what the policy sets */
	facts_apply(nfd, &si, EV_ACCEPTED);
	return call_end(&f, NULL);
}
