// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The management steps of the C examples (see example-steps.h). Section numbers are of the
 * CXL 3.1 specification.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libcxlmi.h>

#include "example-steps.h"

/* Memory Device capacities (Identify Memory Device, Get Partition Info) count 256 MiB units. */
#define CAPACITY_UNIT_MIB 256

/* Background Operation Status (8.2.9.1.2): bit 0 "in progress", bits 7:1 the percentage. */
#define BG_RUNNING(status) ((status)&0x01)
#define BG_PERCENT(status) ((status) >> 1)
#define BG_POLL_MS 200
#define BG_POLL_LIMIT (120 * 1000 / BG_POLL_MS) /* give up after two minutes */

#define OPCODE_SANITIZE 0x4400
#define ABORT_AFTER_MS 1000 /* how long the second sanitize runs before the abort */

/* Get Event Records (8.2.9.2.2) output flags. */
#define EVENTS_OVERFLOW 0x01
#define EVENTS_MORE 0x02
#define EVENTS_MAX_ROUNDS 64 /* reads of one log while clearing it */

/* How much of the Label Storage Area the example reads, writes and shows. */
#define LSA_SHOWN 32

#define LABEL "    %-26s"

const char *tunnel_text(const struct cxlmi_tunnel_info *ti)
{
	static char text[48];

	if (!ti)
		return "this endpoint";
	if (ti->mhd)
		snprintf(text, sizeof(text), "the LD pool CCI");
	else if (ti->level == 2)
		snprintf(text, sizeof(text), "LD %d behind port %d", (int)ti->ld, (int)ti->port);
	else if (ti->port >= 0)
		snprintf(text, sizeof(text), "the device behind port %d", (int)ti->port);
	else
		snprintf(text, sizeof(text), "LD %d", (int)ti->ld);
	return text;
}

/* "cxlmi_cmd_identify" or "cxlmi_cmd_identify to LD 2 behind port 2": the call, in messages. */
static const char *call(const char *fn, const struct cxlmi_tunnel_info *ti)
{
	static char text[96];

	if (!ti)
		return fn;
	snprintf(text, sizeof(text), "%s to %s", fn, tunnel_text(ti));
	return text;
}

static unsigned long long mib(uint64_t units)
{
	return (unsigned long long)units * CAPACITY_UNIT_MIB;
}

static const char *component_name(uint8_t type)
{
	switch (type) {
	case COMPONENT_SWITCH:
		return "switch";
	case COMPONENT_TYPE3:
		return "type 3 memory device";
	default:
		return "reserved type";
	}
}

int show_identify(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, struct cxlmi_cmd_identify_rsp *out)
{
	struct cxlmi_cmd_identify_rsp id;
	int rc;

	memset(&id, 0, sizeof(id));
	rc = example_result(call("cxlmi_cmd_identify", ti), cxlmi_cmd_identify(ep, ti, &id), false);
	if (rc != EXAMPLE_OK)
		return rc;
	printf("  Identify (%s)\n", tunnel_text(ti));
	printf(LABEL "%04x:%04x (subsystem %04x:%04x)\n", "vendor:device", id.vendor_id, id.device_id,
	       id.subsys_vendor_id, id.subsys_id);
	printf(LABEL "%016" PRIx64 "\n", "serial number", (uint64_t)id.serial_num);
	printf(LABEL "%u bytes\n", "largest message", 1u << id.max_msg_size);
	printf(LABEL "%s (%u)\n", "component", component_name(id.component_type), id.component_type);
	if (out)
		*out = id;
	return EXAMPLE_OK;
}

static const char *media_status_name(uint8_t status)
{
	/* Get Health Info, Table 8-100 */
	static const char *const names[] = {
		"normal",
		"not ready",
		"write persistency lost",
		"all data lost",
		"write persistency loss on power loss",
		"write persistency loss on shutdown",
		"write persistency loss imminent",
		"data loss on power loss",
		"data loss on shutdown",
		"data loss imminent",
	};
	return status < sizeof(names) / sizeof(names[0]) ? names[status] : "reserved";
}

