// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cxlmi_scan_mctp() through the public API, against a real dbus-daemon and the fake mctpd
 * program, in both daemon flavours: CXL endpoints are opened (and really reached, through the
 * preloaded AF_MCTP shim), FM-API follows probing or the daemon's list, an endpoint that fails
 * to open is skipped, scanning again opens only what is not open, an empty list gives 0, and
 * no bus, no daemon, wrong property types, a hung daemon and a daemon killed mid-scan give -1
 * with errno and a log line.
 *
 *   LD_PRELOAD=mctp-shim.so test-dbus FAKE-MCTPD
 *
 * Skipped (77) without dbus-daemon or without the shim.
 */
#include "dbus-harness.h"

#include <pthread.h>

#include "test-common.h"

static const char *const flavours[] = { "openbmc", "codeconstruct" };

/* The context's log, for checking what a failure says. */
static char *log_buf;
static size_t log_len;
static FILE *log_file;

static struct cxlmi_ctx *new_ctx(bool probe)
{
	struct cxlmi_ctx *ctx;

	if (log_file)
		fclose(log_file);
	free(log_buf);
	log_buf = NULL;
	log_file = open_memstream(&log_buf, &log_len);
	ctx = cxlmi_new_ctx(log_file, LOG_DEBUG);
	if (ctx)
		cxlmi_set_probe_enabled(ctx, probe);
	return ctx;
}

static bool logged(const char *what)
{
	fflush(log_file);
	return log_buf && strstr(log_buf, what);
}

/*
 * Sends Identify to every endpoint of `ctx` and lists, in `got`, "NET:EID" (with "+fmapi" when
 * FM-API is on) in ascending order of the serial number the shim answers with. False when an
 * endpoint does not answer.
 */
static bool reached(struct cxlmi_ctx *ctx, char *got, size_t size)
{
	unsigned long long serials[2048];
	bool fmapi[2048];
	struct cxlmi_endpoint *ep;
	int n = 0, i, j;

	cxlmi_for_each_endpoint(ctx, ep)
	{
		struct cxlmi_cmd_identify_rsp id;

		if (n == 2048 || cxlmi_cmd_identify(ep, NULL, &id))
			return false;
		serials[n] = id.serial_num;
		fmapi[n++] = cxlmi_endpoint_has_fmapi(ep);
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && serials[j - 1] > serials[j]; j--) {
			unsigned long long s = serials[j];
			bool f = fmapi[j];

			serials[j] = serials[j - 1], fmapi[j] = fmapi[j - 1];
			serials[j - 1] = s, fmapi[j - 1] = f;
		}
	got[0] = 0;
	for (i = 0; i < n; i++) {
		size_t l = strlen(got);

		snprintf(got + l, size - l, "%s%llu:%llu%s", i ? " " : "", serials[i] >> 8, serials[i] & 0xff,
			 fmapi[i] ? "+fmapi" : "");
	}
	return true;
}

/* Scans and checks the return value, errno on failure, and what the endpoints reach. */
static void check_scan(struct cxlmi_ctx *ctx, int want, const char *want_reached, const char *what)
{
	char got[256];
	int n;

	errno = 0;
	n = cxlmi_scan_mctp(ctx);
	CHECK_INT(n, want, "%s: cxlmi_scan_mctp", what);
	if (n < 0)
		printf("     errno %d (%s)\n", errno, strerror(errno));
	if (want_reached)
		CHECK(reached(ctx, got, sizeof(got)) && !strcmp(got, want_reached),
		      "%s: endpoints reached: %s (want %s)", what, got, want_reached);
}

/* Scans, expecting -1 with `err`, a log line holding `says`, and the context's endpoints as before. */
static void check_fails(struct cxlmi_ctx *ctx, int err, const char *says, const char *what)
{
	char before[256], after[256];

	reached(ctx, before, sizeof(before));
	errno = 0;
	CHECK_INT(cxlmi_scan_mctp(ctx), -1, "%s: cxlmi_scan_mctp", what);
	CHECK_INT(errno, err, "%s: errno %s", what, strerror(err));
	CHECK(logged(says), "%s: the log says \"%s\"", what, says);
	CHECK(reached(ctx, after, sizeof(after)) && !strcmp(before, after), "%s: nothing opened", what);
}

