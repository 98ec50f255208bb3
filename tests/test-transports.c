// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening and scanning real transports through the public headers: device
 * names cxlmi_open() refuses and the errno it sets, cxlmi_scan() of
 * /dev/cxl (none on a machine without CXL), cxlmi_open_mctp() on a kernel
 * that may have no AF_MCTP, cxlmi_scan_mctp() without D-Bus discovery, and
 * that failed opens leave nothing behind in the context.
 */
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-common.h"

#ifndef AF_MCTP
#define AF_MCTP 45
#endif

/* Endpoints listed in the context. */
static int count_endpoints(struct cxlmi_ctx *ctx)
{
	struct cxlmi_endpoint *ep;
	int n = 0;

	cxlmi_for_each_endpoint(ctx, ep) n++;
	return n;
}

/* Name of one of them, when there is one. */
static char first_device[256];

/* Read-write character devices in /dev/cxl, which cxlmi_scan() opens; -1 without the directory. */
static int cxl_char_devices(void)
{
	DIR *d = opendir("/dev/cxl");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[512];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/cxl/%s", e->d_name);
		if (stat(path, &st) == 0 && S_ISCHR(st.st_mode) && access(path, R_OK | W_OK) == 0) {
			if (!n++)
				snprintf(first_device, sizeof(first_device), "%s", e->d_name);
		}
	}
	closedir(d);
	return n;
}

/* cxlmi_open(ctx, name) fails with `want` errno and lists nothing. */
static void open_fails(struct cxlmi_ctx *ctx, const char *name, int want, const char *what)
{
	struct cxlmi_endpoint *ep;

	errno = 0;
	ep = cxlmi_open(ctx, name);
	CHECK(ep == NULL, "cxlmi_open(%s) returns NULL", what);
	CHECK_INT(errno, want, "cxlmi_open(%s) sets errno %d", what, want);
	CHECK_INT(count_endpoints(ctx), 0, "cxlmi_open(%s) lists no endpoint", what);
	if (ep)
		cxlmi_close(ep);
}

static void test_open(struct cxlmi_ctx *ctx)
{
	errno = 0;
	CHECK(cxlmi_open(NULL, "mem0") == NULL && errno == EINVAL, "cxlmi_open(NULL ctx) is NULL/EINVAL");
	open_fails(ctx, NULL, EINVAL, "NULL name");
	open_fails(ctx, "", EINVAL, "\"\"");
	open_fails(ctx, ".", EINVAL, "\".\"");
	open_fails(ctx, "..", EINVAL, "\"..\"");
	open_fails(ctx, "../null", EINVAL, "\"../null\"");
	open_fails(ctx, "/dev/null", EINVAL, "\"/dev/null\"");
	open_fails(ctx, "mem0/", EINVAL, "\"mem0/\"");
	if (access("/dev/cxl/cxlmi-test-no-such-device", F_OK) != 0)
		open_fails(ctx, "cxlmi-test-no-such-device", ENOENT, "unknown name");
}

static void test_scan(struct cxlmi_ctx *ctx)
{
	int want = cxl_char_devices();
	int got;

	errno = 0;
	CHECK(cxlmi_scan(NULL) == -1 && errno == EINVAL, "cxlmi_scan(NULL) is -1/EINVAL");

	got = cxlmi_scan(ctx);
	if (want < 0) {
		CHECK_INT(got, 0, "cxlmi_scan without /dev/cxl opens nothing");
	} else {
		printf("      /dev/cxl has %d openable device(s)\n", want);
		CHECK_INT(got, want, "cxlmi_scan opens every device in /dev/cxl");
	}
	CHECK_INT(count_endpoints(ctx), got > 0 ? got : 0, "scanned endpoints are listed");
	if (got > 0) {
		struct cxlmi_endpoint *ep;

		/* Probing a mailbox endpoint enables FM-API without sending anything. */
		cxlmi_for_each_endpoint(ctx, ep)
			CHECK(cxlmi_endpoint_has_fmapi(ep), "a scanned endpoint has FM-API enabled");
		/* Everything is open already: a second scan opens nothing more. */
		CHECK_INT(cxlmi_scan(ctx), 0, "a second cxlmi_scan opens nothing more");
		CHECK_INT(count_endpoints(ctx), got, "no endpoint is listed twice");
		errno = 0;
		CHECK(cxlmi_open(ctx, first_device) == NULL && errno == EEXIST,
		      "cxlmi_open(\"%s\") of an open device is NULL/EEXIST", first_device);
	}
}