int show_health(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti)
{
	struct cxlmi_cmd_memdev_get_health_info_rsp h;
	int rc;

	memset(&h, 0, sizeof(h));
	printf("  Health (%s)\n", tunnel_text(ti));
	rc = example_result(call("cxlmi_cmd_memdev_get_health_info", ti), cxlmi_cmd_memdev_get_health_info(ep, ti, &h),
			    false);
	if (rc != EXAMPLE_OK)
		return rc;
	printf(LABEL "%s%s%s%s\n", "health", h.health_status ? "" : "good",
	       h.health_status & 0x01 ? "maintenance needed " : "",
	       h.health_status & 0x02 ? "performance degraded " : "",
	       h.health_status & 0x04 ? "replacement needed" : "");
	printf(LABEL "%s\n", "media", media_status_name(h.media_status));
	printf(LABEL "%u%%\n", "life used", h.life_used);
	if (h.device_temperature == 0xffff)
		printf(LABEL "not reported\n", "temperature");
	else
		printf(LABEL "%d C\n", "temperature", (int16_t)h.device_temperature);
	printf(LABEL "%" PRIu32 "\n", "dirty shutdowns", (uint32_t)h.dirty_shutdown_count);
	printf(LABEL "%" PRIu32 " volatile, %" PRIu32 " persistent\n", "corrected errors",
	       (uint32_t)h.corrected_volatile_error_count, (uint32_t)h.corrected_persistent_error_count);
	return EXAMPLE_OK;
}

static int show_partition(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti)
{
	struct cxlmi_cmd_memdev_get_partition_info_rsp p;
	int rc;

	memset(&p, 0, sizeof(p));
	printf("  Partitions\n");
	rc = example_result(call("cxlmi_cmd_memdev_get_partition_info", ti),
			    cxlmi_cmd_memdev_get_partition_info(ep, ti, &p), true);
	if (rc != EXAMPLE_OK)
		return rc;
	printf(LABEL "%llu MiB volatile, %llu MiB persistent\n", "active", mib(p.active_vmem), mib(p.active_pmem));
	/* Zero "next" means no change is pending for the next cold reset. */
	if (p.next_vmem || p.next_pmem)
		printf(LABEL "%llu MiB volatile, %llu MiB persistent\n", "after next cold reset", mib(p.next_vmem),
		       mib(p.next_pmem));
	return EXAMPLE_OK;
}

static void hex_line(const char *label, const uint8_t *data, size_t len)
{
	printf(LABEL, label);
	for (size_t i = 0; i < len; i++)
		printf("%02x%s", data[i], i + 1 < len ? " " : "\n");
}

static int read_lsa(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, uint32_t len, uint8_t *buf, bool optional)
{
	struct cxlmi_cmd_memdev_get_lsa_req req = { .offset = 0, .length = len };

	return example_result(call("cxlmi_cmd_memdev_get_lsa", ti), cxlmi_cmd_memdev_get_lsa(ep, ti, &req, buf),
			      optional);
}

static int write_lsa(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, uint32_t len, const uint8_t *data)
{
	struct cxlmi_cmd_memdev_set_lsa_req *req;
	int rc;

	/* The data follows the request's fixed part (a flexible array member). */
	req = calloc(1, sizeof(*req) + len);
	if (!req) {
		example_fail("out of memory");
		return EXAMPLE_FAIL;
	}
	req->offset = 0;
	memcpy(req->data, data, len);
	rc = example_result(call("cxlmi_cmd_memdev_set_lsa", ti), cxlmi_cmd_memdev_set_lsa(ep, ti, req, len), false);
	free(req);
	return rc;
}

/* Get LSA, and with `destructive` Set LSA, a read back, and the old contents put back. */
static int show_lsa(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, uint32_t lsa_size, bool destructive)
{
	uint8_t before[LSA_SHOWN], pattern[LSA_SHOWN], after[LSA_SHOWN];
	uint32_t len = lsa_size < LSA_SHOWN ? lsa_size : LSA_SHOWN;
	int rc;

	printf("  Label storage area (%" PRIu32 " bytes)\n", lsa_size);
	if (!len) {
		printf("    (none)\n");
		return EXAMPLE_SKIP;
	}
	rc = read_lsa(ep, ti, len, before, true);
	if (rc != EXAMPLE_OK)
		return rc;
	hex_line("first bytes", before, len);
	if (!destructive) {
		printf("    (writing skipped: give --destructive)\n");
		return EXAMPLE_OK;
	}

	for (uint32_t i = 0; i < len; i++)
		pattern[i] = (uint8_t)(0xa5 ^ i);
	rc = write_lsa(ep, ti, len, pattern);
	if (rc == EXAMPLE_OK)
		rc = read_lsa(ep, ti, len, after, false);
	if (rc != EXAMPLE_OK)
		return rc;
	hex_line("after writing a pattern", after, len);
	if (memcmp(after, pattern, len)) {
		example_fail("the label storage area reads back other bytes than were written");
		return EXAMPLE_FAIL;
	}
	rc = write_lsa(ep, ti, len, before);
	if (rc != EXAMPLE_OK)
		return rc;
	printf(LABEL "read back as written, old contents restored\n", "");
	return EXAMPLE_OK;
}

