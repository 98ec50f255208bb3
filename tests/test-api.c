// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context and endpoint API and the mock endpoint API, through the public
 * headers only: logging to a caller's FILE*, NULL handling of every exported
 * function that is not a command, endpoint iteration and closing, timeouts,
 * FM-API switching, return code strings, the mock's queue, statistics and
 * last-command record, and tunnel information on a mock endpoint.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "test-common.h"

static void queue(struct cxlmi_endpoint *ep, uint8_t set, uint8_t cmd, uint16_t rc, const void *pl, size_t n)
{
	if (cxlmi_mock_set_response(ep, set, cmd, rc, (void *)pl, n) != 0)
		CHECK(false, "queueing a response for %02x%02xh", set, cmd);
}

static void stats(struct cxlmi_endpoint *ep, unsigned *sent, unsigned *returned)
{
	*sent = *returned = 0xdead;
	if (cxlmi_mock_get_stats(ep, sent, returned) != 0)
		CHECK(false, "cxlmi_mock_get_stats");
}

/* Runs `what` on a fresh context logging at `level` into memory; returns what was logged (to free). */
static char *logged_while(int level, void (*what)(struct cxlmi_ctx *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct cxlmi_ctx *ctx;

	if (!f)
		return NULL;
	ctx = cxlmi_new_ctx(f, level);
	CHECK(ctx != NULL, "cxlmi_new_ctx(memstream, %d)", level);
	if (ctx) {
		what(ctx);
		cxlmi_free_ctx(ctx);
	}
	fclose(f);
	return text;
}

static void fail_a_command(struct cxlmi_ctx *ctx)
{
	struct cxlmi_endpoint *ep = cxlmi_open_mock(ctx);
	struct cxlmi_cmd_identify_rsp id;

	/* Nothing queued: the mock answers "unsupported", which the library reports as an error. */
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), CXLMI_RET_UNSUPPORTED, "unqueued identify fails with 3");
}

static void test_logging(void)
{
	char *text;
	struct cxlmi_ctx *ctx;

	text = logged_while(7, fail_a_command);
	CHECK(text != NULL, "open_memstream");
	if (text) {
		CHECK(strncmp(text, "libcxlmi: ", 10) == 0, "LOG_DEBUG context: message starts with \"libcxlmi: \"");
		CHECK(strchr(text, '\n') != NULL, "LOG_DEBUG context: message ends with a newline");
		printf("      logged: %s", text);
		free(text);
	}

	text = logged_while(3, fail_a_command);
	if (text) {
		CHECK(strncmp(text, "libcxlmi: ", 10) == 0, "LOG_ERR context: the error is logged");
		free(text);
	}

	text = logged_while(0, fail_a_command);
	if (text) {
		CHECK(text[0] == '\0', "level 0 context: nothing logged (got \"%s\")", text);
		free(text);
	}

	/* NULL stream: standard error, nothing else to see; it must still work. */
	ctx = cxlmi_new_ctx(NULL, 0);
	CHECK(ctx != NULL, "cxlmi_new_ctx(NULL, 0) gives a context logging to stderr");
	cxlmi_free_ctx(ctx);
}

/* The exports not declared by our headers yet are looked up at run time, so this test checks them once they exist. */
typedef struct cxlmi_endpoint *(*open_mctp_fn)(struct cxlmi_ctx *, unsigned int, uint8_t);
typedef struct cxlmi_endpoint *(*open_fn)(struct cxlmi_ctx *, const char *);
typedef int (*scan_fn)(struct cxlmi_ctx *);

static void *lookup(const char *name)
{
	void *f = dlsym(RTLD_DEFAULT, name);

	if (!f)
		printf("skip %s is not exported yet\n", name);
	return f;
}

