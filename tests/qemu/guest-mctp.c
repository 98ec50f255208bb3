// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runs inside the QEMU guest on the custom kernel (the stock one has no
 * MCTP), after mctp-link has put the N_MCTP line discipline on ttyS1: the
 * library's MCTP transport through the real kernel MCTP stack (AF_MCTP
 * sockets, tag allocation, the DSP0253 serial binding) to the host, where
 * cxlmi-qemu-responder answers with the emulated switch at EID 8 (a Type 3
 * device behind port 1, an MLD behind port 2). Statically linked from
 * libcxlmi.a, public API only.
 *
 * The responder knows two vendor opcodes: CF7Ah reports what it saw of that
 * request (MCTP tag, CCI tag, MCTP type, how many requests came before), and
 * CF5Eh makes it drop the next request (a timeout).
 */
#define _GNU_SOURCE
#include <time.h>
#include <unistd.h>

#include "test-common.h"

#define NET 1
#define EID 8
#define OPCODE_SILENCE 0xcf5e
#define OPCODE_REPORT 0xcf7a

struct report {
	uint8_t mctp_tag, cci_tag, mctp_type;
	uint32_t seen;
	uint8_t dropped_tag; /* MCTP tag of the last request it dropped, FFh for none */
} __attribute__((packed));

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool report(struct cxlmi_endpoint *ep, struct report *r)
{
	memset(r, 0xff, sizeof(*r));
	return cxlmi_cmd_vendor_specific(ep, NULL, OPCODE_REPORT, NULL, 0, r, sizeof(*r)) == 0;
}

static void identify_and_tags(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_cmd_fmapi_identify_sw_device_rsp sw;
	struct report a, b;

	memset(&id, FILL, sizeof(id));
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "cxlmi_cmd_identify over MCTP (type 8, CCI)");
	CHECK_INT(id.component_type, 0x00, "  ... a switch");
	CHECK_INT(id.vendor_id, 0x1e98, "  ... the emulator's vendor id");
	CHECK_INT(id.device_id, 0xe500, "  ... the switch's device id");
	CHECK_U64(id.serial_num, 0x7e55000000000001ULL, "  ... the switch's serial number");

	memset(&sw, FILL, sizeof(sw));
	CHECK_INT(cxlmi_cmd_fmapi_identify_sw_device(ep, NULL, &sw), 0,
		  "cxlmi_cmd_fmapi_identify_sw_device over MCTP (type 7, FM-API)");
	CHECK_INT(sw.num_physical_ports, 5, "  ... 5 physical ports");
	CHECK_INT(sw.num_vcs, 2, "  ... 2 virtual switches");

	/* Tags: each request carries the next CCI tag; the kernel gives each its own MCTP tag. */
	CHECK(report(ep, &a), "vendor opcode CF7Ah: the responder reports what it saw");
	CHECK(report(ep, &b), "  ... twice");
	printf("      MCTP tags %u, %u; CCI tags %u, %u; type %u, %u; requests before %u, %u\n", a.mctp_tag, b.mctp_tag,
	       a.cci_tag, b.cci_tag, a.mctp_type, b.mctp_type, a.seen, b.seen);
	CHECK(a.mctp_type == 8 && b.mctp_type == 8, "  ... both as CXL CCI messages (MCTP type 8)");
	CHECK(a.mctp_tag < 8 && b.mctp_tag < 8, "  ... with MCTP tags from the kernel (0-7)");
	CHECK_INT((uint8_t)(b.cci_tag - a.cci_tag), 1, "  ... consecutive CCI tags");
	CHECK_INT(b.seen - a.seen, 1, "  ... and nothing in between on the wire");
}

static void timeout(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_identify_rsp id;
	double t0, waited;
	int rc, err;

	CHECK_INT(cxlmi_endpoint_set_timeout(ep, 1000), 0, "cxlmi_endpoint_set_timeout 1000 ms");
	CHECK_INT(cxlmi_cmd_vendor_specific(ep, NULL, OPCODE_SILENCE, NULL, 0, NULL, 0), 0,
		  "vendor opcode CF5Eh: the responder will drop the next request");
	t0 = now_s();
	errno = 0;
	rc = cxlmi_cmd_identify(ep, NULL, &id);
	err = errno;
	waited = now_s() - t0;
	printf("      rc %d errno %d (%s) after %.2f s\n", rc, err, strerror(err), waited);
	CHECK(rc == -1 && err == ETIMEDOUT, "  ... so cxlmi_cmd_identify is -1/ETIMEDOUT");
	CHECK(waited > 0.9 && waited < 3.0, "  ... after the 1 s timeout (%.2f s)", waited);
	memset(&id, FILL, sizeof(id));
	CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "the next cxlmi_cmd_identify is answered");
	CHECK_INT(id.component_type, 0x00, "  ... by the switch");
	/* The kernel keeps the unanswered request's tag reserved for a while, so it picks another. */
	struct report r;
	CHECK(report(ep, &r), "the responder reports");
	printf("      dropped request's MCTP tag %u, this one's %u\n", r.dropped_tag, r.mctp_tag);
	CHECK(r.dropped_tag < 8 && r.mctp_tag != r.dropped_tag,
	      "  ... the kernel did not reuse the unanswered request's MCTP tag");
	CHECK_INT(cxlmi_endpoint_set_timeout(ep, 2000), 0, "timeout back to 2000 ms");
}