static int bg_status(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, struct cxlmi_cmd_bg_op_status_rsp *st,
		     bool optional)
{
	memset(st, 0, sizeof(*st));
	return example_result(call("cxlmi_cmd_bg_op_status", ti), cxlmi_cmd_bg_op_status(ep, ti, st), optional);
}

/* Shows a background operation's progress: on a terminal as one line redrawn in place, otherwise
 * (a log, a test) a line at each quarter. */
static void show_progress(int percent, int *shown)
{
	if (isatty(STDOUT_FILENO)) {
		printf("\r" LABEL "%3d%% [%-20.*s]", "in progress", percent, percent / 5, "####################");
	} else if (percent / 25 != *shown / 25 || *shown < 0) {
		printf(LABEL "%3d%%\n", "in progress", percent);
	}
	*shown = percent;
	fflush(stdout);
}

/* Polls Background Operation Status until nothing runs, showing the progress; `*last` (when
 * not NULL) gets the last percentage seen while it ran. */
static int wait_for_background(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
			       struct cxlmi_cmd_bg_op_status_rsp *st, int *last)
{
	int shown = -1;

	for (int polls = 0; polls < BG_POLL_LIMIT; polls++) {
		int rc = bg_status(ep, ti, st, false);

		if (rc != EXAMPLE_OK || !BG_RUNNING(st->status)) {
			if (shown >= 0 && isatty(STDOUT_FILENO))
				printf("\n");
			if (last)
				*last = shown;
			return rc;
		}
		if ((int)BG_PERCENT(st->status) != shown)
			show_progress(BG_PERCENT(st->status), &shown);
		example_sleep_ms(BG_POLL_MS);
	}
	if (isatty(STDOUT_FILENO))
		printf("\n");
	example_fail("background operation %04xh still running after %d s", st->opcode,
		     BG_POLL_LIMIT * BG_POLL_MS / 1000);
	return EXAMPLE_FAIL;
}

/* Sanitize answers Background Command Started, or Success when it finished at once; `*background`
 * says which. */
static int start_sanitize(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, bool *background)
{
	int rc = cxlmi_cmd_memdev_sanitize(ep, ti);

	*background = rc == CXLMI_RET_BACKGROUND;
	if (*background)
		return EXAMPLE_OK;
	return example_result(call("cxlmi_cmd_memdev_sanitize", ti), rc, true);
}

/* The result of the last background operation, as Background Operation Status reports it. */
static const char *bg_result(const struct cxlmi_cmd_bg_op_status_rsp *st)
{
	const char *name = cxlmi_cmd_retcode_tostr(st->returncode);

	return name ? name : "unknown return code";
}

