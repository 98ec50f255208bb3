// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The mailbox ioctl on the kernels people run, through the public C API:
 * cxlmi_open() on a memory device node, then identify, health and partition
 * info, and the commands each kind of kernel refuses.
 *
 * The same program runs on a scripted kernel (the ioctl shim of
 * tests/support/ioctl-shim, preloaded: meson does that) and on a real one
 * (in QEMU); the environment says what kernel it is, and so what to expect:
 *   CXLMI_TEST_DEVICE=mem0   the node in /dev/cxl
 *   CXLMI_TEST_RAW=0|1       built with CONFIG_CXL_MEM_RAW_COMMANDS
 *   CXLMI_TEST_PMEM=0|1      cxl_pmem is bound (it holds Set LSA and Set Shutdown State)
 *   CXLMI_TEST_PAYLOAD=N     the mailbox payload size (default 2048, QEMU's)
 * With the shim, the device's answers are known too and checked exactly, and
 * the shim's counters show what reached the device; on a real kernel the
 * checks are the ones any device passes. Without the shim and without the
 * node the program is skipped (77).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <unistd.h>

#include "test-common.h"
#include "ioctl-shim.h"

static const struct ioctl_shim_stats *(*shim_stats)(void);

static bool env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v && strcmp(v, value) == 0;
}

/* -1 with errno EOPNOTSUPP, and a log line with `why` since the last mark. */
#define CHECK_REFUSED(rc, why, ...)                                           \
	do {                                                                  \
		int rc_ = (rc), errno_ = errno;                               \
		CHECK(rc_ == -1 && errno_ == EOPNOTSUPP, __VA_ARGS__);        \
		CHECK(tc_logged(why), "  ... and the log says why: %s", why); \
	} while (0)

/* `call` is refused as CHECK_REFUSED says; only the log it writes counts. */
#define REFUSES(call, why, ...)                          \
	do {                                             \
		tc_log_mark();                           \
		errno = 0;                               \
		CHECK_REFUSED((call), why, __VA_ARGS__); \
	} while (0)

