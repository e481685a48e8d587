// SPDX-License-Identifier: MIT
/* empty — a preloaded library with nothing in it: what the loader alone
 * costs a process start, the floor the start-up benchmark compares to. */
int sockshim_bench_empty(void);

int sockshim_bench_empty(void)
{
	return 0;
}