static void test_open_mctp(struct cxlmi_ctx *ctx)
{
	int sd = socket(AF_MCTP, SOCK_DGRAM, 0);
	int have_mctp = sd >= 0;
	int before = count_endpoints(ctx);
	struct cxlmi_endpoint *ep;

	if (sd >= 0)
		close(sd);

	errno = 0;
	CHECK(cxlmi_open_mctp(NULL, 1, 8) == NULL && errno == EINVAL, "cxlmi_open_mctp(NULL ctx) is NULL/EINVAL");

	errno = 0;
	ep = cxlmi_open_mctp(ctx, 1, 8);
	if (!have_mctp) {
		CHECK(ep == NULL, "cxlmi_open_mctp without AF_MCTP returns NULL");
		CHECK_INT(errno, EAFNOSUPPORT, "cxlmi_open_mctp without AF_MCTP sets errno EAFNOSUPPORT");
		CHECK_INT(count_endpoints(ctx), before, "a failed cxlmi_open_mctp lists no endpoint");
	} else {
		/* A kernel with MCTP opens the socket; the probe may time out. */
		CHECK(ep != NULL, "cxlmi_open_mctp with AF_MCTP opens");
		if (ep) {
			CHECK_INT(cxlmi_endpoint_get_timeout(ep), 2000, "MCTP default timeout is 2000 ms");
			CHECK(cxlmi_endpoint_set_timeout(ep, 2001) != 0, "MCTP timeout above 2000 ms refused");
			errno = 0;
			CHECK(cxlmi_open_mctp(ctx, 1, 8) == NULL && errno == EEXIST,
			      "opening the same MCTP endpoint twice is refused");
			cxlmi_close(ep);
		}
	}
	if (ep && !have_mctp)
		cxlmi_close(ep);
}

static void test_scan_mctp(struct cxlmi_ctx *ctx)
{
	int before = count_endpoints(ctx);

	/* No bus there: a build with D-Bus discovery cannot connect, one without says EOPNOTSUPP. */
	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/cxlmi-test-bus", 1);
	errno = 0;
	CHECK_INT(cxlmi_scan_mctp(ctx), -1, "cxlmi_scan_mctp without a bus or without D-Bus discovery returns -1");
	CHECK(errno == EOPNOTSUPP || errno == ENOENT, "cxlmi_scan_mctp sets errno EOPNOTSUPP or ENOENT (%d)", errno);
	CHECK_INT(count_endpoints(ctx), before, "cxlmi_scan_mctp lists nothing");
	errno = 0;
	CHECK(cxlmi_scan_mctp(NULL) == -1 && errno == EINVAL, "cxlmi_scan_mctp(NULL) is -1/EINVAL");
}

int main(void)
{
	struct cxlmi_ctx *ctx;

	/* Probing must not depend on the caller's environment. */
	unsetenv("LIBCXLMI_PROBE_ENABLED");
	ctx = cxlmi_new_ctx(stderr, LOG_DEBUG);
	if (!CHECK(ctx != NULL, "cxlmi_new_ctx"))
		return finish();

	test_open(ctx);
	test_open_mctp(ctx);
	test_scan_mctp(ctx);
	test_scan(ctx);

	/* Endpoints from the scan are closed with the context. */
	cxlmi_free_ctx(ctx);
	return finish();
}
