/* SPDX-License-Identifier: MIT */
/*
 * cfglib — libconfig, loaded when a policy is first read, not with the
 * library.
 *
 * Preloaded into every process of a host, the shim must cost a process
 * that never makes a socket next to nothing; a shared library the loader
 * maps at start-up is a few page faults of every exec. So nothing links
 * libconfig: cfglib_load() dlopens it (by the file name the build found,
 * LIBCONFIG_SONAME) the first time a policy is parsed, and the libconfig
 * calls the loader makes go through a table of its functions. The macros
 * below keep the config sources written against libconfig's own names.
 *
 * Include this instead of <libconfig.h>, in src/config*.c only.
 */
#ifndef SOCKSHIM_CFGLIB_H
#define SOCKSHIM_CFGLIB_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>

struct cfglib {
	void (*init)(config_t *c);
	void (*destroy)(config_t *c);
	int (*read_string)(config_t *c, const char *text);
	void (*set_include_dir)(config_t *c, const char *dir);
	config_setting_t *(*get_member)(const config_setting_t *s,
					const char *name);
	config_setting_t *(*get_elem)(const config_setting_t *s,
				      unsigned int idx);
	int (*length)(const config_setting_t *s);
	const char *(*get_string)(const config_setting_t *s);
	long long (*get_int64)(const config_setting_t *s);
	double (*get_float)(const config_setting_t *s);
	int (*get_bool)(const config_setting_t *s);
};

/* Filled by cfglib_load(); read only after it returned true. */
extern struct cfglib cfglib;

/*
 * Load libconfig once (thread-safe; later calls cost a load). false: it
 * cannot be loaded, and *why says why (the loader's message).
 */
bool cfglib_load(const char **why);

#define config_init(c)			cfglib.init(c)
#define config_destroy(c)		cfglib.destroy(c)
#define config_read_string(c, t)	cfglib.read_string((c), (t))
#define config_set_include_dir(c, d)	cfglib.set_include_dir((c), (d))
#define config_setting_get_member(s, n)	cfglib.get_member((s), (n))
#define config_setting_get_elem(s, i)	cfglib.get_elem((s), (i))
#define config_setting_length(s)	cfglib.length(s)
#define config_setting_get_string(s)	cfglib.get_string(s)
#define config_setting_get_int64(s)	cfglib.get_int64(s)
#define config_setting_get_float(s)	cfglib.get_float(s)
#define config_setting_get_bool(s)	cfglib.get_bool(s)

#endif
