/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the D-Bus discovery test and benchmark share: a private dbus-daemon (its own config and
 * socket in a temporary directory, DBUS_SYSTEM_BUS_ADDRESS pointing at it), the fake mctpd
 * program (fake-mctpd, of tests/support) started on it, and the AF_MCTP shim (tests/mctp-shim.c), which
 * must be preloaded so that the endpoints a scan finds really open.
 *
 * Children are started without LD_PRELOAD: the shim is for the library under test only.
 */
#ifndef CXLMI_DBUS_HARNESS_H
#define CXLMI_DBUS_HARNESS_H

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mctp-shim.h"

#define DH_UNUSED __attribute__((unused))

extern char **environ;

static char dh_dir[64];
static char dh_address[300];
static pid_t dh_bus = -1;
static const char *dh_fake_program;
static mctp_shim_opened_fn dh_shim_opened DH_UNUSED;
static mctp_shim_fail_fn dh_shim_fail DH_UNUSED;

/* The environment without LD_PRELOAD, for children. */
static char **dh_child_env(void)
{
	static char **env;
	size_t n = 0, i;

	if (env)
		return env;
	while (environ[n])
		n++;
	env = calloc(n + 1, sizeof(*env));
	for (i = 0, n = 0; environ[i]; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11))
			env[n++] = environ[i];
	return env;
}

/* Starts argv with its standard output on a pipe (returned as *out) and its errors dropped
 * unless `errors`. Returns the child's pid, or -1. */
static pid_t dh_spawn(char *const argv[], FILE **out, bool errors)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	if (!errors)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, dh_child_env()))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -1;
	}
	*out = fdopen(pipefd[0], "r");
	return pid;
}

/* Reads one line from `f` into `line` (without its newline); false at the end. */
static bool dh_read_line(FILE *f, char *line, size_t size)
{
	if (!fgets(line, size, f))
		return false;
	line[strcspn(line, "\n")] = 0;
	return true;
}

static void dh_stop(pid_t pid, int sig)
{
	if (pid > 0) {
		kill(pid, sig);
		waitpid(pid, NULL, 0);
	}
}

static void dh_stop_bus(void)
{
	char path[128];

	dh_stop(dh_bus, SIGTERM);
	dh_bus = -1;
	if (dh_dir[0]) {
		snprintf(path, sizeof(path), "%s/bus.conf", dh_dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/socket", dh_dir);
		unlink(path);
		rmdir(dh_dir);
		dh_dir[0] = 0;
	}
}

/*
 * Checks what the harness needs, starts the bus and points DBUS_SYSTEM_BUS_ADDRESS at it.
 * Returns 0, or 77 (skip) with a reason on stdout. argv[1] is the fake mctpd program.
 */
static int dh_start(int argc, char **argv)
{
	char conf[128], line[300];
	FILE *f, *out;

	if (argc < 2) {
		printf("usage: %s FAKE-MCTPD\n", argv[0]);
		return 77;
	}
	dh_fake_program = argv[1];
	dh_shim_opened = (mctp_shim_opened_fn)dlsym(RTLD_DEFAULT, "mctp_shim_opened");
	dh_shim_fail = (mctp_shim_fail_fn)dlsym(RTLD_DEFAULT, "mctp_shim_fail");
	if (!dh_shim_opened || !dh_shim_fail) {
		printf("skipped: the AF_MCTP shim is not preloaded (LD_PRELOAD=mctp-shim.so)\n");
		return 77;
	}
	/* 1000 endpoints with FM-API hold 2000 sockets */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	snprintf(dh_dir, sizeof(dh_dir), "/tmp/cxlmi-dbus-XXXXXX");
	if (!mkdtemp(dh_dir)) {
		printf("skipped: mkdtemp: %s\n", strerror(errno));
		return 77;
	}
	snprintf(conf, sizeof(conf), "%s/bus.conf", dh_dir);
	f = fopen(conf, "w");
	if (!f)
		return 77;
	fprintf(f,
		"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
		" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
		"<busconfig>\n"
		"  <listen>unix:path=%s/socket</listen>\n"
		"  <auth>EXTERNAL</auth>\n"
		"  <policy context=\"default\">\n"
		"    <allow user=\"*\"/>\n"
		"    <allow own=\"*\"/>\n"
		"    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
		"    <allow eavesdrop=\"true\"/>\n"
		"  </policy>\n"
		"</busconfig>\n",
		dh_dir);
	fclose(f);

	char config_arg[160];
	snprintf(config_arg, sizeof(config_arg), "--config-file=%s", conf);
	char *bus_argv[] = { "dbus-daemon", config_arg, "--nofork", "--nopidfile", "--print-address=1", NULL };
	dh_bus = dh_spawn(bus_argv, &out, false);
	if (dh_bus < 0 || !dh_read_line(out, line, sizeof(line))) {
		printf("skipped: cannot start dbus-daemon\n");
		dh_stop_bus();
		return 77;
	}
	fclose(out);
	snprintf(dh_address, sizeof(dh_address), "%s", line);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", dh_address, 1);
	atexit(dh_stop_bus);
	return 0;
}

/* A running fake mctpd and its standard output. */
struct dh_fake {
	pid_t pid;
	FILE *out;
};

/* Starts the fake with `args` (NULL-terminated) and waits until it takes calls. */
static bool dh_start_fake(struct dh_fake *fake, const char *const *args)
{
	char *argv[64], line[64];
	int n = 0;

	argv[n++] = (char *)dh_fake_program;
	argv[n++] = "--bus";
	argv[n++] = dh_address;
	while (*args && n < 63)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	fake->pid = dh_spawn(argv, &fake->out, true);
	if (fake->pid < 0)
		return false;
	if (!dh_read_line(fake->out, line, sizeof(line)) || strcmp(line, "ready")) {
		dh_stop(fake->pid, SIGKILL);
		fclose(fake->out);
		fake->pid = -1;
		return false;
	}
	return true;
}

static void dh_stop_fake(struct dh_fake *fake)
{
	if (fake->pid > 0) {
		dh_stop(fake->pid, SIGTERM);
		fclose(fake->out);
		fake->pid = -1;
	}
}

/* CPU time of the whole process, in milliseconds. */
static DH_UNUSED double dh_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* Context switches of the whole process so far (voluntary and not): each thread handing work to
 * another, or sleeping until woken, counts one. */
static DH_UNUSED long dh_switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

static DH_UNUSED double dh_wall_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

#endif /* CXLMI_DBUS_HARNESS_H */
