// SPDX-License-Identifier: MIT
/*
 * supervise_sock — the program's sockets as the supervisor knows them:
 * by SO_COOKIE, in a direct-mapped table, with the facts rules match on
 * (asked of the kernel through our duplicate on first sight, then learnt
 * from the calls we see). See supervise_int.h for the other rooms.
 */
#include "build-config.h"

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "supervise_int.h"

void sv_addr_facts(const struct sockaddr *sa, socklen_t len,
		   struct in6_addr *addr, uint16_t *port)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;

		memset(addr, 0, sizeof(*addr));
		addr->s6_addr[10] = addr->s6_addr[11] = 0xff;
		memcpy(&addr->s6_addr[12], &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6 &&
		   len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		*addr = in6->sin6_addr;
		*port = ntohs(in6->sin6_port);
	}
}

void sv_local_facts(int dup, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	uint16_t port = 0;

	if (getsockname(dup, (struct sockaddr *)&ss, &slen) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
		sv_addr_facts((struct sockaddr *)&ss, slen, &si->local_addr,
			      &port);
		if (port) {
			si->local_port = port;
			si->has_local = 1;
		}
	}
}

/*
 * What the kernel says about a socket we see for the first time. One
 * already connected that we did not see connect was accepted: connect
 * is stopped whenever rules could care.
 */
static void discover(const struct policy *p, int dup, struct sockinfo *si)
{
	struct sockaddr_storage ss;
	socklen_t len, slen;
	int v;

	memset(si, 0, sizeof(*si));
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_DOMAIN, &v, &len) == 0)
		si->family = (uint16_t)v;
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_TYPE, &v, &len) == 0)
		si->type = (uint16_t)v;
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0)
		si->protocol = (uint16_t)v;
	/* Which option fits is known now; the rest only rules ask about. */
	if (!(p->match_keys & (M_ROLE | M_LOCAL_PORT | M_LOCAL_ADDR |
			       M_REMOTE_PORT | M_REMOTE_ADDR)))
		return;
	len = sizeof(v);
	if (getsockopt(dup, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v)
		si->role = ROLE_LISTENER;
	sv_local_facts(dup, si);
	slen = sizeof(ss);
	if (getpeername(dup, (struct sockaddr *)&ss, &slen) == 0) {
		sv_addr_facts((struct sockaddr *)&ss, slen, &si->remote_addr,
			      &si->remote_port);
		si->has_remote = 1;
		if (si->role == ROLE_NONE)
			si->role = ROLE_ACCEPTED;
	}
}

struct sv_sock *sv_sock_get(struct sv *s, int dup)
{
	uint64_t cookie;
	socklen_t len = sizeof(cookie);
	struct sv_sock *k;

	if (!s->socks ||
	    getsockopt(dup, SOL_SOCKET, SO_COOKIE, &cookie, &len) != 0)
		return NULL;
	/* Direct-mapped: a slot is reused only after 64K newer sockets. */
	k = &s->socks[cookie & (SOCK_SLOTS - 1)];
	if (k->cookie != cookie) {
		k->cookie = cookie;
		k->seen = 0;
		discover(&s->pol, dup, &k->si);
	}
	return k;
}
