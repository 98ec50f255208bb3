/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers shared by the C test programs under tests/.
 *
 * Each program includes this once, calls CHECK*() for every check (one line
 * of output each) and ends with `return finish();`, which prints
 * "N passed, M failed" and gives the exit status meson expects (0 when all
 * passed, 1 otherwise).
 *
 * Only the public headers are used, exactly as a library user would.
 */
#ifndef CXLMI_TEST_COMMON_H
#define CXLMI_TEST_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libcxlmi.h>
#include <cxlmi/test.h>

#define TC_UNUSED __attribute__((unused))

static unsigned tc_passed TC_UNUSED;
static unsigned tc_failed TC_UNUSED;

/* Records one check and prints its line; `detail` (may be NULL) is printed on failure. */
static TC_UNUSED __attribute__((format(printf, 4, 5))) bool tc_check(bool ok, int line, const char *detail,
								     const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok && detail)
		printf("  [line %d: %s]", line, detail);
	printf("\n");
	if (ok)
		tc_passed++;
	else
		tc_failed++;
	fflush(stdout);
	return ok;
}

/* CHECK(condition, "name format", args...) */
#define CHECK(cond, ...) tc_check(!!(cond), __LINE__, #cond, __VA_ARGS__)

/* Integer equality, printing both values when they differ. */
static TC_UNUSED __attribute__((format(printf, 4, 5))) bool tc_check_int(long long got, long long want, int line,
									 const char *fmt, ...)
{
	char name[256], detail[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(detail, sizeof(detail), "got %lld (0x%llx), want %lld (0x%llx)", got, (unsigned long long)got, want,
		 (unsigned long long)want);
	return tc_check(got == want, line, detail, "%s", name);
}

static TC_UNUSED __attribute__((format(printf, 4, 5))) bool
tc_check_u64(unsigned long long got, unsigned long long want, int line, const char *fmt, ...)
{
	char name[256], detail[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(detail, sizeof(detail), "got 0x%llx, want 0x%llx", got, want);
	return tc_check(got == want, line, detail, "%s", name);
}

#define CHECK_INT(got, want, ...) tc_check_int((long long)(got), (long long)(want), __LINE__, __VA_ARGS__)
#define CHECK_U64(got, want, ...) \
	tc_check_u64((unsigned long long)(got), (unsigned long long)(want), __LINE__, __VA_ARGS__)

/* Prints `len` bytes as hex, 16 per line, marking bytes that differ from `other` (may be NULL). */
static TC_UNUSED void tc_hexdump(const char *label, const void *buf, size_t len, const void *other)
{
	const uint8_t *p = buf, *o = other;
	size_t i;

	printf("      %s (%zu bytes):", label, len);
	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("\n      %04zx:", i);
		printf("%c%02x", o && o[i] != p[i] ? '*' : ' ', p[i]);
	}
	printf("\n");
}

/* Byte-for-byte comparison; on a mismatch both buffers are dumped with differences starred. */
static TC_UNUSED __attribute__((format(printf, 5, 6))) bool tc_check_bytes(const void *got, const void *want,
									   size_t len, int line, const char *fmt, ...)
{
	char name[256], detail[64];
	bool ok = memcmp(got, want, len) == 0;
	va_list ap;
	size_t i = 0;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (!ok) {
		while (((const uint8_t *)got)[i] == ((const uint8_t *)want)[i])
			i++;
		snprintf(detail, sizeof(detail), "first difference at byte %zu", i);
	}
	tc_check(ok, line, ok ? NULL : detail, "%s", name);
	if (!ok) {
		tc_hexdump("got ", got, len, want);
		tc_hexdump("want", want, len, got);
	}
	return ok;
}

#define CHECK_BYTES(got, want, len, ...) tc_check_bytes((got), (want), (len), __LINE__, __VA_ARGS__)

/* Every byte of `buf` equals `value`. */
static TC_UNUSED bool tc_all_bytes(const void *buf, size_t len, uint8_t value)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != value)
			return false;
	return true;
}

/*
 * The last command a mock endpoint received was command set `set`, command
 * `cmd`, with exactly the `len` payload bytes `want` (NULL when len is 0).
 */