static void test_null_handling(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(NULL, 0);
	struct cxlmi_cmd_identify_rsp id;
	unsigned sent = 7, returned = 7;
	uint8_t set = 7, cmd = 7;
	size_t size = 4;
	uint8_t buf[4];
	void *f;

	/* Functions returning nothing: must simply not crash. */
	cxlmi_free_ctx(NULL);
	CHECK(true, "cxlmi_free_ctx(NULL) returns");
	cxlmi_close(NULL);
	CHECK(true, "cxlmi_close(NULL) returns");
	cxlmi_set_probe_enabled(NULL, false);
	cxlmi_set_probe_enabled(NULL, true);
	CHECK(true, "cxlmi_set_probe_enabled(NULL, ...) returns");
	cxlmi_mock_clear_responses(NULL);
	CHECK(true, "cxlmi_mock_clear_responses(NULL) returns");

	CHECK(cxlmi_first_endpoint(NULL) == NULL, "cxlmi_first_endpoint(NULL) is NULL");
	CHECK(cxlmi_next_endpoint(NULL, NULL) == NULL, "cxlmi_next_endpoint(NULL, NULL) is NULL");
	CHECK(cxlmi_next_endpoint(ctx, NULL) == NULL, "cxlmi_next_endpoint(ctx, NULL) is NULL");

	errno = 0;
	CHECK_INT(cxlmi_endpoint_get_timeout(NULL), 0, "cxlmi_endpoint_get_timeout(NULL) is 0");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	errno = 0;
	CHECK_INT(cxlmi_endpoint_set_timeout(NULL, 100), -1, "cxlmi_endpoint_set_timeout(NULL) is -1");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");

	CHECK(!cxlmi_endpoint_has_fmapi(NULL), "cxlmi_endpoint_has_fmapi(NULL) is false");
	CHECK(!cxlmi_endpoint_enable_fmapi(NULL), "cxlmi_endpoint_enable_fmapi(NULL) is false");
	CHECK(!cxlmi_endpoint_disable_fmapi(NULL), "cxlmi_endpoint_disable_fmapi(NULL) is false");

	errno = 0;
	CHECK(cxlmi_open_mock(NULL) == NULL, "cxlmi_open_mock(NULL) is NULL");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	errno = 0;
	CHECK_INT(cxlmi_mock_set_response(NULL, 0, 1, 0, buf, sizeof(buf)), -1, "cxlmi_mock_set_response(NULL) is -1");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	errno = 0;
	CHECK_INT(cxlmi_mock_get_stats(NULL, &sent, &returned), -1, "cxlmi_mock_get_stats(NULL) is -1");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	CHECK(sent == 7 && returned == 7, "  ... and writes nothing");
	errno = 0;
	CHECK_INT(cxlmi_mock_get_last_command(NULL, &set, &cmd, buf, &size), -1,
		  "cxlmi_mock_get_last_command(NULL) is -1");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	CHECK(set == 7 && cmd == 7 && size == 4, "  ... and writes nothing");

	/* A command with a NULL endpoint (upstream crashes here). */
	errno = 0;
	CHECK_INT(cxlmi_cmd_identify(NULL, NULL, &id), -1, "cxlmi_cmd_identify(NULL endpoint) is -1");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	errno = 0;
	CHECK_INT(cxlmi_cmd_request_bg_op_abort(NULL, NULL), -1, "cxlmi_cmd_request_bg_op_abort(NULL endpoint) is -1");
	CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");

	if ((f = lookup("cxlmi_open_mctp"))) {
		errno = 0;
		CHECK(((open_mctp_fn)f)(NULL, 1, 8) == NULL, "cxlmi_open_mctp(NULL ctx) is NULL");
		CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	}
	if ((f = lookup("cxlmi_open"))) {
		errno = 0;
		CHECK(((open_fn)f)(NULL, "mem0") == NULL, "cxlmi_open(NULL ctx) is NULL");
		CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
		errno = 0;
		CHECK(((open_fn)f)(ctx, NULL) == NULL, "cxlmi_open(ctx, NULL name) is NULL");
		CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	}
	if ((f = lookup("cxlmi_scan"))) {
		errno = 0;
		CHECK_INT(((scan_fn)f)(NULL), -1, "cxlmi_scan(NULL) is -1");
		CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	}
	if ((f = lookup("cxlmi_scan_mctp"))) {
		errno = 0;
		CHECK_INT(((scan_fn)f)(NULL), -1, "cxlmi_scan_mctp(NULL) is -1");
		CHECK_INT(errno, EINVAL, "  ... with errno EINVAL");
	}

	CHECK(cxlmi_first_endpoint(ctx) == NULL, "nothing was opened by the NULL calls");
	cxlmi_free_ctx(ctx);
}