static void tunnels(struct cxlmi_endpoint *ep)
{
	struct cxlmi_tunnel_info sld = { .port = 1, .ld = -1, .level = 1, .mhd = false };
	struct cxlmi_tunnel_info fmld = { .port = 2, .ld = -1, .level = 1, .mhd = false };
	struct cxlmi_tunnel_info ld0 = { .port = 2, .ld = 0, .level = 2, .mhd = false };
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_cmd_memdev_identify_rsp mid;
	struct cxlmi_cmd_fmapi_get_ld_info_rsp ld;
	struct cxlmi_cmd_memdev_set_lsa_req *set;
	struct cxlmi_cmd_memdev_get_lsa_req get;
	uint8_t *pattern, *back;
	const unsigned len = 2048;

	memset(&id, FILL, sizeof(id));
	CHECK_INT(cxlmi_cmd_identify(ep, &sld, &id), 0, "cxlmi_cmd_identify tunnelled to switch port 1");
	CHECK_INT(id.component_type, 0x03, "  ... a Type 3 device");
	CHECK_U64(id.serial_num, 0x7e53000000000101ULL, "  ... the one behind port 1");
	memset(&mid, FILL, sizeof(mid));
	CHECK_INT(cxlmi_cmd_memdev_identify(ep, &sld, &mid), 0, "cxlmi_cmd_memdev_identify tunnelled to port 1");
	CHECK_INT(mid.lsa_size, 64 << 10, "  ... with a 64 KiB label storage area");

	/* 2 KiB each way: a Set LSA of 2 KiB is a 2084-byte MCTP message, 33 serial packets. */
	pattern = malloc(len);
	back = malloc(len);
	for (unsigned i = 0; i < len; i++)
		pattern[i] = (uint8_t)(i * 7 + (i >> 8));
	set = filled(sizeof(*set) + len);
	set->offset = 0x400;
	set->rsvd = 0;
	memcpy(set->data, pattern, len);
	CHECK_INT(cxlmi_cmd_memdev_set_lsa(ep, &sld, set, len), 0, "cxlmi_cmd_memdev_set_lsa, %u bytes, tunnelled",
		  len);
	get.offset = 0x400;
	get.length = len;
	memset(back, FILL, len);
	CHECK_INT(cxlmi_cmd_memdev_get_lsa(ep, &sld, &get, back), 0, "cxlmi_cmd_memdev_get_lsa, %u bytes, tunnelled",
		  len);
	CHECK_BYTES(back, pattern, len, "  ... reads back the same %u bytes", len);
	free(set);
	free(pattern);
	free(back);

	memset(&ld, FILL, sizeof(ld));
	CHECK_INT(cxlmi_cmd_fmapi_get_ld_info(ep, &fmld, &ld), 0,
		  "cxlmi_cmd_fmapi_get_ld_info tunnelled to port 2 (the MLD)");
	CHECK_INT(ld.ld_count, 4, "  ... 4 LDs");
	CHECK_U64(ld.memory_size, 4ULL << 30, "  ... 4 GiB");
	memset(&id, FILL, sizeof(id));
	CHECK_INT(cxlmi_cmd_identify(ep, &ld0, &id), 0, "cxlmi_cmd_identify tunnelled to port 2, LD 0 (two levels)");
	CHECK_INT(id.component_type, 0x03, "  ... a Type 3 LD");
}

int main(void)
{
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;

	if (access("/sys/class/net/mctpserial0", F_OK) != 0) {
		printf("no mctpserial0 (not in the QEMU guest, or mctp-link did not run): skipped\n");
		return 77;
	}
	ctx = cxlmi_new_ctx(tc_log_open(), LOG_DEBUG);
	ep = cxlmi_open_mctp(ctx, NET, EID);
	if (CHECK(ep != NULL, "cxlmi_open_mctp(ctx, %d, %d) through mctpserial0", NET, EID)) {
		identify_and_tags(ep);
		timeout(ep);
		tunnels(ep);
		cxlmi_close(ep);
	} else {
		printf("      errno %d (%s)\n", errno, strerror(errno));
	}
	cxlmi_free_ctx(ctx);
	tc_log_close();
	return finish();
}
