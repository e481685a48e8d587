// SPDX-License-Identifier: MIT
/* optcat — the option catalogue and option values. */
#include "build-config.h"

#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "optcat.h"

const struct optcat_entry optcat_table[] = {
#define OPT(lvl, nm, ty, acc, sc, lo_, hi_, d) \
	{ .level = (lvl), .optname = (nm), .level_name = #lvl, .name = #nm, \
	  .type = (ty), .access = (acc), .scope = (sc), .lo = (lo_), \
	  .hi = (hi_), .desc = (d) },
#include "optcat.def"
#undef OPT
};

const size_t optcat_count = sizeof(optcat_table) / sizeof(optcat_table[0]);

/*
 * Option numbers are small per level: a direct index per level makes the
 * lookup on every setsockopt a load, not a search.
 */
#define DIRECT_MAX 256
enum { L_SOCKET, L_IP, L_IPV6, L_TCP, L_COUNT };

static short direct[L_COUNT][DIRECT_MAX];
static pthread_once_t index_once = PTHREAD_ONCE_INIT;
static atomic_bool index_ready;

static int level_slot(int level)
{
	switch (level) {
	case SOL_SOCKET:
		return L_SOCKET;
	case IPPROTO_IP:
		return L_IP;
	case IPPROTO_IPV6:
		return L_IPV6;
	case IPPROTO_TCP:
		return L_TCP;
	default:
		return -1;
	}
}

static void build_index(void)
{
	for (int l = 0; l < L_COUNT; l++)
		for (int o = 0; o < DIRECT_MAX; o++)
			direct[l][o] = -1;
	for (size_t i = 0; i < optcat_count; i++) {
		const struct optcat_entry *e = &optcat_table[i];
		int l = level_slot(e->level);

		if (l >= 0 && e->optname >= 0 && e->optname < DIRECT_MAX)
			direct[l][e->optname] = (short)i;
	}
	atomic_store_explicit(&index_ready, true, memory_order_release);
}

int optcat_find(int level, int optname)
{
	int l = level_slot(level);

	if (l < 0)
		return -1;
	if (!atomic_load_explicit(&index_ready, memory_order_acquire))
		pthread_once(&index_once, build_index);
	if (optname >= 0 && optname < DIRECT_MAX)
		return direct[l][optname];
	for (size_t i = 0; i < optcat_count; i++)
		if (optcat_table[i].level == level &&
		    optcat_table[i].optname == optname)
			return (int)i;
	return -1;
}