static void test_iteration(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(NULL, 0);
	struct cxlmi_endpoint *a, *b, *c, *e, *next, *seen[4];
	int n = 0;

	CHECK(cxlmi_first_endpoint(ctx) == NULL, "a new context has no endpoints");
	a = cxlmi_open_mock(ctx);
	b = cxlmi_open_mock(ctx);
	c = cxlmi_open_mock(ctx);
	CHECK(a && b && c && a != b && b != c && a != c, "three mock endpoints open, distinct");

	cxlmi_for_each_endpoint(ctx, e)
	{
		if (n < 4)
			seen[n] = e;
		n++;
	}
	CHECK_INT(n, 3, "cxlmi_for_each_endpoint visits 3 endpoints");
	CHECK(n == 3 && seen[0] == c && seen[1] == b && seen[2] == a, "  ... newest first, as upstream lists them");
	CHECK(cxlmi_first_endpoint(ctx) == c, "cxlmi_first_endpoint is the newest");
	CHECK(cxlmi_next_endpoint(ctx, a) == NULL, "cxlmi_next_endpoint after the last is NULL");

	/* Close the middle one inside a safe loop, then all of them. */
	n = 0;
	cxlmi_for_each_endpoint_safe(ctx, e, next)
	{
		if (e == b)
			cxlmi_close(e);
		n++;
	}
	CHECK_INT(n, 3, "cxlmi_for_each_endpoint_safe visits 3 while closing one");
	n = 0;
	cxlmi_for_each_endpoint(ctx, e) n++;
	CHECK_INT(n, 2, "2 endpoints remain");
	CHECK(cxlmi_first_endpoint(ctx) == c && cxlmi_next_endpoint(ctx, c) == a, "  ... c then a");

	n = 0;
	cxlmi_for_each_endpoint_safe(ctx, e, next)
	{
		cxlmi_close(e);
		n++;
	}
	CHECK_INT(n, 2, "cxlmi_for_each_endpoint_safe closing every endpoint visits 2");
	CHECK(cxlmi_first_endpoint(ctx) == NULL, "  ... and the context is empty");

	/* Leftovers, with queued responses and a recorded command, are closed by cxlmi_free_ctx (valgrind checks). */
	a = cxlmi_open_mock(ctx);
	b = cxlmi_open_mock(ctx);
	queue(a, 0x00, 0x01, 0, "0123456789abcdefgh", 18);
	queue(a, 0x03, 0x00, 0, "01234567", 8);
	{
		struct cxlmi_cmd_set_timestamp_req ts = { .timestamp = 1 };
		CHECK_INT(cxlmi_cmd_set_timestamp(b, NULL, &ts), CXLMI_RET_UNSUPPORTED, "a command recorded on b");
	}
	cxlmi_free_ctx(ctx);
	CHECK(true, "cxlmi_free_ctx closes 2 leftover endpoints");
}

static void test_timeout_and_fmapi(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(NULL, 0);
	struct cxlmi_endpoint *ep = cxlmi_open_mock(ctx);

	CHECK_INT(cxlmi_endpoint_get_timeout(ep), 5000, "a mock's default timeout is 5000 ms");
	CHECK_INT(cxlmi_endpoint_set_timeout(ep, 1500), 0, "set timeout 1500 ms");
	CHECK_INT(cxlmi_endpoint_get_timeout(ep), 1500, "  ... reads back 1500");
	CHECK_INT(cxlmi_endpoint_set_timeout(ep, 0), 0, "set timeout 0 ms");
	CHECK_INT(cxlmi_endpoint_get_timeout(ep), 0, "  ... reads back 0");

	CHECK(cxlmi_endpoint_has_fmapi(ep), "a mock has FM-API enabled");
	CHECK(cxlmi_endpoint_disable_fmapi(ep), "disable FM-API succeeds");
	CHECK(!cxlmi_endpoint_has_fmapi(ep), "  ... has_fmapi is false");
	CHECK(cxlmi_endpoint_disable_fmapi(ep), "disabling again succeeds (no-op)");
	CHECK(!cxlmi_endpoint_has_fmapi(ep), "  ... still false");
	CHECK(cxlmi_endpoint_enable_fmapi(ep), "enable FM-API succeeds");
	CHECK(cxlmi_endpoint_has_fmapi(ep), "  ... has_fmapi is true");
	CHECK(cxlmi_endpoint_enable_fmapi(ep), "enabling again succeeds (no-op)");
	CHECK(cxlmi_endpoint_has_fmapi(ep), "  ... still true");
	cxlmi_free_ctx(ctx);
}