static int show_sanitize(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, bool destructive)
{
	struct cxlmi_cmd_bg_op_status_rsp st;
	bool background;
	int percent, rc;

	printf("  Sanitize\n");
	if (!destructive) {
		printf("    (skipped: it destroys all data on the device; give --destructive)\n");
		return EXAMPLE_SKIP;
	}
	/* Without Background Operation Status (a kernel mailbox keeps it to itself) there is no
	 * progress to show. */
	rc = bg_status(ep, ti, &st, true);
	if (rc != EXAMPLE_OK)
		return rc;
	if (BG_RUNNING(st.status)) {
		printf("    (skipped: background operation %04xh is running, %d%% done)\n", st.opcode,
		       BG_PERCENT(st.status));
		return EXAMPLE_SKIP;
	}

	/* Once to the end, watching its progress. */
	rc = start_sanitize(ep, ti, &background);
	if (rc != EXAMPLE_OK)
		return rc;
	if (!background) {
		printf(LABEL "done at once, nothing to abort\n", "sanitize");
		return EXAMPLE_OK;
	}
	printf(LABEL "started\n", "sanitize");
	rc = wait_for_background(ep, ti, &st, NULL);
	if (rc != EXAMPLE_OK)
		return rc;
	if (st.opcode != OPCODE_SANITIZE || st.returncode != CXLMI_RET_SUCCESS) {
		example_fail("sanitize ended with %s (CXL return code 0x%x), opcode %04xh", bg_result(&st),
			     st.returncode, st.opcode);
		return EXAMPLE_FAIL;
	}
	printf(LABEL "100%% done: %s\n", "sanitize", bg_result(&st));

	/* Once more, stopped on the way with Request Abort. */
	rc = start_sanitize(ep, ti, &background);
	if (rc != EXAMPLE_OK)
		return rc;
	if (!background) {
		printf(LABEL "done at once this time, nothing to abort\n", "sanitize");
		return EXAMPLE_OK;
	}
	printf(LABEL "started again\n", "sanitize");
	example_sleep_ms(ABORT_AFTER_MS);
	rc = bg_status(ep, ti, &st, false);
	if (rc != EXAMPLE_OK)
		return rc;
	percent = BG_PERCENT(st.status);
	rc = cxlmi_cmd_request_bg_op_abort(ep, ti);
	rc = example_result(call("cxlmi_cmd_request_bg_op_abort", ti), rc, true);
	if (rc == EXAMPLE_FAIL)
		return rc;
	if (rc == EXAMPLE_OK)
		printf(LABEL "requested at %d%%\n", "abort", percent);
	/* Either way, wait until the device says the operation is over, and how it ended. */
	rc = wait_for_background(ep, ti, &st, NULL);
	if (rc != EXAMPLE_OK)
		return rc;
	if (st.returncode == CXLMI_RET_ABORT)
		printf(LABEL "aborted: %s\n", "sanitize", bg_result(&st));
	else
		printf(LABEL "ran to its end: %s\n", "sanitize", bg_result(&st));
	return EXAMPLE_OK;
}

int show_memdev(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, bool destructive)
{
	struct cxlmi_cmd_memdev_identify_rsp id;
	int rc;

	memset(&id, 0, sizeof(id));
	printf("  Memory device (%s)\n", tunnel_text(ti));
	rc = example_result(call("cxlmi_cmd_memdev_identify", ti), cxlmi_cmd_memdev_identify(ep, ti, &id), false);
	if (rc != EXAMPLE_OK)
		return rc;
	printf(LABEL "%.16s\n", "firmware revision", id.fw_revision);
	printf(LABEL "%llu MiB (%llu volatile only, %llu persistent only)\n", "capacity", mib(id.total_capacity),
	       mib(id.volatile_capacity), mib(id.persistent_capacity));
	printf(LABEL "%llu MiB\n", "partition alignment", mib(id.partition_align));

	if (show_health(ep, ti) == EXAMPLE_FAIL)
		return EXAMPLE_FAIL;
	if (show_partition(ep, ti) == EXAMPLE_FAIL)
		return EXAMPLE_FAIL;
	if (show_lsa(ep, ti, id.lsa_size, destructive) == EXAMPLE_FAIL)
		return EXAMPLE_FAIL;
	if (show_sanitize(ep, ti, destructive) == EXAMPLE_FAIL)
		return EXAMPLE_FAIL;
	return EXAMPLE_OK;
}

