// SPDX-License-Identifier: MIT
/*
 * cli_run — `sockshim run`: find the library, preload it, exec the
 * program; first warn when the loader will not let it in (set-id, file
 * capabilities). A program that bypasses libc (Go, static ELF) goes to
 * the seccomp supervisor instead (supervise.c), or any program with
 * --via seccomp; --via preload keeps to the preload and warns.
 */
#include "build-config.h"

#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cli.h"
#include "supervise.h"


/* The library next to us in a build tree, else the installed one. */
bool cli_find_library(char *out, size_t len)
{
	const char *env = getenv("SOCKSHIM_LIB");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, R_OK) == 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash && (size_t)(slash - self) + 22 < len) {
			*slash = '\0';
			snprintf(out, len, "%.*s/.libs/libsockshim.so",
				 (int)(len - 22), self);
			if (access(out, R_OK) == 0)
				return true;
		}
	}
	snprintf(out, len, "%s/libsockshim.so", SOCKSHIM_PKGLIBDIR);
	return access(out, R_OK) == 0;
}

/* Resolve PROGRAM the way execvp will. */
static bool find_program(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, F_OK) == 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");

		snprintf(out, len, "%.*s/%s", (int)n, n ? p : ".", name);
		if (access(out, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* What the ELF file says about how it makes system calls. */
struct elf_facts {
	bool elf, interp, go;
};

static bool read_at(FILE *f, long off, void *buf, size_t len)
{
	return fseek(f, off, SEEK_SET) == 0 && fread(buf, 1, len, f) == len;
}

static void go_sections(FILE *f, const Elf64_Ehdr *eh, struct elf_facts *ef)
{
	Elf64_Shdr strsh, sh;
	char name[32];

	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shentsize != sizeof(sh) ||
	    !read_at(f, (long)(eh->e_shoff + eh->e_shstrndx * sizeof(sh)),
		     &strsh, sizeof(strsh)))
		return;
	for (int i = 0; i < eh->e_shnum && i < 4096; i++) {
		if (!read_at(f, (long)(eh->e_shoff + (Elf64_Off)i * sizeof(sh)),
			     &sh, sizeof(sh)) ||
		    !read_at(f, (long)(strsh.sh_offset + sh.sh_name), name,
			     sizeof(name)))
			continue;
		name[sizeof(name) - 1] = '\0';
		if (strcmp(name, ".go.buildinfo") == 0 ||
		    strcmp(name, ".note.go.buildid") == 0 ||
		    strcmp(name, ".gopclntab") == 0)
			ef->go = true;
	}
}

static struct elf_facts inspect_elf(const char *path)
{
	struct elf_facts ef = { 0 };
	FILE *f = fopen(path, "rbe");
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (!f)
		return ef;
	if (!read_at(f, 0, &eh, sizeof(eh)) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		fclose(f);
		return ef;
	}
	ef.elf = true;
	for (int i = 0; i < eh.e_phnum && i < 256; i++)
		if (read_at(f, (long)(eh.e_phoff + (Elf64_Off)i * sizeof(ph)),
			    &ph, sizeof(ph)) && ph.p_type == PT_INTERP)
			ef.interp = true;
	go_sections(f, &eh, &ef);
	fclose(f);
	return ef;
}

/* A script's interpreter: "#!/usr/bin/env python3" gives python3's path. */
static bool script_interpreter(const char *path, char *out, size_t len)
{
	char line[256], *p, *arg;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (!p || strncmp(line, "#!", 2) != 0)
		return false;
	p = line + 2 + strspn(line + 2, " \t");
	p[strcspn(p, " \t\n")] = '\0';
	arg = p + strlen(p) + 1;
	if (strcmp(p, "/usr/bin/env") == 0 && arg < line + sizeof(line)) {
		arg += strspn(arg, " \t");
		arg[strcspn(arg, " \t\n")] = '\0';
		return *arg && find_program(arg, out, len);
	}
	snprintf(out, len, "%s", p);
	return true;
}

/* Does the file name liburing? (linked, or built in) */
static bool links_liburing(const char *path)
{
	static const char needle[] = "liburing";
	char buf[65536 + sizeof(needle)];
	size_t keep = 0, n;
	FILE *f = fopen(path, "rbe");
	bool found = false;

	if (!f)
		return false;
	while (!found && (n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
		n += keep;
		found = memmem(buf, n, needle, sizeof(needle) - 1) != NULL;
		keep = n < sizeof(needle) - 1 ? n : sizeof(needle) - 1;
		memmove(buf, buf + n - keep, keep);
	}
	fclose(f);
	return found;
}

/* The way in: the preload, or the seccomp supervisor. */
enum via { VIA_AUTO, VIA_PRELOAD, VIA_SECCOMP };

/* The program as run will find it, and how it makes system calls. */
struct prog_facts {
	char path[PATH_MAX];	/* as found in PATH */
	char exe[PATH_MAX];	/* the ELF file: a script's interpreter */
	bool found, go, is_static;
};

static void probe_program(const char *name, struct prog_facts *pf)
{
	struct elf_facts ef;

	memset(pf, 0, sizeof(*pf));
	pf->found = find_program(name, pf->path, sizeof(pf->path));
	if (!pf->found)
		return;
	if (!script_interpreter(pf->path, pf->exe, sizeof(pf->exe)))
		snprintf(pf->exe, sizeof(pf->exe), "%s", pf->path);
	ef = inspect_elf(pf->exe);
	pf->go = ef.elf && ef.go;
	pf->is_static = ef.elf && !ef.go && !ef.interp;
}

/* Warn, never refuse: the user may know better (a wrapper script...). */
static void warn_unreachable(const struct prog_facts *pf)
{
	const char *path = pf->path;
	struct stat st;

	if (!pf->found)
		return;
	/*
	 * The loader ignores LD_PRELOAD only in secure mode, when the exec
	 * changes the credentials of the user running it: a set-user-ID file
	 * owned by someone else, a set-group-ID one of another group, file
	 * capabilities for anyone but root. root running a setuid-root or
	 * capability binary keeps the preload.
	 */
	if (stat(path, &st) == 0 && (st.st_mode & S_ISUID) &&
	    st.st_uid != getuid())
		fprintf(stderr, "%s: warning: %s is setuid: for you the dynamic "
				"loader ignores LD_PRELOAD, so sockshim will not "
				"run in it\n",
			cli_name, path);
	else if (stat(path, &st) == 0 && (st.st_mode & S_ISGID) &&
		 st.st_gid != getgid())
		fprintf(stderr, "%s: warning: %s is setgid: for you the dynamic "
				"loader ignores LD_PRELOAD, so sockshim will not "
				"run in it\n",
			cli_name, path);
	else if (getuid() != 0 &&
		 getxattr(path, "security.capability", NULL, 0) > 0)
		fprintf(stderr, "%s: warning: %s has file capabilities: for "
				"you the dynamic loader ignores LD_PRELOAD, so "
				"sockshim will not run in it\n",
			cli_name, path);
	if (pf->go)
		fprintf(stderr, "%s: warning: %s is a Go program: it makes system "
				"calls directly, so sockshim sees none of its "
				"socket calls\n",
			cli_name, pf->exe);
	else if (pf->is_static)
		fprintf(stderr, "%s: warning: %s is statically linked: it makes "
				"system calls directly, so sockshim sees none of "
				"its socket calls\n",
			cli_name, pf->exe);
}

static int set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *val;
	int rc;

	if (old && *old) {
		size_t n = strlen(lib) + strlen(old) + 2;

		val = malloc(n);
		if (!val)
			return -1;
		snprintf(val, n, "%s:%s", lib, old);
	} else {
		val = strdup(lib);
		if (!val)
			return -1;
	}
	rc = setenv("LD_PRELOAD", val, 1);
	free(val);
	return rc;
}

int cli_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'o' },
		{ "audit", no_argument, NULL, 'A' },
		{ "trace", no_argument, NULL, 'T' },
		{ "via", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char lib[PATH_MAX], cfg[PATH_MAX];
	enum via via = VIA_AUTO;
	struct prog_facts pf;
	int c;

	while ((c = getopt_long(argc, argv, "+c:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!realpath(optarg, cfg)) {
				fprintf(stderr, "%s: %s: %s\n", cli_name, optarg,
					strerror(errno));
				return EXIT_USAGE;
			}
			setenv("SOCKSHIM_CONFIG", cfg, 1);
			break;
		case 'o':
			setenv("SOCKSHIM_LOG", optarg, 1);
			break;
		case 'A':
			setenv("SOCKSHIM_MODE", "audit", 1);
			break;
		case 'T':
			setenv("SOCKSHIM_MODE", "trace", 1);
			break;
		case 'V':
			if (strcmp(optarg, "auto") == 0)
				via = VIA_AUTO;
			else if (strcmp(optarg, "preload") == 0)
				via = VIA_PRELOAD;
			else if (strcmp(optarg, "seccomp") == 0)
				via = VIA_SECCOMP;
			else
				return cli_usage_error("run: --via %s: expected "
						       "auto, preload or seccomp",
						       optarg);
			break;
		case 'h':
			cli_usage(stdout);
			return 0;
		default:
			return cli_usage_error("run: bad option", "");
		}
	}
	if (optind >= argc)
		return cli_usage_error("run: no program given%s", "");
	probe_program(argv[optind], &pf);
	if (pf.found && links_liburing(pf.exe))
		fprintf(stderr, "%s: warning: %s links liburing: socket work "
				"it submits through io_uring bypasses sockshim "
				"(neither the preload nor seccomp sees it)\n",
			cli_name, pf.exe);
	if (via == VIA_SECCOMP ||
	    (via == VIA_AUTO && (pf.go || pf.is_static))) {
		struct sv_features f;
		char missing[256];

		if (supervise_probe(&f))
			return supervise_run(argv + optind, &f);
		supervise_missing(&f, missing, sizeof(missing));
		fprintf(stderr, "%s: this kernel lacks what --via seccomp "
				"needs:%s; running %s with the preload, as "
				"--via preload\n",
			cli_name, missing, argv[optind]);
	}
	warn_unreachable(&pf);
	if (!cli_find_library(lib, sizeof(lib))) {
		fprintf(stderr, "%s: cannot find libsockshim.so (looked for %s; "
				"set SOCKSHIM_LIB)\n",
			cli_name, lib);
		return 1;
	}
	if (set_preload(lib) != 0) {
		fprintf(stderr, "%s: %s\n", cli_name, strerror(errno));
		return 1;
	}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "%s: %s: %s\n", cli_name, argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