static void test_retcode_strings(void)
{
	static const struct {
		unsigned code;
		const char *text;
	} spot[] = {
		{ 0, "success" },
		{ 3, "cmd is not supported" },
		{ 6, "ongoing background operation" },
		{ 14, "one or more Event Record Handles were invalid" },
		{ 22, "invalid payload length" },
		{ 32, "on-going background cmd is not abortable" },
	};
	unsigned code, nonnull = 0;
	size_t i;

	for (code = 0; code <= 32; code++) {
		const char *s = cxlmi_cmd_retcode_tostr((enum cxlmi_cmd_retcode)code);
		if (s && s[0])
			nonnull++;
		else
			CHECK(false, "cxlmi_cmd_retcode_tostr(%u) is a non-empty string", code);
	}
	CHECK_INT(nonnull, 33, "cxlmi_cmd_retcode_tostr gives a string for every code 0..32");
	for (i = 0; i < sizeof(spot) / sizeof(spot[0]); i++) {
		const char *s = cxlmi_cmd_retcode_tostr((enum cxlmi_cmd_retcode)spot[i].code);
		CHECK(s && strcmp(s, spot[i].text) == 0, "cxlmi_cmd_retcode_tostr(%u) is \"%s\" (got \"%s\")",
		      spot[i].code, spot[i].text, s ? s : "(null)");
	}
	CHECK(cxlmi_cmd_retcode_tostr((enum cxlmi_cmd_retcode)33) == NULL, "cxlmi_cmd_retcode_tostr(33) is NULL");
	CHECK(cxlmi_cmd_retcode_tostr((enum cxlmi_cmd_retcode)0xffff) == NULL,
	      "cxlmi_cmd_retcode_tostr(0xffff) is NULL");
	CHECK(cxlmi_cmd_retcode_tostr((enum cxlmi_cmd_retcode)0x80000000u) == NULL,
	      "cxlmi_cmd_retcode_tostr(0x80000000) is NULL");
}