/* Reads one event log; with `clear`, clears what it read and reads on until the log is empty. */
static int show_event_log(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, uint8_t log, const char *name,
			  bool clear)
{
	struct cxlmi_cmd_get_event_records_req req = { .event_log = log };
	struct cxlmi_cmd_get_event_records_rsp *rsp;
	struct cxlmi_cmd_clear_event_records_req *clr;
	unsigned int total = 0;
	int rc = EXAMPLE_OK;

	/* Records follow the fixed part of the response: room for as many as one answer holds. */
	rsp = calloc(1, sizeof(*rsp) + CXLMI_MAX_SUPPORTED_EVENT_RECORDS * sizeof(rsp->records[0]));
	clr = calloc(1, sizeof(*clr) + CXLMI_MAX_SUPPORTED_EVENT_RECORDS * sizeof(clr->handles[0]));
	if (!rsp || !clr) {
		free(rsp);
		free(clr);
		example_fail("out of memory");
		return EXAMPLE_FAIL;
	}

	/* A bound, in case a device keeps records it was told to clear. */
	for (int round = 0; round < EVENTS_MAX_ROUNDS; round++) {
		rc = example_result(call("cxlmi_cmd_get_event_records", ti),
				    cxlmi_cmd_get_event_records(ep, ti, &req, rsp), true);
		if (rc != EXAMPLE_OK)
			break;
		if (rsp->flags & EVENTS_OVERFLOW)
			printf("    %s: overflowed, %u records lost\n", name, rsp->overflow_err_count);
		for (unsigned int i = 0; i < rsp->record_count; i++) {
			const struct cxlmi_event_record *r = &rsp->records[i];

			printf("    %-13s handle %-5u timestamp %-20" PRIu64 " type %02x%02x%02x%02x-...\n", name,
			       r->handle, (uint64_t)r->timestamp, r->uuid[0], r->uuid[1], r->uuid[2], r->uuid[3]);
		}
		total += rsp->record_count;
		if (!clear || rsp->record_count == 0)
			break;

		clr->event_log = log;
		clr->clear_flags = 0; /* clear the handles listed, not the whole log */
		clr->nr_recs = (uint8_t)rsp->record_count;
		for (unsigned int i = 0; i < rsp->record_count; i++)
			clr->handles[i] = rsp->records[i].handle;
		rc = example_result(call("cxlmi_cmd_clear_event_records", ti),
				    cxlmi_cmd_clear_event_records(ep, ti, clr), false);
		if (rc != EXAMPLE_OK)
			break;
		printf("    %-13s cleared %u\n", name, rsp->record_count);
	}
	if (rc == EXAMPLE_OK) {
		if (!total)
			printf("    %-13s no records\n", name);
		else if (!clear && (rsp->flags & EVENTS_MORE))
			printf("    %-13s more records follow; clear these to read them\n", name);
	}
	free(rsp);
	free(clr);
	return rc;
}

int show_events(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, bool clear)
{
	/* Event Log values, Table 8-51. */
	static const char *const logs[] = { "informational", "warning", "failure", "fatal" };

	printf("  Event records (%s)\n", tunnel_text(ti));
	for (uint8_t log = 0; log < 4; log++) {
		int rc = show_event_log(ep, ti, log, logs[log], clear);

		if (rc != EXAMPLE_OK)
			return rc; /* Unsupported for one log is Unsupported for all */
	}
	if (!clear)
		printf("    (records kept: give --destructive to clear them)\n");
	return EXAMPLE_OK;
}

int need_fmapi(struct cxlmi_endpoint *ep)
{
	if (cxlmi_endpoint_has_fmapi(ep) || cxlmi_endpoint_enable_fmapi(ep))
		return EXAMPLE_OK;
	example_fail("FM-API is not available on this endpoint");
	return EXAMPLE_FAIL;
}

static void print_bitmask(const char *label, const uint8_t *mask, unsigned int bits)
{
	const char *sep = "";

	printf(LABEL, label);
	for (unsigned int i = 0; i < bits; i++) {
		if (mask[i / 8] & (1u << (i % 8))) {
			printf("%s%u", sep, i);
			sep = " ";
		}
	}
	printf("%s\n", *sep ? "" : "none");
}

int show_switch(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
		struct cxlmi_cmd_fmapi_identify_sw_device_rsp *out)
{
	struct cxlmi_cmd_fmapi_identify_sw_device_rsp sw;
	int rc;

	memset(&sw, 0, sizeof(sw));
	printf("  Switch (FM-API)\n");
	rc = example_result(call("cxlmi_cmd_fmapi_identify_sw_device", ti),
			    cxlmi_cmd_fmapi_identify_sw_device(ep, ti, &sw), false);
	if (rc != EXAMPLE_OK)
		return rc;
	printf(LABEL "%u\n", "ingress port", sw.ingress_port_id);
	printf(LABEL "%u\n", "physical ports", sw.num_physical_ports);
	print_bitmask("active ports", sw.active_port_bitmask, 8 * sizeof(sw.active_port_bitmask));
	printf(LABEL "%u\n", "virtual CXL switches", sw.num_vcs);
	print_bitmask("active VCSs", sw.active_vcs_bitmask, 8 * sizeof(sw.active_vcs_bitmask));
	printf(LABEL "%u of %u bound\n", "vPPBs", sw.num_active_vppb, sw.num_total_vppb);
	printf(LABEL "%u\n", "HDM decoders per USP", sw.num_hdm_decoder_per_usp);
	if (out)
		*out = sw;
	return EXAMPLE_OK;
}