int optcat_find_name(const char *name)
{
	for (size_t i = 0; i < optcat_count; i++)
		if (strcasecmp(optcat_table[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *optcat_level_name(int level)
{
	switch (level) {
	case SOL_SOCKET:
		return "SOL_SOCKET";
	case IPPROTO_IP:
		return "IPPROTO_IP";
	case IPPROTO_IPV6:
		return "IPPROTO_IPV6";
	case IPPROTO_TCP:
		return "IPPROTO_TCP";
	case IPPROTO_UDP:
		return "IPPROTO_UDP";
	default:
		return NULL;
	}
}

const char *optcat_type_name(enum optcat_type t)
{
	static const char *const names[] = {
		[OT_BOOL] = "bool",	[OT_INT] = "int",
		[OT_LINGER] = "linger", [OT_TIMEVAL] = "timeval",
		[OT_STRING] = "string", [OT_OPAQUE] = "opaque",
	};
	return (unsigned)t < sizeof(names) / sizeof(*names) ? names[t] : "?";
}

const char *optcat_access_name(enum optcat_access a)
{
	static const char *const names[] = {
		[OA_RW] = "get/set", [OA_GET] = "get", [OA_SET] = "set",
	};
	return (unsigned)a < sizeof(names) / sizeof(*names) ? names[a] : "?";
}

const char *optcat_scope_name(enum optcat_scope s)
{
	static const char *const names[] = {
		[OS_ANY] = "any",	      [OS_INET] = "inet",
		[OS_INET_STREAM] = "inet-stream",
		[OS_INET_DGRAM] = "inet-dgram", [OS_IPV4] = "ipv4",
		[OS_IPV6] = "ipv6",	      [OS_TCP] = "tcp",
		[OS_UDP] = "udp",	      [OS_UNIX] = "unix",
	};
	return (unsigned)s < sizeof(names) / sizeof(*names) ? names[s] : "?";
}

size_t optcat_value_size(enum optcat_type t)
{
	switch (t) {
	case OT_BOOL:
	case OT_INT:
		return sizeof(int);
	case OT_LINGER:
		return sizeof(struct linger);
	case OT_TIMEVAL:
		return sizeof(struct timeval);
	default:
		return 0;
	}
}

static bool is_inet(int family)
{
	return family == AF_INET || family == AF_INET6;
}

bool optcat_fits(const struct optcat_entry *e, int family, int type,
		 int protocol)
{
	switch (e->scope) {
	case OS_ANY:
		return true;
	case OS_INET:
		return is_inet(family);
	case OS_INET_STREAM:
		return is_inet(family) && type == SOCK_STREAM;
	case OS_INET_DGRAM:
		return is_inet(family) && type == SOCK_DGRAM;
	case OS_IPV4:
		return family == AF_INET;
	case OS_IPV6:
		return family == AF_INET6;
	case OS_TCP:
		return is_inet(family) && type == SOCK_STREAM &&
		       (protocol == 0 || protocol == IPPROTO_TCP);
	case OS_UDP:
		return is_inet(family) && type == SOCK_DGRAM &&
		       (protocol == 0 || protocol == IPPROTO_UDP);
	case OS_UNIX:
		return family == AF_UNIX;
	}
	return false;
}

bool optval_decode(enum optcat_type t, const void *buf, socklen_t len,
		   struct optval *out)
{
	size_t need = optcat_value_size(t);

	memset(out, 0, sizeof(*out));
	out->type = t;
	out->len = len;
	if (!buf)
		return false;
	switch (t) {
	case OT_BOOL:
	case OT_INT:
		/* Some IPPROTO_IP options accept a single byte. */
		if (len >= sizeof(int))
			memcpy(&out->i, buf, sizeof(int));
		else if (len == 1)
			out->i = *(const unsigned char *)buf;
		else
			return false;
		return true;
	case OT_LINGER:
	case OT_TIMEVAL:
		if (len < need)
			return false;
		if (t == OT_LINGER)
			memcpy(&out->l, buf, sizeof(out->l));
		else
			memcpy(&out->tv, buf, sizeof(out->tv));
		return true;
	case OT_STRING: {
		size_t n = len < OPTVAL_STR_MAX ? len : OPTVAL_STR_MAX;

		memcpy(out->s, buf, n);
		out->s[n] = '\0';
		return true;
	}
	case OT_OPAQUE:
		memcpy(out->raw, buf, len < OPTVAL_RAW_MAX ? len : OPTVAL_RAW_MAX);
		return true;
	}
	return false;
}

socklen_t optval_encode(const struct optval *v, const void **buf)
{
	switch (v->type) {
	case OT_BOOL:
	case OT_INT:
		*buf = &v->i;
		return sizeof(int);
	case OT_LINGER:
		*buf = &v->l;
		return sizeof(v->l);
	case OT_TIMEVAL:
		*buf = &v->tv;
		return sizeof(v->tv);
	case OT_STRING:
		*buf = v->s;
		return (socklen_t)strlen(v->s);
	case OT_OPAQUE:
		*buf = v->raw;
		return v->len < OPTVAL_RAW_MAX ? v->len : OPTVAL_RAW_MAX;
	}
	*buf = NULL;
	return 0;
}

bool optval_equal(const struct optval *a, const struct optval *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case OT_BOOL:
		return !a->i == !b->i;
	case OT_INT:
		return a->i == b->i;
	case OT_LINGER:
		/* With lingering off the time is irrelevant to the kernel. */
		if (!a->l.l_onoff && !b->l.l_onoff)
			return true;
		return !a->l.l_onoff == !b->l.l_onoff &&
		       a->l.l_linger == b->l.l_linger;
	case OT_TIMEVAL:
		return a->tv.tv_sec == b->tv.tv_sec &&
		       a->tv.tv_usec == b->tv.tv_usec;
	case OT_STRING:
		return strcmp(a->s, b->s) == 0;
	case OT_OPAQUE:
		return a->len == b->len &&
		       memcmp(a->raw, b->raw, a->len < OPTVAL_RAW_MAX ?
						      a->len : OPTVAL_RAW_MAX) == 0;
	}
	return false;
}
