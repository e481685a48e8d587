// SPDX-License-Identifier: MIT
/*
 * rss — resident memory after ordinary socket use: N sockets created,
 * given two options, half of them closed. Prints VmRSS in KiB, so runs
 * with and without the shim can be compared.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = atol(line + 6);
	if (f)
		fclose(f);
	return kib;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, one = 1;
	int *fds = calloc((size_t)n, sizeof(*fds));

	for (int i = 0; fds && i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(fds[i], SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	for (int i = 0; fds && i < n; i += 2)
		close(fds[i]);
	printf("%ld\n", rss_kib());
	return 0;
}
