// SPDX-License-Identifier: GPL-2.0
/*
 * A bot as fast as a bot gets: it answers each prompt the moment it appears
 * (`echo N` + Enter), for the hold-precision test and benchmark. By default
 * it owns a pty master with `bash -i` on the slave; given a COMMAND (an
 * `ssh -tt` login), it talks to that command over pipes instead, and the
 * login must print its terminal (`/dev/pts/N`) before its first prompt.
 * For each input it records when it called write(), when write() returned
 * (on a pty: the input is in the pty, since a held write returns only once
 * the hold let it through; on a pipe: at once), when the first output after
 * it arrived and when the next prompt was complete, all CLOCK_MONOTONIC ms
 * (the clock of the probe's timestamps), and prints them as JSON lines at
 * the end, so that nothing but the bot's own reads and writes happens while
 * it is timed. It starts answering once a byte arrives on its own stdin
 * (after it printed its pty), so that a harness can start watching first.
 *
 * Usage: fast_bot SECONDS [COMMAND [ARG...]]
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
	double prompt_ms;
} inputs[MAX_INPUTS];

/*
 * Reads until the output since the last input ends with the prompt "$ ";
 * keeps the start of that output in seen (NUL-terminated) when given.
 */
static int read_to_prompt(int from, double *first_ms, double *prompt_ms, char *seen,
			  size_t seen_size)
{
	char buf[4096], tail[2] = { 0, 0 };
	size_t seen_length = 0;
	ssize_t n;

	*first_ms = 0;
	for (;;) {
		n = read(from, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		if (*first_ms == 0)
			*first_ms = now_ms();
		if (seen != NULL && seen_length + 1 < seen_size) {
			size_t copied = (size_t)n < seen_size - 1 - seen_length ?
						(size_t)n :
						seen_size - 1 - seen_length;

			memcpy(seen + seen_length, buf, copied);
			seen_length += copied;
			seen[seen_length] = 0;
		}
		if (n >= 2) {
			tail[0] = buf[n - 2];
			tail[1] = buf[n - 1];
		} else {
			tail[0] = tail[1];
			tail[1] = buf[0];
		}
		if (tail[0] == '$' && tail[1] == ' ') {
			*prompt_ms = now_ms();
			return 0;
		}
	}
}

/* bash -i on a new pty, the bot on its master: to and from are the master. */
static pid_t start_shell_on_pty(int *to, int *from, char *pts, size_t pts_size)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	pid_t child;

	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("Cannot open a pseudo-terminal");
		return -1;
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
	snprintf(pts, pts_size, "%s", ptsname(master) + 5);
	*to = master;
	*from = master;
	return child;
}

/* command on two pipes: the bot writes its stdin and reads its stdout. */
static pid_t start_command_on_pipes(char **command, int *to, int *from)
{
	int input[2], output[2];
	pid_t child;

	if (pipe(input) || pipe(output)) {
		perror("Cannot create pipes");
		return -1;
	}
	child = fork();
	if (child == 0) {
		dup2(input[0], 0);
		dup2(output[1], 1);
		close(input[0]);
		close(input[1]);
		close(output[0]);
		close(output[1]);
		execvp(command[0], command);
		_exit(127);
	}
	close(input[0]);
	close(output[1]);
	*to = input[1];
	*from = output[0];
	return child;
}

int main(int argc, char **argv)
{
	double seconds, end, ignored;
	int to, from, count = 0;
	char line[64], pts[32] = "", seen[4096];
	pid_t child;

	if (argc < 2 || (seconds = atof(argv[1])) <= 0) {
		fprintf(stderr, "Usage: fast_bot SECONDS [COMMAND [ARG...]]\n");
		return 2;
	}
	if (argc == 2)
		child = start_shell_on_pty(&to, &from, pts, sizeof(pts));
	else
		child = start_command_on_pipes(argv + 2, &to, &from);
	if (child < 0)
		return 1;
	if (read_to_prompt(from, &ignored, &ignored, seen, sizeof(seen)))
		return 1;
	if (argc > 2) {
		char *name = strstr(seen, "/dev/pts/");

		if (name == NULL) {
			fprintf(stderr, "fast_bot: no /dev/pts/N before the first prompt\n");
			kill(child, SIGKILL);
			return 1;
		}
		snprintf(pts, sizeof(pts), "pts/%d", atoi(name + 9));
	}
	printf("{\"pts\":\"%s\",\"pid\":%d}\n", pts, child);
	fflush(stdout);
	if (read(0, line, 1) != 1) {
		kill(child, SIGKILL);
		return 1;
	}
	end = now_ms() + seconds * 1e3;
	while (count < MAX_INPUTS && now_ms() < end) {
		int length = snprintf(line, sizeof(line), "echo %d\r", count);

		inputs[count].write_ms = now_ms();
		if (write(to, line, length) != length)
			break;
		inputs[count].written_ms = now_ms();
		if (read_to_prompt(from, &inputs[count].echo_ms, &inputs[count].prompt_ms, NULL, 0))
			break;
		count++;
	}
	if (write(to, "exit\r", 5) != 5)
		kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	for (int i = 0; i < count; i++)
		printf("{\"i\":%d,\"write_ms\":%.3f,\"written_ms\":%.3f,\"echo_ms\":%.3f,\"prompt_ms\":%.3f}\n",
		       i, inputs[i].write_ms, inputs[i].written_ms, inputs[i].echo_ms,
		       inputs[i].prompt_ms);
	return 0;
}
