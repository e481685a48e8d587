// SPDX-License-Identifier: MIT
/*
 * logfd_race — threads log socket calls while the main thread keeps
 * dup2()ing /dev/null onto the log's own descriptor number (found in
 * /proc/self/fd by the log file's path), so the shim must move its
 * descriptor out of the way again and again. Usage:
 *   logfd_race LOGPATH-PREFIX THREADS ITERATIONS
 * Prints the number of socket calls the threads made.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int iterations;
static atomic_int done;

static void *work(void *arg)
{
	(void)arg;
	for (int i = 0; i < iterations; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s >= 0)
			close(s);
	}
	atomic_fetch_add(&done, 1);
	return NULL;
}

/* The descriptor whose target starts with prefix, or -1. */
static int find_fd(const char *prefix)
{
	char link[64], target[PATH_MAX];
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, prefix, strlen(prefix)) == 0)
			found = atoi(e->d_name);
	}
	closedir(d);
	return found;
}

int main(int argc, char **argv)
{
	int threads, null = open("/dev/null", O_WRONLY), moves = 0;
	pthread_t t[64];

	if (argc < 4 || null < 0)
		return 2;
	threads = atoi(argv[2]);
	iterations = atoi(argv[3]);
	if (threads < 1 || threads > 64)
		return 2;
	close(socket(AF_INET, SOCK_STREAM, 0));	/* the log file opens */
	for (int i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, work, NULL);
	while (atomic_load(&done) < threads) {
		int fd = find_fd(argv[1]);

		/* The shim moves its own descriptor first: ours takes the
		 * number, the log goes on at another. */
		if (fd >= 0 && dup2(null, fd) == fd) {
			moves++;
			close(fd);
		}
	}
	for (int i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "moves: %d\n", moves);
	printf("%d\n", 2 * threads * iterations + 2);
	return 0;
}
