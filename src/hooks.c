// SPDX-License-Identifier: MIT
/*
 * hooks — the only symbols libsockshim.so exports: the socket calls it
 * interposes. Each forwards to shim.c, which keeps the real call's
 * contract; nothing else happens here.
 */
#include "build-config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "real.h"
#include "shim.h"

#define HOOK __attribute__((visibility("default")))

/* _exit must not return, even if libc's could not be found. */
static __attribute__((noreturn)) void real__exit(int status)
{
	real_init();
	real._exit(status);
	for (;;)
		syscall(SYS_exit_group, status);
}

/* Before main, so on_error = "abort" stops a program before it starts. */
__attribute__((constructor(101))) static void hooks_init(void)
{
	shim_init();
}

/* After everything else, so records made by other destructors count. */
__attribute__((destructor(101))) static void hooks_fini(void)
{
	shim_fini();
}

HOOK int socket(int domain, int type, int protocol)
{
	return shim_socket(domain, type, protocol);
}

HOOK int socketpair(int domain, int type, int protocol, int sv[2])
{
	return shim_socketpair(domain, type, protocol, sv);
}

HOOK int setsockopt(int fd, int level, int optname, const void *optval,
		    socklen_t optlen)
{
	return shim_setsockopt(fd, level, optname, optval, optlen);
}

HOOK int getsockopt(int fd, int level, int optname, void *optval,
		    socklen_t *optlen)
{
	return shim_getsockopt(fd, level, optname, optval, optlen);
}

HOOK int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	return shim_bind(fd, addr, len);
}

HOOK int listen(int fd, int backlog)
{
	return shim_listen(fd, backlog);
}

HOOK int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	return shim_connect(fd, addr, len);
}

HOOK int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return shim_accept4(fd, addr, len, 0, false);
}

HOOK int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	return shim_accept4(fd, addr, len, flags, true);
}

HOOK int close(int fd)
{
	return shim_close(fd);
}

HOOK int dup(int fd)
{
	return shim_dup(fd);
}

HOOK int dup2(int oldfd, int newfd)
{
	return shim_dup3(oldfd, newfd, 0, false);
}

HOOK int dup3(int oldfd, int newfd, int flags)
{
	return shim_dup3(oldfd, newfd, flags, true);
}

/* The third argument is an int, a long or a pointer: all fit a long. */
HOOK int fcntl(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return shim_fcntl(fd, cmd, arg, false);
}

/* Programs built with _FILE_OFFSET_BITS=64 call this name instead. */
HOOK int fcntl64(int fd, int cmd, ...);

HOOK int fcntl64(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return shim_fcntl(fd, cmd, arg, true);
}

HOOK int close_range(unsigned int lo, unsigned int hi, int flags)
{
	return shim_close_range(lo, hi, flags);
}

HOOK void closefrom(int lo)
{
	shim_closefrom(lo);
}

/*
 * Leaving without exit(): no destructor runs, so finish the log here. A
 * mapped log file would otherwise keep its blank reserve at the end.
 */
HOOK void _exit(int status)
{
	shim_leaving();
	real__exit(status);
}

HOOK void _Exit(int status)
{
	shim_leaving();
	real__exit(status);
}

HOOK int execve(const char *path, char *const argv[], char *const envp[])
{
	shim_leaving();
	return real.execve(path, argv, envp);
}

HOOK int execv(const char *path, char *const argv[])
{
	shim_leaving();
	return real.execv(path, argv);
}

HOOK int execvp(const char *file, char *const argv[])
{
	shim_leaving();
	return real.execvp(file, argv);
}

HOOK int execvpe(const char *file, char *const argv[], char *const envp[])
{
	shim_leaving();
	return real.execvpe(file, argv, envp);
}