static const char *port_state_name(uint8_t state)
{
	/* Current Port Configuration State, Table 7-19 */
	switch (state) {
	case 0x0:
		return "disabled";
	case 0x1:
		return "bind in progress";
	case 0x2:
		return "unbind in progress";
	case 0x3:
		return "downstream";
	case 0x4:
		return "upstream";
	case 0x5:
		return "fabric";
	case 0xf:
		return "invalid port";
	default:
		return "reserved";
	}
}

static const char *port_device_name(uint8_t type)
{
	/* Connected Device Type, Table 7-19 */
	switch (type) {
	case 0x0:
		return "nothing";
	case 0x1:
		return "PCIe device";
	case 0x2:
		return "CXL type 1 device";
	case 0x3:
		return "CXL type 2 device or switch";
	case 0x4:
		return "CXL type 3 SLD";
	case 0x5:
		return "CXL type 3 MLD";
	case 0x6:
		return "PBR component";
	default:
		return "reserved";
	}
}

int show_ports(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
	       const struct cxlmi_cmd_fmapi_identify_sw_device_rsp *sw,
	       struct cxlmi_cmd_fmapi_get_phys_port_state_rsp **states)
{
	struct cxlmi_cmd_fmapi_get_phys_port_state_req *req;
	struct cxlmi_cmd_fmapi_get_phys_port_state_rsp *rsp;
	unsigned int num_ports = 0;
	int rc;

	*states = NULL;
	/* The request lists port IDs after its count, the response has a block per port: room
	 * for every port ID there is. */
	req = calloc(1, sizeof(*req) + 256);
	rsp = calloc(1, sizeof(*rsp) + 256 * sizeof(rsp->ports[0]));
	if (!req || !rsp) {
		free(req);
		free(rsp);
		example_fail("out of memory");
		return EXAMPLE_FAIL;
	}
	/* Port IDs need not be 0 to n-1: ask about the ports the switch says are active, or
	 * about 0 to n-1 if it marks none. */
	for (unsigned int i = 0; i < 8 * sizeof(sw->active_port_bitmask) && num_ports < 255; i++)
		if (sw->active_port_bitmask[i / 8] & (1u << (i % 8)))
			req->ports[num_ports++] = (uint8_t)i;
	if (!num_ports)
		for (; num_ports < sw->num_physical_ports; num_ports++)
			req->ports[num_ports] = (uint8_t)num_ports;
	req->num_ports = (uint8_t)num_ports;

	printf("  Physical ports\n");
	rc = example_result(call("cxlmi_cmd_fmapi_get_phys_port_state", ti),
			    cxlmi_cmd_fmapi_get_phys_port_state(ep, ti, req, rsp), false);
	free(req);
	if (rc != EXAMPLE_OK) {
		free(rsp);
		return rc;
	}
	for (unsigned int i = 0; i < rsp->num_ports && i < num_ports; i++) {
		const struct cxlmi_cmd_fmapi_port_state_info_block *p = &rsp->ports[i];

		printf("    port %-3u %-12s ", p->port_id, port_state_name(p->config_state));
		if (p->conn_dev_type == PORT_DEVICE_NONE)
			printf("%s", port_device_name(p->conn_dev_type));
		else
			printf("%-28s x%u of x%u, LTSSM %02xh", port_device_name(p->conn_dev_type),
			       p->negotiated_link_width, p->max_link_width, p->ltssm_state);
		if (p->conn_dev_type == PORT_DEVICE_TYPE3_MLD)
			printf(", %u LDs", p->supported_ld_count);
		printf("\n");
	}
	if (rsp->num_ports > num_ports)
		rsp->num_ports = (uint8_t)num_ports; /* never more blocks than were asked for */
	*states = rsp;
	return EXAMPLE_OK;
}