static void test_mock_queue_and_stats(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(NULL, 0);
	struct cxlmi_endpoint *ep = cxlmi_open_mock(ctx);
	struct cxlmi_cmd_get_timestamp_rsp ts;
	struct cxlmi_cmd_identify_rsp id;
	uint8_t first[18] = { 0x11, 0x11 }, second[18] = { 0x22, 0x22 }, t[8] = { 0x33 };
	unsigned sent, returned;

	stats(ep, &sent, &returned);
	CHECK(sent == 0 && returned == 0, "a new mock: 0 commands, 0 responses");

	queue(ep, 0x00, 0x01, 0, first, sizeof(first));
	queue(ep, 0x03, 0x00, 0, t, sizeof(t));
	queue(ep, 0x00, 0x01, 0, second, sizeof(second));
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "identify answered");
	CHECK_INT(id.vendor_id, 0x1111, "  ... by the first identify response queued");
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "identify answered again");
	CHECK_INT(id.vendor_id, 0x2222, "  ... by the second (FIFO per opcode, past another opcode's)");
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), CXLMI_RET_UNSUPPORTED, "a third identify finds nothing: 3");
	CHECK_INT(cxlmi_cmd_get_timestamp(ep, NULL, &ts), 0, "the timestamp response is still there");
	CHECK_U64(ts.timestamp, 0x33, "  ... with its payload");
	stats(ep, &sent, &returned);
	CHECK_INT(sent, 4, "stats: 4 commands received");
	CHECK_INT(returned, 3, "stats: 3 responses returned");

	/* The same opcode queued with different return codes comes back in order. */
	queue(ep, 0x00, 0x01, CXLMI_RET_BUSY, NULL, 0);
	queue(ep, 0x00, 0x01, CXLMI_RET_RETRY, NULL, 0);
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), CXLMI_RET_BUSY, "queued return code 6 first");
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), CXLMI_RET_RETRY, "queued return code 5 second");

	queue(ep, 0x00, 0x01, 0, first, sizeof(first));
	queue(ep, 0x03, 0x00, 0, t, sizeof(t));
	cxlmi_mock_clear_responses(ep);
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), CXLMI_RET_UNSUPPORTED,
		  "after clear_responses identify finds nothing");
	CHECK_INT(cxlmi_cmd_get_timestamp(ep, NULL, &ts), CXLMI_RET_UNSUPPORTED, "  ... nor does get timestamp");
	stats(ep, &sent, &returned);
	CHECK_INT(sent, 8, "stats: 8 commands received");
	CHECK_INT(returned, 5, "stats: 5 responses returned");
	CHECK_INT(cxlmi_mock_get_stats(ep, NULL, NULL), 0, "get_stats with NULL outputs is fine");
	sent = 99;
	CHECK_INT(cxlmi_mock_get_stats(ep, &sent, NULL), 0, "get_stats with only commands_sent");
	CHECK_INT(sent, 8, "  ... 8");
	returned = 99;
	CHECK_INT(cxlmi_mock_get_stats(ep, NULL, &returned), 0, "get_stats with only responses_returned");
	CHECK_INT(returned, 5, "  ... 5");

	/* A response with a payload size but no payload queues an empty one. */
	CHECK_INT(cxlmi_mock_set_response(ep, 0x00, 0x01, 0, NULL, 18), 0,
		  "set_response(NULL payload, size 18) is accepted");
	memset(&id, 0xa5, sizeof(id));
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "  ... identify succeeds");
	CHECK(tc_all_bytes(&id, sizeof(id), 0), "  ... with an all-zero (zero-filled) response");
	cxlmi_free_ctx(ctx);
}

static void test_mock_last_command(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(NULL, 0);
	struct cxlmi_endpoint *ep = cxlmi_open_mock(ctx);
	struct cxlmi_cmd_set_timestamp_req ts = { .timestamp = 0x1122334455667788ull };
	static const uint8_t wire[8] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };
	uint8_t set = 0xee, cmd = 0xee, buf[16];
	size_t size;

	size = sizeof(buf);
	CHECK_INT(cxlmi_mock_get_last_command(ep, &set, &cmd, buf, &size), 0, "last command before any: succeeds");
	CHECK(set == 0 && cmd == 0 && size == 0, "  ... opcode 0000h, 0 payload bytes");

	CHECK_INT(cxlmi_cmd_set_timestamp(ep, NULL, &ts), CXLMI_RET_UNSUPPORTED, "set timestamp, nothing queued");
	CHECK_SENT(ep, 0x03, 0x01, wire, sizeof(wire), "set timestamp");

	/* A small buffer gets a prefix; the size tells the whole. */
	memset(buf, 0xcc, sizeof(buf));
	size = 3;
	CHECK_INT(cxlmi_mock_get_last_command(ep, NULL, NULL, buf, &size), 0, "last command into a 3-byte buffer");
	CHECK_INT(size, 8, "  ... size out is the full 8");
	CHECK_BYTES(buf, wire, 3, "  ... the first 3 bytes copied");
	CHECK(tc_all_bytes(buf + 3, sizeof(buf) - 3, 0xcc), "  ... nothing past them");

	/* No buffer: the size only. */
	size = 100;
	CHECK_INT(cxlmi_mock_get_last_command(ep, NULL, NULL, NULL, &size), 0, "last command with a NULL buffer");
	CHECK_INT(size, 8, "  ... size out is 8");

	/* Size 0 with a buffer: nothing copied. */
	memset(buf, 0xcc, sizeof(buf));
	size = 0;
	CHECK_INT(cxlmi_mock_get_last_command(ep, NULL, NULL, buf, &size), 0, "last command with size 0");
	CHECK_INT(size, 8, "  ... size out is 8");
	CHECK(tc_all_bytes(buf, sizeof(buf), 0xcc), "  ... nothing copied");

	/* No size pointer: the buffer cannot be sized, so it is not written. */
	memset(buf, 0xcc, sizeof(buf));
	set = cmd = 0xee;
	CHECK_INT(cxlmi_mock_get_last_command(ep, &set, &cmd, buf, NULL), 0, "last command with a NULL size");
	CHECK(set == 0x03 && cmd == 0x01, "  ... still reports the opcode 0301h");
	CHECK(tc_all_bytes(buf, sizeof(buf), 0xcc), "  ... and does not touch the buffer");

	/* A large buffer: exactly the payload. */
	memset(buf, 0xcc, sizeof(buf));
	size = sizeof(buf);
	CHECK_INT(cxlmi_mock_get_last_command(ep, NULL, NULL, buf, &size), 0, "last command into a 16-byte buffer");
	CHECK_INT(size, 8, "  ... size out is 8");
	CHECK_BYTES(buf, wire, 8, "  ... the payload");
	CHECK(tc_all_bytes(buf + 8, sizeof(buf) - 8, 0xcc), "  ... nothing past it");

	/* A command without payload resets the record. */
	CHECK_INT(cxlmi_cmd_request_bg_op_abort(ep, NULL), CXLMI_RET_UNSUPPORTED, "bg op abort, nothing queued");
	CHECK_SENT(ep, 0x00, 0x05, NULL, 0, "bg op abort");
	cxlmi_free_ctx(ctx);
}

