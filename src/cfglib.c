// SPDX-License-Identifier: MIT
/* cfglib — libconfig loaded on first use (see cfglib.h). */
#include "build-config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "cfglib.h"

struct cfglib cfglib;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[256];	/* empty: loaded */

#define FIND(member, name)                                               \
	do {                                                             \
		*(void **)&cfglib.member = dlsym(h, name);               \
		if (!cfglib.member) {                                    \
			snprintf(failure, sizeof(failure),               \
				 "%s has no %s", LIBCONFIG_SONAME, name); \
			return;                                          \
		}                                                        \
	} while (0)

static void load(void)
{
	/* Local: its symbols never interpose on the program's. Never
	 * closed: policies keep pointers into nothing of it, but a reload
	 * may need it again. */
	void *h = dlopen(LIBCONFIG_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();

		snprintf(failure, sizeof(failure), "%s",
			 e ? e : "cannot load " LIBCONFIG_SONAME);
		return;
	}
	FIND(init, "config_init");
	FIND(destroy, "config_destroy");
	FIND(read_string, "config_read_string");
	FIND(set_include_dir, "config_set_include_dir");
	FIND(get_member, "config_setting_get_member");
	FIND(get_elem, "config_setting_get_elem");
	FIND(length, "config_setting_length");
	FIND(get_string, "config_setting_get_string");
	FIND(get_int64, "config_setting_get_int64");
	FIND(get_float, "config_setting_get_float");
	FIND(get_bool, "config_setting_get_bool");
}

bool cfglib_load(const char **why)
{
	pthread_once(&once, load);
	if (failure[0]) {
		*why = failure;
		return false;
	}
	return true;
}
