// SPDX-License-Identifier: GPL-2.0
/*
 * The workload of the probe-cost benchmark: N one-byte writes to /dev/null,
 * the syscall every hook on sys_enter taxes. Prints nanoseconds per write.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	int fd = open("/dev/null", O_WRONLY);
	struct timespec start, end;

	if (fd < 0 || n <= 0) {
		fprintf(stderr, "write_loop: cannot open /dev/null or bad count\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < n; i++) {
		if (write(fd, "x", 1) != 1)
			return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	printf("%.2f\n", ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / n);
	return 0;
}
