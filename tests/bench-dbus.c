// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CPU cost of cxlmi_scan_mctp() with 1000 CXL endpoints, per daemon flavour: the process's CPU
 * time (user + sys, all its threads, getrusage) spent inside the call, median and least of several
 * scans, each in a fresh context; then the median with the context freed too (a poller closes
 * what it opened: each socket costs at its close as at its open), the process's context switches
 * per scan (each thread handing work to another, each wake-up, counts one; a scan on its own thread
 * switches only while it waits for the bus) and the wall time. Rows:
 *   probing off   the discovery, and opening each endpoint's CCI socket; every endpoint lists
 *                 FM-API (types 00h, 07h, 08h), whose socket opens at its first use
 *   CCI only      the same with endpoints that list no FM-API (00h, 08h)
 *   probing on    plus one Identify exchange per endpoint through the preloaded AF_MCTP shim
 *                 (whose answers count too, as the kernel's would)
 *   scan again    a context that has every endpoint open already: the scan opens none
 * dbus-daemon and the fake mctpd run in other processes and are not counted. The last line is the
 * process's own CPU time over all scans, user and sys apart.
 *
 *   LD_PRELOAD=mctp-shim.so bench-dbus FAKE-MCTPD [ENDPOINTS [RUNS [FAKE-ARGUMENT...]]]
 *
 * Extra arguments go to the fake mctpd, for instance `--shape netid-u`.
 */
#include "dbus-harness.h"

#include <libcxlmi.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

enum row {
	PROBING_OFF,
	CCI_ONLY,
	PROBING_ON,
	SCAN_AGAIN,
	ROWS
};

static const char *const row_names[ROWS] = { "probing off", "CCI only", "probing on", "scan again" };

/* Scans `runs` times as `row` says; prints the row; false when a scan opened the wrong count. */
static bool bench(const char *flavour, enum row row, int want, int runs)
{
	double cpu[100], closed[100], wall[100], switches[100];
	bool ok = true;

	for (int i = 0; i < runs; i++) {
		struct cxlmi_ctx *ctx = cxlmi_new_ctx(stderr, LOG_WARNING);
		double c, w;
		long s;
		int n;

		cxlmi_set_probe_enabled(ctx, row == PROBING_ON);
		if (row == SCAN_AGAIN && cxlmi_scan_mctp(ctx) != want)
			ok = false;
		s = dh_switches();
		c = dh_cpu_ms();
		w = dh_wall_ms();
		n = cxlmi_scan_mctp(ctx);
		cpu[i] = dh_cpu_ms() - c;
		wall[i] = dh_wall_ms() - w;
		switches[i] = dh_switches() - s;
		if (n != (row == SCAN_AGAIN ? 0 : want)) {
			printf("%s, %s: the scan returned %d (%s)\n", flavour, row_names[row], n,
			       n < 0 ? strerror(errno) : "endpoints opened");
			ok = false;
		}
		cxlmi_free_ctx(ctx);
		closed[i] = dh_cpu_ms() - c;
	}
	qsort(cpu, runs, sizeof(double), cmp_double);
	qsort(closed, runs, sizeof(double), cmp_double);
	qsort(wall, runs, sizeof(double), cmp_double);
	qsort(switches, runs, sizeof(double), cmp_double);
	printf("  %-13s %-11s  cpu %6.2f ms (least %6.2f, freed too %6.2f)  %4.0f switches  wall %6.2f ms\n", flavour,
	       row_names[row], cpu[runs / 2], cpu[0], closed[runs / 2], switches[runs / 2], wall[runs / 2]);
	return ok;
}

int main(int argc, char **argv)
{
	static const char *const flavours[] = { "openbmc", "codeconstruct" };
	const char *count = argc > 2 ? argv[2] : "1000";
	int runs = argc > 3 ? atoi(argv[3]) : 15, rc = dh_start(argc, argv), want = atoi(count);
	char many[32], many_cci[32];
	struct rusage ru;
	bool ok = true;

	if (rc)
		return rc;
	if (runs < 1 || runs > 100)
		runs = 15;
	unsetenv("LIBCXLMI_PROBE_ENABLED");
	snprintf(many, sizeof(many), "%s:0,7,8", count);
	snprintf(many_cci, sizeof(many_cci), "%s:0,8", count);
	printf("cxlmi_scan_mctp, %d endpoints, %d scans each: process CPU (user + sys) per scan (median, least,\n"
	       "median with the context freed), context switches (median), wall time (median)\n",
	       want, runs);
	for (int f = 0; f < 2; f++) {
		for (int cci_only = 0; cci_only < 2; cci_only++) {
			const char *args[32] = { "--flavour", flavours[f], "--many", cci_only ? many_cci : many };
			struct dh_fake fake;
			int n = 4;

			for (int i = 4; i < argc && n < 31; i++)
				args[n++] = argv[i];
			args[n] = NULL;
			if (!dh_start_fake(&fake, args)) {
				printf("%s: the fake mctpd did not start\n", flavours[f]);
				return 1;
			}
			for (enum row row = 0; row < ROWS; row++)
				if ((row == CCI_ONLY) == cci_only)
					ok &= bench(flavours[f], row, want, runs);
			dh_stop_fake(&fake);
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("process CPU, everything above: user %.1f ms, sys %.1f ms\n",
	       ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
	       ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3);
	return !ok;
}