int show_ld_info(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, unsigned int *ld_count)
{
	/* Memory Granularity of Get LD Allocations, Table 7-67. */
	static const unsigned int granularity_mib[] = { 256, 512, 1024 };
	struct cxlmi_cmd_fmapi_get_ld_info_rsp info;
	struct cxlmi_cmd_fmapi_get_ld_allocations_req req;
	struct cxlmi_cmd_fmapi_get_ld_allocations_rsp *alloc;
	unsigned int unit;
	int rc;

	memset(&info, 0, sizeof(info));
	printf("  Logical devices (%s, FM-API)\n", tunnel_text(ti));
	rc = example_result(call("cxlmi_cmd_fmapi_get_ld_info", ti), cxlmi_cmd_fmapi_get_ld_info(ep, ti, &info), true);
	if (rc != EXAMPLE_OK)
		return rc;
	printf(LABEL "%llu MiB\n", "memory", (unsigned long long)(info.memory_size >> 20));
	printf(LABEL "%u\n", "LDs", info.ld_count);
	printf(LABEL "%02xh\n", "QoS telemetry", info.qos_telemetry_capability);
	if (ld_count)
		*ld_count = info.ld_count;
	if (!info.ld_count)
		return EXAMPLE_OK;

	req.start_ld_id = 0;
	req.ld_allocation_list_limit = (uint8_t)(info.ld_count > 255 ? 255 : info.ld_count);
	alloc = calloc(1, sizeof(*alloc) + req.ld_allocation_list_limit * sizeof(alloc->ld_allocation_list[0]));
	if (!alloc) {
		example_fail("out of memory");
		return EXAMPLE_FAIL;
	}
	rc = example_result(call("cxlmi_cmd_fmapi_get_ld_allocations", ti),
			    cxlmi_cmd_fmapi_get_ld_allocations(ep, ti, &req, alloc), true);
	if (rc == EXAMPLE_OK) {
		unit = alloc->memory_granularity < 3 ? granularity_mib[alloc->memory_granularity] : 0;
		printf(LABEL "%u MiB\n", "allocation granularity", unit);
		for (unsigned int i = 0; i < alloc->ld_allocation_list_len && i < req.ld_allocation_list_limit; i++) {
			const struct cxlmi_cmd_fmapi_ld_allocations_list *a = &alloc->ld_allocation_list[i];

			printf("    LD %-3u %8llu MiB in range 1, %llu MiB in range 2\n", alloc->start_ld_id + i,
			       (unsigned long long)a->range_1_allocation_mult * unit,
			       (unsigned long long)a->range_2_allocation_mult * unit);
		}
	}
	free(alloc);
	return rc;
}

int show_heads(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_fmapi_get_multiheaded_info_req req = {
		.start_ld_id = 0,
		.ld_map_list_limit = 255,
	};
	struct cxlmi_cmd_fmapi_get_multiheaded_info_rsp *rsp;
	int rc;

	/* The LD map has a byte per LD after the fixed part. */
	rsp = calloc(1, sizeof(*rsp) + req.ld_map_list_limit);
	if (!rsp) {
		example_fail("out of memory");
		return EXAMPLE_FAIL;
	}
	printf("  Heads (%s, FM-API)\n", tunnel_text(CXLMI_TUNNEL_MHD));
	rc = example_result(call("cxlmi_cmd_fmapi_get_multiheaded_info", CXLMI_TUNNEL_MHD),
			    cxlmi_cmd_fmapi_get_multiheaded_info(ep, CXLMI_TUNNEL_MHD, &req, rsp), true);
	if (rc == EXAMPLE_OK) {
		printf(LABEL "%u\n", "heads", rsp->num_heads);
		printf(LABEL "%u\n", "LDs", rsp->num_lds);
		/* LD Map: the head each LD is assigned to, FFh for none (7.6.7.5.1). */
		for (unsigned int i = 0; i < rsp->ld_map_len && i < req.ld_map_list_limit; i++) {
			if (rsp->ld_map[i] == 0xff)
				printf("    LD %-3u not assigned\n", rsp->start_ld_id + i);
			else
				printf("    LD %-3u head %u\n", rsp->start_ld_id + i, rsp->ld_map[i]);
		}
	}
	free(rsp);
	return rc;
}
