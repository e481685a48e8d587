// SPDX-License-Identifier: MIT
/*
 * floor — what keeping a record of every call in a file costs at the
 * least, whoever writes it: the benchmark loop (socket + 2 setsockopt +
 * close), and after each call a timestamp read and a record's bytes
 * (FLOOR_RECORD, about a JSON record's length) stored into a mapped file
 * grown as the shim grows its log (blocks reserved with fallocate,
 * newline padding, pages populated, pages behind released). No hooks, no
 * formatting: the gap between this and the shim is the shim's own.
 *
 *   floor N FILE      prints nanoseconds per iteration
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define GROW (64 << 10)
#define WINDOW (1UL << 30)
#define FLOOR_RECORD 167

static char *map;
static size_t pos, extent;
static int fd;

static void record(void)
{
	static const char line[FLOOR_RECORD] = "{}";
	static char pad[GROW];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (pos + sizeof(line) > extent) {
		if (!pad[0])
			memset(pad, '\n', sizeof(pad));
		if (extent + GROW > WINDOW ||
		    fallocate(fd, 0, (off_t)extent, GROW) != 0 ||
		    pwrite(fd, pad, GROW, (off_t)extent) != GROW) {
			perror("floor: growing the file");
			exit(1);
		}
		madvise(map + extent, GROW, MADV_POPULATE_WRITE);
		if (extent >= GROW)
			madvise(map + extent - GROW, GROW, MADV_DONTNEED);
		extent += GROW;
	}
	memcpy(map + pos, line, sizeof(line));
	map[pos + sizeof(line) - 1] = '\n';
	pos += sizeof(line);
	__asm__ volatile("" ::: "memory");
	(void)ts;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[1]) : 0;
	struct timespec a, b;
	int one = 1;

	if (n < 1) {
		fprintf(stderr, "usage: floor N FILE\n");
		return 2;
	}
	fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	map = fd < 0 ? MAP_FAILED :
		       mmap(NULL, WINDOW, PROT_READ | PROT_WRITE, MAP_SHARED,
			    fd, 0);
	if (map == MAP_FAILED) {
		perror(argv[2]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0) {
			perror("socket");
			return 1;
		}
		record();
		setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		record();
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		record();
		close(s);
		record();
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 +
			  (b.tv_nsec - a.tv_nsec)) / (double)n);
	return 0;
}