int main(void)
{
	const char *dev = getenv("CXLMI_TEST_DEVICE"), *payload_env = getenv("CXLMI_TEST_PAYLOAD");
	bool raw = env_is("CXLMI_TEST_RAW", "1"), pmem = env_is("CXLMI_TEST_PMEM", "1");
	unsigned payload = payload_env && *payload_env ? (unsigned)strtoul(payload_env, NULL, 0) : 2048;
	ioctl_shim_claim_fn *shim_claim;
	ioctl_shim_fail_next_fn *shim_fail_next;
	struct cxlmi_tunnel_info ti = { .port = 0, .ld = -1, .level = 1, .mhd = false };
	struct cxlmi_cmd_memdev_identify_rsp mid;
	struct cxlmi_cmd_memdev_get_health_info_rsp health;
	struct cxlmi_cmd_memdev_get_partition_info_rsp part;
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_cmd_get_event_records_req events_in = { .event_log = 0 };
	struct cxlmi_cmd_get_event_records_rsp *events;
	struct cxlmi_cmd_memdev_set_partition_info_req set_part;
	struct cxlmi_cmd_memdev_set_shutdown_state_req shutdown = { .state = 0 };
	struct cxlmi_cmd_memdev_get_security_state_rsp security;
	struct cxlmi_cmd_memdev_set_alert_config_req alert = { 0 };
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;
	char node[64], want[96];
	unsigned refused_at_open;
	int rc;

	if (!dev || !*dev)
		dev = "mem0";
	snprintf(node, sizeof(node), "/dev/cxl/%s", dev);
	shim_stats = (ioctl_shim_stats_fn *)dlsym(RTLD_DEFAULT, "ioctl_shim_stats");
	shim_claim = (ioctl_shim_claim_fn *)dlsym(RTLD_DEFAULT, "ioctl_shim_claim");
	shim_fail_next = (ioctl_shim_fail_next_fn *)dlsym(RTLD_DEFAULT, "ioctl_shim_fail_next");
	if (!shim_stats && access(node, F_OK) != 0) {
		printf("no scripted kernel (the ioctl shim) and no %s: skipped\n", node);
		return 77;
	}
	printf("      %s kernel, RAW %s, cxl_pmem %s, payload %u\n", shim_stats ? "scripted" : "real",
	       raw ? "on" : "off", pmem ? "bound" : "not bound", payload);

	ctx = cxlmi_new_ctx(tc_log_open(), LOG_DEBUG);
	CHECK(ctx != NULL, "cxlmi_new_ctx");
	if (!ctx)
		return finish();

	/* Opening asks the kernel, and logs the mode once. */
	ep = cxlmi_open(ctx, dev);
	CHECK(ep != NULL, "cxlmi_open(\"%s\")", dev);
	if (!ep) {
		cxlmi_free_ctx(ctx);
		tc_log_close();
		return finish();
	}
	CHECK_INT(tc_log_count("mailbox mode"), 1, "the mailbox mode is logged once");
	CHECK(tc_logged(raw ? "other opcodes RAW"
			    : "no RAW commands (kernel built without CONFIG_CXL_MEM_RAW_COMMANDS)"),
	      "the mode says whether RAW commands are taken");
	snprintf(want, sizeof(want), "payload %u bytes", payload);
	CHECK(tc_logged(want), "the mode has the payload size (%s)", want);
	CHECK(!shim_stats || shim_stats()->sent == 0, "opening sends nothing to the device");
	/* Without sysfs, asking the payload size is a few ioctls the kernel refuses. */
	refused_at_open = shim_stats ? shim_stats()->refused : 0;

	/* Identify, health and partition info go by the kernel's own ids: on every kernel. */
	memset(&mid, FILL, sizeof(mid));
	CHECK_INT(cxlmi_cmd_memdev_identify(ep, NULL, &mid), 0, "cxlmi_cmd_memdev_identify");
	CHECK(mid.total_capacity > 0 && mid.volatile_capacity + mid.persistent_capacity <= mid.total_capacity,
	      "  ... the capacities add up");
	memset(&part, FILL, sizeof(part));
	CHECK_INT(cxlmi_cmd_memdev_get_partition_info(ep, NULL, &part), 0, "cxlmi_cmd_memdev_get_partition_info");
	CHECK(part.active_vmem + part.active_pmem <= mid.total_capacity, "  ... the partitions fit the capacity");
	memset(&health, FILL, sizeof(health));
	CHECK_INT(cxlmi_cmd_memdev_get_health_info(ep, NULL, &health), 0, "cxlmi_cmd_memdev_get_health_info");
	CHECK(health.life_used <= 100 || health.life_used == 0xff, "  ... life used is a percentage");
	if (shim_stats) {
		CHECK(memcmp(mid.fw_revision, SHIM_FW_REVISION, strlen(SHIM_FW_REVISION)) == 0,
		      "  ... firmware revision is the device's");
		CHECK_U64(mid.total_capacity, SHIM_TOTAL_CAPACITY, "  ... total capacity is the device's");
		CHECK_U64(part.active_vmem, SHIM_VOLATILE, "  ... active volatile capacity is the device's");
		CHECK_U64(part.active_pmem, SHIM_PERSISTENT, "  ... active persistent capacity is the device's");
		CHECK_INT(health.life_used, SHIM_LIFE_USED, "  ... life used is the device's");
		CHECK_INT(health.device_temperature, SHIM_TEMPERATURE, "  ... temperature is the device's");
		CHECK_INT(shim_stats()->sent, 3, "  ... all three reached the device");
		CHECK_INT(shim_stats()->raw_sent, 0, "  ... none of them RAW");
		CHECK_INT(shim_stats()->refused, refused_at_open, "  ... and the kernel refused none of them");
	}

	/* Set Partition Info is 9 bytes; the kernel's id takes exactly 0Ah, and gets them. */
	set_part.volatile_capacity = part.active_vmem; /* what it is: no change */
	set_part.flags = 0;
	tc_log_mark();
	rc = cxlmi_cmd_memdev_set_partition_info(ep, NULL, &set_part);
	CHECK(rc != -1, "cxlmi_cmd_memdev_set_partition_info: the kernel takes its size (rc %d, errno %d)", rc,
	      rc == -1 ? errno : 0);
	if (shim_stats) {
		CHECK_INT(rc, 0, "  ... and the device takes it");
		CHECK_INT(shim_stats()->last_in_size, 0x0a, "  ... with 0Ah input bytes");
		CHECK_INT(shim_stats()->last_id, 9, "  ... by the kernel's id for it");
	}

	/* Identify (0001h) has no kernel id. */
	memset(&id, FILL, sizeof(id));
	tc_log_mark();
	errno = 0;
	rc = cxlmi_cmd_identify(ep, NULL, &id);
	if (raw) {
		CHECK_INT(rc, 0, "cxlmi_cmd_identify goes RAW");
		CHECK_INT(id.component_type, 3, "  ... a type 3 device");
		if (shim_stats)
			CHECK_U64(id.serial_num, SHIM_SERIAL, "  ... serial number is the device's");
	} else {
		CHECK_REFUSED(rc, "0001h not sent: the kernel has no command id for it and does not take RAW commands",
			      "cxlmi_cmd_identify without RAW is -1/EOPNOTSUPP");
	}

	/* Get Event Records asks for 32 + 20 x 128 = 2592 bytes: never more than the payload size. */
	events = filled(sizeof(*events) + CXLMI_MAX_SUPPORTED_EVENT_RECORDS * sizeof(struct cxlmi_event_record));
	tc_log_mark();
	errno = 0;
	rc = cxlmi_cmd_get_event_records(ep, NULL, &events_in, events);
	if (raw) {
		CHECK_INT(rc, 0, "cxlmi_cmd_get_event_records with a %u-byte mailbox", payload);
		CHECK(events->record_count <= (payload - 0x20) / 128, "  ... as many records as the mailbox holds");
		if (shim_stats) {
			unsigned fit = (payload - 0x20) / 128;

			if (fit > SHIM_EVENT_BACKLOG)
				fit = SHIM_EVENT_BACKLOG;
			CHECK_INT(shim_stats()->last_out_room, payload < 2592 ? payload : 2592,
				  "  ... output room capped to the payload size");
			CHECK_INT(events->record_count, fit, "  ... %u records", fit);
		}
	} else {
		CHECK_REFUSED(rc, "0100h not sent: the kernel has no command id",
			      "cxlmi_cmd_get_event_records without RAW is -1/EOPNOTSUPP");
	}
	free(events);

	/* The security set (45h) has no kernel id, and RAW never takes it (nor sanitize, 44h). */
	REFUSES(cxlmi_cmd_memdev_get_security_state(ep, NULL, &security),
		raw ? "4500h not sent: the kernel refuses it as a RAW command: sanitize and security commands"
		    : "4500h not sent: the kernel has no command id",
		"cxlmi_cmd_memdev_get_security_state is -1/EOPNOTSUPP");

	/*
	 * Set Shutdown State: held by cxl_pmem, and never tried RAW (the deny list has it too).
	 * Without cxl_pmem a real device that has it would take it: not tried there.
	 */
	if (pmem || shim_stats)
		REFUSES(cxlmi_cmd_memdev_set_shutdown_state(ep, NULL, &shutdown),
			pmem ? "Set Shutdown State (4204h) not sent: the kernel holds it for itself"
			     : "Set Shutdown State (4204h) not sent: the device does not list it",
			"cxlmi_cmd_memdev_set_shutdown_state is -1/EOPNOTSUPP");

	/* Tunnelling wraps the command in 5300h, which has no kernel id. */
	memset(&id, FILL, sizeof(id));
	tc_log_mark();
	errno = 0;
	rc = cxlmi_cmd_identify(ep, &ti, &id);
	if (!raw) {
		CHECK_REFUSED(rc, "tunnelled command (5300h) not sent: tunnelling needs RAW commands",
			      "a tunnelled cxlmi_cmd_identify without RAW is -1/EOPNOTSUPP");
	} else if (shim_stats) {
		CHECK_INT(rc, 0, "a tunnelled cxlmi_cmd_identify goes RAW");
		CHECK_INT(id.component_type, 3, "  ... and the device behind answers");
		CHECK_INT(shim_stats()->last_opcode, 0x5300, "  ... as a Tunnel Management Command");
	} else {
		CHECK(!(rc == -1 && errno == EOPNOTSUPP), "a tunnelled cxlmi_cmd_identify is sent (rc %d)", rc);
	}

	if (shim_stats && !raw)
		CHECK_INT(shim_stats()->raw_sent, 0, "no RAW command was ever tried");

	/* The kernel claims a command after the endpoint opened (as cxl_pmem does when it binds). */
	if (shim_claim && shim_fail_next) {
		unsigned refused = shim_stats()->refused;

		shim_claim(SHIM_ID_SET_ALERT_CONFIG);
		REFUSES(cxlmi_cmd_memdev_set_alert_config(ep, NULL, &alert),
			"Set Alert Configuration (4202h) not sent: the kernel holds it for itself",
			"a command claimed after open is -1/EOPNOTSUPP");
		CHECK(shim_stats()->refused == refused + 1 && shim_stats()->last_errno == EBUSY,
		      "  ... learned from the kernel's EBUSY");
		errno = 0;
		CHECK(cxlmi_cmd_memdev_set_alert_config(ep, NULL, &alert) == -1 && errno == EOPNOTSUPP,
		      "  ... and refused again without asking the kernel");
		CHECK_INT(shim_stats()->refused, refused + 1, "  ... (no second ioctl)");

		/* A busy mailbox is not a claim. */
		shim_fail_next(EBUSY);
		errno = 0;
		CHECK(cxlmi_cmd_memdev_get_health_info(ep, NULL, &health) == -1 && errno == EBUSY,
		      "a busy mailbox is -1/EBUSY");
		CHECK_INT(cxlmi_cmd_memdev_get_health_info(ep, NULL, &health), 0, "  ... and the next try works");
	}

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);
	tc_log_close();
	return finish();
}
