// SPDX-License-Identifier: MIT
/*
 * fuzz_config — bytes as a policy file: load, then ask the policy every
 * question the hooks ask, then free. Built for libFuzzer by scripts/fuzz,
 * and with driver.c as a plain program that replays the seed corpus.
 */
#include "build-config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void facts(struct sockinfo *si, int family, int type, int proto,
		  int role, const char *laddr, int lport, const char *raddr,
		  int rport)
{
	struct in_addr a4;

	memset(si, 0, sizeof(*si));
	si->family = (uint16_t)family;
	si->type = (uint16_t)type;
	si->protocol = (uint16_t)proto;
	si->role = (uint8_t)role;
	if (laddr) {
		if (inet_pton(AF_INET, laddr, &a4) == 1) {
			si->local_addr.s6_addr[10] = 0xff;
			si->local_addr.s6_addr[11] = 0xff;
			memcpy(&si->local_addr.s6_addr[12], &a4, 4);
		} else {
			inet_pton(AF_INET6, laddr, &si->local_addr);
		}
		si->has_local = 1;
		si->local_port = (uint16_t)lport;
	}
	if (raddr) {
		if (inet_pton(AF_INET, raddr, &a4) == 1) {
			si->remote_addr.s6_addr[10] = 0xff;
			si->remote_addr.s6_addr[11] = 0xff;
			memcpy(&si->remote_addr.s6_addr[12], &a4, 4);
		} else {
			inet_pton(AF_INET6, raddr, &si->remote_addr);
		}
		si->has_remote = 1;
		si->remote_port = (uint16_t)rport;
	}
}

/* What the hooks do with a socket over its life, minus the sockets. */
static void keep_one(const struct pol_apply *a, void *arg)
{
	struct pol_apply *last = arg;

	*last = *a;
}

static void exercise(const struct policy *p, struct sockinfo *si)
{
	static const enum pol_event events[] = { EV_CREATED, EV_BOUND,
						 EV_LISTENING, EV_CONNECTING,
						 EV_ACCEPTED };
	struct pol_apply todo[1];
	struct verdict v;
	struct optval app;

	for (size_t e = 0; e < sizeof(events) / sizeof(*events); e++)
		policy_on_event(p, si, events[e], keep_one, todo);
	for (size_t i = 0; i < optcat_count; i++) {
		const struct directive *d = policy_lookup(p, si, (int)i);

		if (!d)
			continue;
		memset(&app, 0, sizeof(app));
		app.type = optcat_table[i].type;
		app.len = (socklen_t)optcat_value_size(app.type);
		switch (app.type) {
		case OT_LINGER:
			app.l.l_onoff = 1;
			app.l.l_linger = (int)(i % 3) ? 0x7fffffff : 0;
			break;
		case OT_TIMEVAL:
			app.tv.tv_sec = (i & 1) ? 0x7fffffffffffffffL : 0;
			app.tv.tv_usec = (i & 2) ? 999999 : 0;
			break;
		case OT_STRING:
			strcpy(app.s, "lo");
			app.len = 2;
			break;
		default:
			app.i = (i & 1) ? -1 : 0x7fffffff;
			break;
		}
		policy_judge_set(p, si, (int)i, &app, &v);
		(void)policy_action_name(v.action, v.enforce);
	}
	for (size_t r = 0; r < p->nrules; r++)
		(void)policy_match(&p->rules[r], si);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_errors errs;
	struct policy p;
	struct sockinfo si;
	char *text, line[768];

	/*
	 * @include reads other files: a path that leaves the corpus (a
	 * device, /proc) makes the run about that file, not about us.
	 */
	if (memmem(data, size, "@include", 8) &&
	    (memmem(data, size, "\"/", 2) || memmem(data, size, "..", 2)))
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_load_string(text, "fuzz.conf", &p, &errs) != 0) {
		for (int i = 0; i < errs.n && i < CONFIG_MAX_ERRORS; i++)
			config_error_format(&errs.e[i], line, sizeof(line));
	}
	policy_set_program(&p, "redis-server");
	facts(&si, AF_INET, SOCK_STREAM, IPPROTO_TCP, ROLE_NONE, NULL, 0, NULL, 0);
	exercise(&p, &si);
	facts(&si, AF_INET, SOCK_STREAM, IPPROTO_TCP, ROLE_LISTENER,
	      "127.0.0.1", 80, NULL, 0);
	exercise(&p, &si);
	facts(&si, AF_INET6, SOCK_STREAM, IPPROTO_TCP, ROLE_CLIENT, "::1",
	      40000, "::1", 6379);
	exercise(&p, &si);
	facts(&si, AF_INET, SOCK_DGRAM, IPPROTO_UDP, ROLE_ACCEPTED,
	      "10.1.2.3", 53, "192.168.0.1", 65535);
	exercise(&p, &si);
	facts(&si, AF_UNIX, SOCK_STREAM, 0, ROLE_CLIENT, NULL, 0, NULL, 0);
	exercise(&p, &si);
	policy_set_program(&p, "");
	exercise(&p, &si);
	policy_free(&p);
	free(text);
	return 0;
}
