// SPDX-License-Identifier: GPL-2.0
/*
 * A bot as fast as a bot gets: it owns a pty master with `bash -i` on the
 * slave and answers each prompt the moment it appears (`echo N` + Enter),
 * for the hold-precision test and benchmark. For each input it records when
 * it called write(), when write() returned (the input is in the pty: a held
 * write returns only once the hold let it through) and when the shell's
 * first output after it arrived, all CLOCK_MONOTONIC ms (the clock of the
 * probe's timestamps), and prints them as JSON lines at the end, so that
 * nothing but the bot's own reads and writes happens while it is timed.
 *
 * Usage: fast_bot SECONDS
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_INPUTS 100000

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct {
	double write_ms;
	double written_ms;
	double echo_ms;
} inputs[MAX_INPUTS];

/* Reads until the output since the last input ends with the prompt "$ ". */
static int read_to_prompt(int master, double *first_ms)
{
	char buf[4096], tail[2] = { 0, 0 };
	ssize_t n;

	*first_ms = 0;
	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		if (*first_ms == 0)
			*first_ms = now_ms();
		if (n >= 2) {
			tail[0] = buf[n - 2];
			tail[1] = buf[n - 1];
		} else {
			tail[0] = tail[1];
			tail[1] = buf[0];
		}
		if (tail[0] == '$' && tail[1] == ' ')
			return 0;
	}
}

int main(int argc, char **argv)
{
	double seconds, end, ignored;
	int master, count = 0;
	char line[64];
	pid_t child;

	if (argc != 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "Usage: fast_bot SECONDS\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("Cannot open a pseudo-terminal");
		return 1;
	}
	child = fork();
	if (child == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0)
			_exit(127);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		setenv("PS1", "$ ", 1);
		execlp("bash", "bash", "--norc", "--noprofile", "-i", (char *)NULL);
		_exit(127);
	}
	printf("{\"pts\":\"%s\",\"bash\":%d}\n", ptsname(master) + 5, child);
	fflush(stdout);
	if (read_to_prompt(master, &ignored))
		return 1;
	end = now_ms() + seconds * 1e3;
	while (count < MAX_INPUTS && now_ms() < end) {
		int length = snprintf(line, sizeof(line), "echo %d\r", count);

		inputs[count].write_ms = now_ms();
		if (write(master, line, length) != length)
			break;
		inputs[count].written_ms = now_ms();
		if (read_to_prompt(master, &inputs[count].echo_ms))
			break;
		count++;
	}
	if (write(master, "exit\r", 5) != 5)
		kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	for (int i = 0; i < count; i++)
		printf("{\"i\":%d,\"write_ms\":%.3f,\"written_ms\":%.3f,\"echo_ms\":%.3f}\n", i,
		       inputs[i].write_ms, inputs[i].written_ms, inputs[i].echo_ms);
	return 0;
}