/* The endpoints every flavour case lists: CXL (1:8, 1:9 and 2:8) and others. */
#define MIXED "1:9:0,7,8", "1:8:0,8", "1:10:0,1", "1:11:0,7", "1:12:", "2:8:0,4,7,8"

static void test_flavour(const char *flavour)
{
	const char *const args[] = { "--flavour", flavour, MIXED, NULL };
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;
	struct dh_fake fake;
	unsigned long first;
	char what[64];

	printf("# %s\n", flavour);
	if (!CHECK(dh_start_fake(&fake, args), "%s: fake mctpd started", flavour))
		return;

	/* Probing finds type 3 devices and enables FM-API on each. */
	ctx = new_ctx(true);
	snprintf(what, sizeof(what), "%s, probing", flavour);
	check_scan(ctx, 3, "1:8+fmapi 1:9+fmapi 2:8+fmapi", what);
	check_scan(ctx, 0, "1:8+fmapi 1:9+fmapi 2:8+fmapi", "scanning again");
	ep = cxlmi_first_endpoint(ctx);
	cxlmi_close(ep);
	check_scan(ctx, 1, "1:8+fmapi 1:9+fmapi 2:8+fmapi", "scanning after closing one");
	cxlmi_free_ctx(ctx);

	/* Without probing, FM-API is on where the daemon lists type 07h. */
	ctx = new_ctx(false);
	snprintf(what, sizeof(what), "%s, no probing", flavour);
	check_scan(ctx, 3, "1:8 1:9+fmapi 2:8+fmapi", what);
	cxlmi_free_ctx(ctx);

	/* Sockets open in (net, eid) order, one for 1:8, then 1:9's CCI socket: make that fail. */
	ctx = new_ctx(false);
	first = dh_shim_opened() + 1;
	dh_shim_fail(first + 1, EMFILE);
	snprintf(what, sizeof(what), "%s, 1:9 fails to open", flavour);
	check_scan(ctx, 2, "1:8 2:8+fmapi", what);
	CHECK(logged("mctp endpoint 1:9"), "%s: the log names it", what);
	dh_shim_fail(0, 0);
	check_scan(ctx, 1, "1:8 1:9+fmapi 2:8+fmapi", "scanning again opens it");
	cxlmi_free_ctx(ctx);
	dh_stop_fake(&fake);

	/* NetworkId as the other flavour sends it. */
	const char *const other[] = { "--flavour", flavour,
				      "--shape",   strcmp(flavour, "openbmc") ? "netid-i" : "netid-u",
				      "1:8:8",	   "300:9:7,8",
				      NULL };
	if (CHECK(dh_start_fake(&fake, other), "%s: fake mctpd with the other NetworkId type", flavour)) {
		ctx = new_ctx(true);
		check_scan(ctx, 2, "1:8+fmapi 300:9+fmapi", "the other NetworkId type");
		cxlmi_free_ctx(ctx);
		dh_stop_fake(&fake);
	}

	/* An empty object list. */
	const char *const empty[] = { "--flavour", flavour, NULL };
	if (CHECK(dh_start_fake(&fake, empty), "%s: fake mctpd with no endpoints", flavour)) {
		ctx = new_ctx(true);
		check_scan(ctx, 0, "", "an empty object list");
		cxlmi_free_ctx(ctx);
		dh_stop_fake(&fake);
	}

	/* Properties of other types than mctpd's. */
	static const char *const shapes[] = { "eid-u32", "netid-string", "types-u32", "no-eid", "not-objects" };
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		const char *const bad[] = { "--flavour", flavour, "--shape", shapes[i], MIXED, NULL };

		if (!CHECK(dh_start_fake(&fake, bad), "%s: fake mctpd sending %s", flavour, shapes[i]))
			continue;
		ctx = new_ctx(true);
		first = dh_shim_opened();
		snprintf(what, sizeof(what), "%s, %s", flavour, shapes[i]);
		check_fails(ctx, EPROTO, "unexpected answer from mctpd", what);
		CHECK(dh_shim_opened() == first, "%s: no socket opened", what);
		cxlmi_free_ctx(ctx);
		dh_stop_fake(&fake);
	}
}