static TC_UNUSED __attribute__((format(printf, 7, 8))) bool tc_check_sent(struct cxlmi_endpoint *ep, uint8_t set,
									  uint8_t cmd, const void *want, size_t len,
									  int line, const char *fmt, ...)
{
	uint8_t got_set = 0xee, got_cmd = 0xee, *got;
	size_t got_len = len + 1; /* room for one byte more than expected, to see a longer payload */
	char name[256];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	got = malloc(got_len);
	if (!got)
		return tc_check(false, line, "out of memory", "%s: sent", name);
	memset(got, 0xee, got_len);
	if (cxlmi_mock_get_last_command(ep, &got_set, &got_cmd, got, &got_len) != 0) {
		free(got);
		return tc_check(false, line, "cxlmi_mock_get_last_command failed", "%s: sent", name);
	}
	ok = tc_check_int(((unsigned)got_set << 8) | got_cmd, ((unsigned)set << 8) | cmd, line,
			  "%s: opcode %02x%02xh sent", name, set, cmd);
	ok &= tc_check_int(got_len, len, line, "%s: %zu payload bytes sent", name, len);
	if (got_len == len && len)
		ok &= tc_check_bytes(got, want, len, line, "%s: payload bytes sent", name);
	free(got);
	return ok;
}

#define CHECK_SENT(ep, set, cmd, want, len, ...) tc_check_sent((ep), (set), (cmd), (want), (len), __LINE__, __VA_ARGS__)

/* Commands a mock endpoint has received so far (UINT32_MAX if it cannot say). */
static TC_UNUSED unsigned tc_commands_sent(struct cxlmi_endpoint *ep)
{
	unsigned sent = 0, returned = 0;

	if (cxlmi_mock_get_stats(ep, &sent, &returned) != 0)
		return UINT32_MAX;
	return sent;
}

/* What output buffers hold before a call, so untouched bytes show. */
#define FILL 0xa5

/* Little-endian writers for building wire images by hand. */
static TC_UNUSED void le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}
static TC_UNUSED void le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}
static TC_UNUSED void le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

/* A heap buffer of exactly `n` bytes holding FILL (valgrind sees any overrun). */
static TC_UNUSED void *filled(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	memset(p, FILL, n);
	return p;
}

/* Prints the totals; the program's exit status. */
/*
 * The library's log, kept in memory to check what it says: tc_log_open() gives the stream for
 * cxlmi_new_ctx(), tc_logged() whether what was logged since the last tc_log_mark() holds a text,
 * tc_log_count() how often all of it does; tc_log_close() prints it when a check failed, then
 * frees it (after cxlmi_free_ctx()).
 */
static char *tc_log_text TC_UNUSED;
static size_t tc_log_len TC_UNUSED, tc_log_marked TC_UNUSED;
static FILE *tc_log_fp TC_UNUSED;

static TC_UNUSED FILE *tc_log_open(void)
{
	tc_log_fp = open_memstream(&tc_log_text, &tc_log_len);
	return tc_log_fp;
}

static TC_UNUSED void tc_log_mark(void)
{
	fflush(tc_log_fp);
	tc_log_marked = tc_log_len;
}

static TC_UNUSED bool tc_logged(const char *needle)
{
	fflush(tc_log_fp);
	return tc_log_text && tc_log_len >= tc_log_marked && strstr(tc_log_text + tc_log_marked, needle) != NULL;
}

static TC_UNUSED unsigned tc_log_count(const char *needle)
{
	unsigned n = 0;

	fflush(tc_log_fp);
	for (const char *p = tc_log_text; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static TC_UNUSED void tc_log_close(void)
{
	if (!tc_log_fp)
		return;
	fclose(tc_log_fp);
	if (tc_failed && tc_log_text)
		printf("---- library log ----\n%s---- end of log ----\n", tc_log_text);
	free(tc_log_text);
	tc_log_fp = NULL;
	tc_log_text = NULL;
}

static TC_UNUSED int finish(void)
{
	printf("%u passed, %u failed\n", tc_passed, tc_failed);
	return tc_failed ? 1 : 0;
}

#endif /* CXLMI_TEST_COMMON_H */