static void test_tunnels(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(NULL, 0);
	struct cxlmi_endpoint *ep = cxlmi_open_mock(ctx);
	struct cxlmi_tunnel_info bad = { .port = 1, .ld = 1, .level = 3, .mhd = false };
	struct cxlmi_cmd_identify_rsp id;
	static const uint8_t idw[18] = { 0x86, 0x80, 0x0d, 0xf0, 0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 12, 3 };
	unsigned before;
	DEFINE_CXLMI_TUNNEL_MLD(t_mld, 3);
	DEFINE_CXLMI_TUNNEL_SWITCH(t_sw, 5);
	DEFINE_CXLMI_TUNNEL_SWITCH_MLD(t_swmld, 2, 7);
	DEFINE_CXLMI_TUNNEL_MHD(t_mhd);
	struct cxlmi_tunnel_info *tunnels[] = {
		&t_mld,
		&t_sw,
		&t_swmld,
		&t_mhd,
		CXLMI_TUNNEL_MLD(1),
		CXLMI_TUNNEL_SWITCH(4),
		CXLMI_TUNNEL_SWITCH_MLD(4, 1),
		CXLMI_TUNNEL_MHD,
	};
	static const char *names[] = {
		"DEFINE_CXLMI_TUNNEL_MLD(3)",
		"DEFINE_CXLMI_TUNNEL_SWITCH(5)",
		"DEFINE_CXLMI_TUNNEL_SWITCH_MLD(2, 7)",
		"DEFINE_CXLMI_TUNNEL_MHD",
		"CXLMI_TUNNEL_MLD(1)",
		"CXLMI_TUNNEL_SWITCH(4)",
		"CXLMI_TUNNEL_SWITCH_MLD(4, 1)",
		"CXLMI_TUNNEL_MHD",
	};
	size_t i;

	CHECK(t_mld.port == -1 && t_mld.ld == 3 && t_mld.level == 1 && !t_mld.mhd, "DEFINE_CXLMI_TUNNEL_MLD fields");
	CHECK(t_sw.port == 5 && t_sw.ld == -1 && t_sw.level == 1 && !t_sw.mhd, "DEFINE_CXLMI_TUNNEL_SWITCH fields");
	CHECK(t_swmld.port == 2 && t_swmld.ld == 7 && t_swmld.level == 2 && !t_swmld.mhd,
	      "DEFINE_CXLMI_TUNNEL_SWITCH_MLD fields");
	CHECK(t_mhd.level == 1 && t_mhd.mhd, "DEFINE_CXLMI_TUNNEL_MHD fields");
	CHECK(CXLMI_TUNNEL_MLD(9)->ld == 9 && CXLMI_TUNNEL_MLD(9)->level == 1, "CXLMI_TUNNEL_MLD fields");
	CHECK(CXLMI_TUNNEL_SWITCH(6)->port == 6 && CXLMI_TUNNEL_SWITCH(6)->ld == -1, "CXLMI_TUNNEL_SWITCH fields");
	CHECK(CXLMI_TUNNEL_SWITCH_MLD(6, 2)->level == 2, "CXLMI_TUNNEL_SWITCH_MLD fields");
	CHECK(CXLMI_TUNNEL_MHD->mhd, "CXLMI_TUNNEL_MHD fields");
	CHECK(CXLMI_NO_TUNNEL == NULL, "CXLMI_NO_TUNNEL is NULL");

	/* The mock ignores tunnel information, as upstream's: the command arrives as if sent directly. */
	for (i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++) {
		queue(ep, 0x00, 0x01, 0, idw, sizeof(idw));
		memset(&id, 0, sizeof(id));
		CHECK_INT(cxlmi_cmd_identify(ep, tunnels[i], &id), 0, "identify through %s on a mock", names[i]);
		CHECK(id.vendor_id == 0x8086 && id.serial_num == 0x0102030405060708ull && id.component_type == 3,
		      "  ... decoded as a direct response");
		CHECK_SENT(ep, 0x00, 0x01, NULL, 0, "  ... sent unwrapped");
	}

	before = tc_commands_sent(ep);
	queue(ep, 0x00, 0x01, 0, idw, sizeof(idw));
	errno = 0;
	CHECK_INT(cxlmi_cmd_identify(ep, &bad, &id), -1, "tunnel level 3 is refused with -1");
	CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
	CHECK_INT(tc_commands_sent(ep), before, "  ... nothing sent");
	errno = 0;
	CHECK_INT(cxlmi_cmd_request_bg_op_abort(ep, &bad), -1, "bg op abort with tunnel level 3 is refused");
	CHECK_INT(tc_commands_sent(ep), before, "  ... nothing sent");
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "the queued response is still there for a direct identify");
	cxlmi_free_ctx(ctx);
}

