// SPDX-License-Identifier: MIT
/*
 * supervise_caps — a supervisor that holds capabilities (root's, most
 * often) must not make a setsockopt the program itself could not: for
 * the options that need one, it lowers its effective set to the
 * caller's for the call. See supervise_int.h for the other rooms.
 */
#include "build-config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "optcat.h"
#include "supervise_int.h"

/*
 * Options whose setsockopt the kernel lets through only with a capability
 * (CAP_NET_ADMIN, CAP_NET_RAW) or on a limit a capability lifts: a
 * privileged supervisor sets these with no capability the program lacks.
 * Checking the program's capabilities costs a read of /proc, so other
 * options are set as they are.
 */
static const char *const privileged_opts[] = {
	"SO_DEBUG", "SO_MARK", "SO_PRIORITY", "SO_RCVBUFFORCE",
	"SO_SNDBUFFORCE", "SO_BINDTODEVICE", "SO_BINDTOIFINDEX",
	"SO_BUSY_POLL", "SO_BUSY_POLL_BUDGET", "SO_PREFER_BUSY_POLL",
	"SO_RESERVE_MEM", "SO_ATTACH_BPF", "SO_ATTACH_REUSEPORT_EBPF",
	"IP_TRANSPARENT", "IPV6_TRANSPARENT", "IP_HDRINCL", "IPV6_HDRINCL",
	"IP_IPSEC_POLICY", "IP_XFRM_POLICY", "IPV6_IPSEC_POLICY",
	"IPV6_XFRM_POLICY", "IPV6_ROUTER_ALERT", "TCP_REPAIR",
	"TCP_REPAIR_QUEUE", "TCP_REPAIR_OPTIONS", "TCP_REPAIR_WINDOW",
	"TCP_QUEUE_SEQ", "TCP_CONGESTION", "TCP_ULP", "TCP_FASTOPEN_KEY",
};

struct caps {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
};

static bool caps_get(struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->h.version = _LINUX_CAPABILITY_VERSION_3;
	return syscall(SYS_capget, &c->h, c->d) == 0;
}

static bool caps_set(struct caps *c)
{
	c->h.version = _LINUX_CAPABILITY_VERSION_3;
	c->h.pid = 0;
	return syscall(SYS_capset, &c->h, c->d) == 0;
}

/*
 * setsockopt on the caller's behalf, with no capability it lacks: a
 * privileged supervisor must not let SO_MARK or SO_RCVBUFFORCE through
 * where the program would get EPERM. Returns the call's result, or
 * INT_MIN when we cannot act as the caller (nothing was done).
 */
int sv_set_as_caller(const struct sv *s, pid_t tid, int dup, int opt,
		     const void *buf, socklen_t len)
{
	int level = optcat_table[opt].level, optname = optcat_table[opt].optname;
	struct caps saved, lowered;
	uint64_t eff;
	int ret, err;

	if (!s->privileged || !s->needs_cap || !s->needs_cap[opt])
		return setsockopt(dup, level, optname, buf, len);
	if (!sv_task_status(tid, NULL, 0, NULL, &eff) || !caps_get(&saved))
		return INT_MIN;
	lowered = saved;
	lowered.d[0].effective &= (uint32_t)eff;
	lowered.d[1].effective &= (uint32_t)(eff >> 32);
	if (!caps_set(&lowered))
		return INT_MIN;
	ret = setsockopt(dup, level, optname, buf, len);
	err = errno;
	if (!caps_set(&saved)) {
		/* Unable to take them back: go on without them. */
		struct caps cur;

		if (caps_get(&cur))
			((struct sv *)s)->privileged =
				cur.d[0].effective || cur.d[1].effective;
	}
	errno = err;
	return ret;
}

bool sv_have_cap_sys_admin(void)
{
	struct caps c;

	return caps_get(&c) && (c.d[0].effective & (1u << CAP_SYS_ADMIN));
}

void sv_caps_init(struct sv *s)
{
	struct caps caps;

	s->privileged = caps_get(&caps) &&
			(caps.d[0].effective || caps.d[1].effective);
	s->needs_cap = calloc(optcat_count ? optcat_count : 1, 1);
	for (size_t i = 0; s->needs_cap && i < sizeof(privileged_opts) /
					       sizeof(privileged_opts[0]); i++) {
		int opt = optcat_find_name(privileged_opts[i]);

		if (opt >= 0)
			s->needs_cap[opt] = 1;
	}
}