static void test_thousand(const char *flavour)
{
	const char *const args[] = { "--flavour", flavour, "--many", "1000", NULL };
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;
	struct dh_fake fake;
	double cpu;
	int n = 0;

	if (!CHECK(dh_start_fake(&fake, args), "%s: fake mctpd with 1000 endpoints", flavour))
		return;
	ctx = new_ctx(true);
	cpu = dh_cpu_ms();
	CHECK_INT(cxlmi_scan_mctp(ctx), 1000, "%s: 1000 endpoints opened", flavour);
	printf("     %.1f ms of CPU time, probing each\n", dh_cpu_ms() - cpu);
	cxlmi_for_each_endpoint(ctx, ep)
	{
		struct cxlmi_cmd_identify_rsp id;

		n += !cxlmi_cmd_identify(ep, NULL, &id) && cxlmi_endpoint_has_fmapi(ep);
	}
	CHECK_INT(n, 1000, "%s: each answers Identify and has FM-API", flavour);
	cxlmi_free_ctx(ctx);
	dh_stop_fake(&fake);
}

static void test_no_bus_no_daemon(void)
{
	struct cxlmi_ctx *ctx = new_ctx(true);
	char address[128];

	printf("# no bus, no daemon\n");
	snprintf(address, sizeof(address), "unix:path=%s/none", dh_dir);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", address, 1);
	check_fails(ctx, ENOENT, "cannot connect to the D-Bus system bus", "no bus");
	setenv("DBUS_SYSTEM_BUS_ADDRESS", dh_address, 1);
	check_fails(ctx, ESRCH, "no mctpd on the D-Bus system bus", "no daemon");
	errno = 0;
	CHECK(cxlmi_scan_mctp(NULL) == -1 && errno == EINVAL, "cxlmi_scan_mctp(NULL) is -1/EINVAL");
	cxlmi_free_ctx(ctx);
}

static void test_hung(void)
{
	const char *const args[] = { "--flavour", "codeconstruct", "--hang", MIXED, NULL };
	struct cxlmi_ctx *ctx;
	struct dh_fake fake;
	double t;

	printf("# a daemon that never answers\n");
	if (!CHECK(dh_start_fake(&fake, args), "hung fake mctpd started"))
		return;
	ctx = new_ctx(true);
	t = dh_wall_ms();
	check_fails(ctx, ETIMEDOUT, "did not answer within 3000 ms", "hung daemon");
	t = dh_wall_ms() - t;
	CHECK(t >= 2900 && t < 5000, "a hung daemon costs about 3 s (%.0f ms)", t);
	cxlmi_free_ctx(ctx);
	dh_stop_fake(&fake);
}

/* Kills the fake with SIGKILL once it has been asked. */
static void *killer(void *arg)
{
	struct dh_fake *fake = arg;
	char line[64];

	while (dh_read_line(fake->out, line, sizeof(line)))
		if (!strcmp(line, "called")) {
			kill(fake->pid, SIGKILL);
			break;
		}
	return NULL;
}

static void test_killed(void)
{
	const char *const args[] = { "--flavour", "openbmc", "--hang", MIXED, NULL };
	struct cxlmi_ctx *ctx;
	struct dh_fake fake;
	pthread_t thread;
	double t;

	printf("# a daemon killed mid-scan\n");
	if (!CHECK(dh_start_fake(&fake, args), "fake mctpd started"))
		return;
	pthread_create(&thread, NULL, killer, &fake);
	ctx = new_ctx(true);
	t = dh_wall_ms();
	check_fails(ctx, ECONNRESET, "failed to list its endpoints", "daemon killed mid-scan");
	t = dh_wall_ms() - t;
	CHECK(t < 2000, "the scan ends when the daemon dies (%.0f ms)", t);
	pthread_join(thread, NULL);
	cxlmi_free_ctx(ctx);
	dh_stop_fake(&fake);
}

int main(int argc, char **argv)
{
	int rc = dh_start(argc, argv);

	if (rc)
		return rc;
	unsetenv("LIBCXLMI_PROBE_ENABLED");
	test_no_bus_no_daemon();
	for (size_t i = 0; i < 2; i++) {
		test_flavour(flavours[i]);
		test_thousand(flavours[i]);
	}
	test_hung();
	test_killed();
	if (tc_failed && log_buf) {
		fflush(log_file);
		printf("# last context's log:\n%s", log_buf);
	}
	return finish();
}