static void test_mock_refusals(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(NULL, 0);
	struct cxlmi_endpoint *ep = cxlmi_open_mock(ctx);
	uint8_t payload[4] = { 1, 2, 3, 4 };
	open_mctp_fn open_mctp;
	struct cxlmi_endpoint *other = NULL;
	unsigned sent;

	/* A payload with size 0 queues an empty response. */
	CHECK_INT(cxlmi_mock_set_response(ep, 0x00, 0x02, 0, payload, 0), 0,
		  "set_response(payload, size 0) is accepted");
	cxlmi_mock_clear_responses(ep);

	/* Queuing responses does not count as commands. */
	CHECK_INT(cxlmi_mock_set_response(ep, 0xc0, 0x00, 0, payload, sizeof(payload)), 0, "queue a vendor response");
	sent = 99;
	cxlmi_mock_get_stats(ep, &sent, NULL);
	CHECK_INT(sent, 0, "  ... no command counted");

	/* Mock functions on an endpoint that is not a mock: only where this host can open one. */
	open_mctp = (open_mctp_fn)dlsym(RTLD_DEFAULT, "cxlmi_open_mctp");
	if (open_mctp)
		other = open_mctp(ctx, 1, 8);
	if (other) {
		errno = 0;
		CHECK_INT(cxlmi_mock_set_response(other, 0, 1, 0, payload, 4), -1,
			  "set_response on an MCTP endpoint is -1");
		CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
		errno = 0;
		CHECK_INT(cxlmi_mock_get_stats(other, &sent, NULL), -1, "get_stats on an MCTP endpoint is -1");
		CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
		errno = 0;
		CHECK_INT(cxlmi_mock_get_last_command(other, NULL, NULL, NULL, NULL), -1,
			  "get_last_command on an MCTP endpoint is -1");
		CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
		cxlmi_mock_clear_responses(other);
		CHECK(true, "clear_responses on an MCTP endpoint returns");
	} else {
		printf("skip mock functions on a non-mock endpoint: none can be opened here\n");
	}
	cxlmi_free_ctx(ctx);
}

int main(void)
{
	test_logging();
	test_null_handling();
	test_iteration();
	test_timeout_and_fmapi();
	test_retcode_strings();
	test_mock_queue_and_stats();
	test_mock_last_command();
	test_tunnels();
	test_mock_refusals();
	return finish();
}
