// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Runs inside the QEMU guest (tests/qemu/run.sh), statically linked against
 * libcxlmi.a, through the public C API only: the library against a real
 * Linux CXL driver and QEMU's CXL Type 3 device (cxl-type3, as run.sh
 * configures it: 512 MiB volatile, a 1 MiB label storage area).
 *
 * CXLMI_QEMU_KERNEL says which kernel it is:
 *   stock   Debian's cloud kernel: no CONFIG_CXL_MEM_RAW_COMMANDS, so only
 *           what the kernel has a command id for gets through.
 *   custom  tests/qemu/kernel.config: RAW commands too.
 * The values checked are what QEMU 10's mailbox (hw/cxl/cxl-mailbox-utils.c)
 * answers for this configuration, as measured and noted beside each check.
 */
#define _GNU_SOURCE
#include <time.h>
#include <unistd.h>

#include "test-common.h"

#define MiB (1024ULL * 1024)
/* CXL capacities are counted in multiples of 256 MiB (CXL 3.1 8.2.9.9.1.1). */
#define CAPACITY_UNIT (256 * MiB)
#define QEMU_VOLATILE (512 * MiB)
#define QEMU_LSA_SIZE (1 * MiB)

/* -1 with errno EOPNOTSUPP, and the log says `why`. */
#define REFUSED(call, why, ...)                                                    \
	do {                                                                       \
		int rc_, errno_;                                                   \
		tc_log_mark();                                                     \
		errno = 0;                                                         \
		rc_ = (call);                                                      \
		errno_ = errno;                                                    \
		CHECK(rc_ == -1 && errno_ == EOPNOTSUPP, __VA_ARGS__);             \
		if (!CHECK(tc_logged(why), "  ... and the log says why: %s", why)) \
			printf("      rc %d errno %d\n", rc_, errno_);             \
	} while (0)

/* rc as the command returned it; on a mismatch errno too. */
#define CHECK_RC(call, want, ...)                                                \
	do {                                                                     \
		int rc_;                                                         \
		errno = 0;                                                       \
		rc_ = (call);                                                    \
		if (!CHECK_INT(rc_, want, __VA_ARGS__))                          \
			printf("      errno %d (%s)\n", errno, strerror(errno)); \
	} while (0)

#define UNSUPPORTED CXLMI_RET_UNSUPPORTED

/* The Command Effects Log's UUID (CXL 3.1 8.2.9.5.2.1). */
static const uint8_t cel_uuid[16] = { 0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
				      0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17 };

/* What QEMU 10's type3 device lists in its CEL (measured; the CXL issue lists it too). */
static const uint16_t qemu_cel[] = {
	0x0100, 0x0101, 0x0102, 0x0103, 0x0200, 0x0201, 0x0202, 0x0300, 0x0301, 0x0400, 0x0401, 0x0500, 0x0501,
	0x0502, 0x4000, 0x4100, 0x4102, 0x4103, 0x4300, 0x4301, 0x4302, 0x4303, 0x4304, 0x4305, 0x4400, 0x4500,
};

static bool raw;
static unsigned cel_count;
static uint16_t cel[512];

static bool in_cel(uint16_t opcode)
{
	for (unsigned i = 0; i < cel_count; i++)
		if (cel[i] == opcode)
			return true;
	return false;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void identify_and_partitions(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_memdev_identify_rsp mid;
	struct cxlmi_cmd_memdev_get_partition_info_rsp part;
	struct cxlmi_cmd_get_fw_info_rsp fw;

	memset(&mid, FILL, sizeof(mid));
	CHECK_INT(cxlmi_cmd_memdev_identify(ep, NULL, &mid), 0, "cxlmi_cmd_memdev_identify");
	printf("      fw_revision \"%.16s\" total %llu volatile %llu persistent %llu lsa %u align %llu\n",
	       mid.fw_revision, (unsigned long long)mid.total_capacity, (unsigned long long)mid.volatile_capacity,
	       (unsigned long long)mid.persistent_capacity, mid.lsa_size, (unsigned long long)mid.partition_align);
	/* QEMU: snprintf(fw_revision, 0x10, "BWFW VERSION %02d", 0), NUL-padded. */
	CHECK(memcmp(mid.fw_revision, "BWFW VERSION 00", 16) == 0, "  ... firmware revision \"BWFW VERSION 00\"");
	CHECK_U64(mid.total_capacity, QEMU_VOLATILE / CAPACITY_UNIT, "  ... total capacity 512 MiB");
	CHECK_U64(mid.volatile_capacity, QEMU_VOLATILE / CAPACITY_UNIT, "  ... volatile capacity 512 MiB");
	CHECK_U64(mid.persistent_capacity, 0, "  ... no persistent capacity");
	CHECK_INT(mid.lsa_size, QEMU_LSA_SIZE, "  ... label storage area 1 MiB (the lsa= backend)");

	memset(&part, FILL, sizeof(part));
	CHECK_INT(cxlmi_cmd_memdev_get_partition_info(ep, NULL, &part), 0, "cxlmi_cmd_memdev_get_partition_info");
	printf("      active vmem %llu pmem %llu next vmem %llu pmem %llu\n", (unsigned long long)part.active_vmem,
	       (unsigned long long)part.active_pmem, (unsigned long long)part.next_vmem,
	       (unsigned long long)part.next_pmem);
	CHECK_U64(part.active_vmem, QEMU_VOLATILE / CAPACITY_UNIT, "  ... active volatile 512 MiB");
	CHECK_U64(part.active_pmem, 0, "  ... active persistent 0");
	CHECK_U64(part.next_vmem, 0, "  ... no pending volatile change");
	CHECK_U64(part.next_pmem, 0, "  ... no pending persistent change");

	memset(&fw, FILL, sizeof(fw));
	CHECK_INT(cxlmi_cmd_get_fw_info(ep, NULL, &fw), 0, "cxlmi_cmd_get_fw_info");
	printf("      slots %u slot_info 0x%02x caps 0x%02x rev1 \"%.16s\" rev2 \"%.16s\"\n", fw.slots_supported,
	       fw.slot_info, fw.caps, fw.fw_rev1, fw.fw_rev2);
	/* QEMU: two slots, slot 1 active and none staged, online activation, slot 1 holds its firmware. */
	CHECK_INT(fw.slots_supported, 2, "  ... 2 firmware slots");
	CHECK_INT(fw.slot_info, 0x01, "  ... slot 1 active, none staged");
	CHECK_INT(fw.caps, 0x01, "  ... online activation supported");
	CHECK(memcmp(fw.fw_rev1, "BWFW VERSION 0\0", 15) == 0 && fw.fw_rev2[0] == 0,
	      "  ... slot 1 \"BWFW VERSION 0\", slot 2 empty");
}

static void logs(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_get_supported_logs_rsp *sl;
	struct cxlmi_cmd_get_log_cel_rsp *entries;
	struct cxlmi_cmd_get_log_req req = { .offset = 0 };
	uint32_t cel_size = 0;
	int rc;

	sl = filled(sizeof(*sl) + CXLMI_MAX_SUPPORTED_LOGS * sizeof(struct cxlmi_supported_log_entry));
	CHECK_INT(cxlmi_cmd_get_supported_logs(ep, NULL, sl), 0, "cxlmi_cmd_get_supported_logs");
	printf("      %u logs\n", sl->num_supported_log_entries);
	for (unsigned i = 0; i < sl->num_supported_log_entries && i < CXLMI_MAX_SUPPORTED_LOGS; i++) {
		printf("      log %u: size %u uuid %02x%02x%02x%02x...\n", i, sl->entries[i].log_size,
		       sl->entries[i].uuid[0], sl->entries[i].uuid[1], sl->entries[i].uuid[2], sl->entries[i].uuid[3]);
		if (memcmp(sl->entries[i].uuid, cel_uuid, 16) == 0)
			cel_size = sl->entries[i].log_size;
	}
	CHECK(cel_size > 0 && cel_size % 4 == 0 && cel_size <= sizeof(cel) * 2,
	      "  ... the Command Effects Log is listed (%u bytes)", cel_size);
	free(sl);
	if (!cel_size)
		return;

	memcpy(req.uuid, cel_uuid, 16);
	req.length = cel_size;
	entries = filled(cel_size);
	rc = cxlmi_cmd_get_log_cel(ep, NULL, &req, entries);
	CHECK_INT(rc, 0, "cxlmi_cmd_get_log_cel, %u bytes", cel_size);
	if (rc == 0) {
		cel_count = cel_size / 4;
		printf("      CEL:");
		for (unsigned i = 0; i < cel_count; i++) {
			cel[i] = entries[i].opcode;
			printf(" %04x", cel[i]);
		}
		printf("\n");
	}
	free(entries);
	CHECK_INT(cel_count, sizeof(qemu_cel) / sizeof(qemu_cel[0]), "  ... QEMU's %zu opcodes",
		  sizeof(qemu_cel) / sizeof(qemu_cel[0]));
	for (unsigned i = 0; i < sizeof(qemu_cel) / sizeof(qemu_cel[0]); i++)
		if (!in_cel(qemu_cel[i]))
			CHECK(false, "  ... %04xh listed", qemu_cel[i]);
	CHECK(!in_cel(0x0001) && !in_cel(0x4200), "  ... not Identify (0001h) nor Health Info (4200h)");
}

static void lsa(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_memdev_get_lsa_req get = { .offset = 0x100, .length = 64 };
	struct cxlmi_cmd_memdev_set_lsa_req *set;
	uint8_t buf[64], pattern[64];
	int rc;

	memset(buf, FILL, sizeof(buf));
	rc = cxlmi_cmd_memdev_get_lsa(ep, NULL, &get, buf);
	CHECK_INT(rc, 0, "cxlmi_cmd_memdev_get_lsa, 64 bytes at 100h");

	/* No cxl_pmem in the guest: the kernel does not hold Set LSA, its id takes it. */
	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(0xa5 ^ i ^ (raw ? 0x40 : 0));
	set = filled(sizeof(*set) + sizeof(pattern));
	set->offset = 0x100;
	set->rsvd = 0;
	memcpy(set->data, pattern, sizeof(pattern));
	CHECK_INT(cxlmi_cmd_memdev_set_lsa(ep, NULL, set, sizeof(pattern)), 0,
		  "cxlmi_cmd_memdev_set_lsa, 64 bytes at 100h");
	free(set);
	memset(buf, FILL, sizeof(buf));
	CHECK_INT(cxlmi_cmd_memdev_get_lsa(ep, NULL, &get, buf), 0, "cxlmi_cmd_memdev_get_lsa again");
	CHECK_BYTES(buf, pattern, sizeof(pattern), "  ... reads back what was written");
	get.offset = 0x100 - 16;
	get.length = 16;
	memset(buf, FILL, sizeof(buf));
	CHECK_INT(cxlmi_cmd_memdev_get_lsa(ep, NULL, &get, buf), 0, "cxlmi_cmd_memdev_get_lsa just before");
	static const uint8_t zero[16];
	CHECK_BYTES(buf, zero, 16, "  ... untouched bytes are still zero (a fresh backend)");
}

static void timestamp(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_get_timestamp_rsp ts = { 0 };
	uint64_t now = now_ns();
	int64_t diff;

	CHECK_INT(cxlmi_cmd_get_timestamp(ep, NULL, &ts), 0, "cxlmi_cmd_get_timestamp");
	/* The kernel sets it from its real-time clock when cxl_pci probes; QEMU adds the time since. */
	diff = (int64_t)(ts.timestamp - now);
	printf("      device %llu ns, guest clock %llu ns, %+lld ms apart\n", (unsigned long long)ts.timestamp,
	       (unsigned long long)now, (long long)(diff / 1000000));
	CHECK(diff > -120000000000LL && diff < 120000000000LL,
	      "  ... within 2 minutes of the guest's clock (set by the kernel)");
}

/* QEMU's patrol scrub feature (CXL 3.1 8.2.9.9.11.1): 4 bytes to get, 2 to set. */
static const uint8_t patrol_scrub_uuid[16] = { 0x96, 0xda, 0xd7, 0xd6, 0xfd, 0xe8, 0x48, 0x2b,
					       0xa7, 0x33, 0x75, 0x77, 0x4e, 0x06, 0xdb, 0x8a };

static void patrol_scrub(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_get_feature_req get = { .offset = 0, .count = 4, .selection = 0 };
	struct cxlmi_cmd_get_feature_rsp *data = filled(sizeof(*data));
	struct cxlmi_cmd_set_feature_req *set = filled(sizeof(*set) + 2);
	static const uint8_t initial[4] = { 0x03, 12, 1, 0x00 }, changed[4] = { 0x03, 24, 1, 0x01 };

	memcpy(get.feature_id, patrol_scrub_uuid, 16);
	CHECK_RC(cxlmi_cmd_get_feature(ep, NULL, &get, data), 0, "cxlmi_cmd_get_feature, patrol scrub");
	/* Capabilities 03h (cycle settable, can be disabled), every 12 h, at least 1 h, not enabled. */
	CHECK_BYTES(data->feature_data, initial, 4, "  ... QEMU's initial settings");

	memset(set, 0, sizeof(*set));
	memcpy(set->feature_id, patrol_scrub_uuid, 16);
	set->set_feature_flags = 0; /* a full data transfer */
	set->version = 1;
	set->feature_data[0] = 24;   /* cycle, hours */
	set->feature_data[1] = 0x01; /* enabled */
	CHECK_RC(cxlmi_cmd_set_feature(ep, NULL, set, 2), 0, "cxlmi_cmd_set_feature, patrol scrub every 24 h, enabled");
	memset(data, FILL, sizeof(*data));
	CHECK_RC(cxlmi_cmd_get_feature(ep, NULL, &get, data), 0, "cxlmi_cmd_get_feature again");
	CHECK_BYTES(data->feature_data, changed, 4, "  ... reads back the new settings");
	set->feature_data[0] = 12;
	set->feature_data[1] = 0x00;
	CHECK_RC(cxlmi_cmd_set_feature(ep, NULL, set, 2), 0, "cxlmi_cmd_set_feature, back as it was");
	free(set);
	free(data);
}

/*
 * The custom kernel takes RAW commands: every opcode QEMU implements that the kernel has no id
 * for goes RAW, and QEMU's answer comes back. Values as QEMU 10 answers (measured).
 */
static void raw_commands(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_get_event_records_req events_in;
	struct cxlmi_cmd_get_event_records_rsp *events;
	struct cxlmi_cmd_clear_event_records_req clear = { .event_log = 0, .clear_flags = 1, .nr_recs = 0 };
	struct cxlmi_cmd_get_event_interrupt_policy_rsp policy, policy2;
	struct cxlmi_cmd_set_event_interrupt_policy_req set_policy;
	struct cxlmi_cmd_get_timestamp_rsp ts;
	struct cxlmi_cmd_set_timestamp_req set_ts;
	struct cxlmi_cmd_get_supported_features_req feat_req = { .count = 0, .starting_feature_index = 0 };
	struct cxlmi_cmd_get_supported_features_rsp *feats;
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_cmd_bg_op_status_rsp bg;
	struct cxlmi_cmd_get_log_capabilities_req caps_req;
	struct cxlmi_cmd_get_log_capabilities_rsp caps;
	struct cxlmi_cmd_memdev_get_scan_media_capabilities_req smc_req = { 0 };
	struct cxlmi_cmd_memdev_get_scan_media_capabilities_rsp smc;
	struct cxlmi_tunnel_info ti = { .port = 0, .ld = -1, .level = 1, .mhd = false };
	unsigned n;
	int rc;

	/* Event records: the kernel read and cleared them when cxl_pci probed, so each log is empty. */
	events = filled(sizeof(*events) + CXLMI_MAX_SUPPORTED_EVENT_RECORDS * sizeof(struct cxlmi_event_record));
	for (uint8_t log = 0; log < 4; log++) {
		events_in.event_log = log;
		memset(events, FILL, sizeof(*events));
		rc = cxlmi_cmd_get_event_records(ep, NULL, &events_in, events);
		CHECK_INT(rc, 0, "cxlmi_cmd_get_event_records, log %u, goes RAW", log);
		printf("      flags 0x%02x overflow %u records %u\n", events->flags, events->overflow_err_count,
		       events->record_count);
		CHECK_INT(events->record_count, 0, "  ... no records (the kernel cleared them at probe)");
	}
	free(events);
	/* Clear All Events (flag bit 0) with no handles. */
	CHECK_RC(cxlmi_cmd_clear_event_records(ep, NULL, &clear), 0, "cxlmi_cmd_clear_event_records, clear all");

	memset(&policy, FILL, sizeof(policy));
	CHECK_RC(cxlmi_cmd_get_event_interrupt_policy(ep, NULL, &policy), 0, "cxlmi_cmd_get_event_interrupt_policy");
	printf("      info 0x%02x warning 0x%02x failure 0x%02x fatal 0x%02x\n", policy.informational_settings,
	       policy.warning_settings, policy.failure_settings, policy.fatal_settings);
	/* Set it to what it is (the kernel's own MSI settings), then read it back. */
	memset(&set_policy, 0, sizeof(set_policy));
	memcpy(&set_policy, &policy, sizeof(set_policy) < sizeof(policy) ? sizeof(set_policy) : sizeof(policy));
	CHECK_RC(cxlmi_cmd_set_event_interrupt_policy(ep, NULL, &set_policy), 0,
		 "cxlmi_cmd_set_event_interrupt_policy, unchanged");
	memset(&policy2, FILL, sizeof(policy2));
	CHECK_RC(cxlmi_cmd_get_event_interrupt_policy(ep, NULL, &policy2), 0, "  ... and read back");
	CHECK_BYTES(&policy2, &policy, 4, "  ... the same four settings");

	/* Set Timestamp has no kernel id: RAW. QEMU then counts on from the value set. */
	set_ts.timestamp = 1000000000000000000ULL; /* 2001-09-09 */
	CHECK_RC(cxlmi_cmd_set_timestamp(ep, NULL, &set_ts), 0, "cxlmi_cmd_set_timestamp goes RAW");
	memset(&ts, FILL, sizeof(ts));
	CHECK_RC(cxlmi_cmd_get_timestamp(ep, NULL, &ts), 0, "cxlmi_cmd_get_timestamp");
	printf("      %llu ns, %llu ns after the value set\n", (unsigned long long)ts.timestamp,
	       (unsigned long long)(ts.timestamp - set_ts.timestamp));
	CHECK(ts.timestamp >= set_ts.timestamp && ts.timestamp - set_ts.timestamp < 10000000000ULL,
	      "  ... reads back the value set plus the time since (under 10 s)");
	set_ts.timestamp = now_ns();
	CHECK_RC(cxlmi_cmd_set_timestamp(ep, NULL, &set_ts), 0, "cxlmi_cmd_set_timestamp back to the clock");

	/* Features: asked for the header only first, then for every entry. */
	feats = filled(2048);
	feat_req.count = sizeof(*feats);
	CHECK_RC(cxlmi_cmd_get_supported_features(ep, NULL, &feat_req, feats), 0,
		 "cxlmi_cmd_get_supported_features, header");
	n = feats->device_supported_features;
	printf("      %u features\n", n);
	feat_req.count = sizeof(*feats) + n * sizeof(struct cxlmi_supported_feature_entry);
	memset(feats, FILL, 2048);
	CHECK_RC(cxlmi_cmd_get_supported_features(ep, NULL, &feat_req, feats), 0,
		 "cxlmi_cmd_get_supported_features, all");
	CHECK_INT(feats->num_supported_feature_entries, n, "  ... %u entries", n);
	for (unsigned i = 0; i < feats->num_supported_feature_entries && i < 8; i++) {
		struct cxlmi_supported_feature_entry *f = &feats->supported_feature_entries[i];
		struct cxlmi_cmd_get_feature_req get = { .offset = 0, .count = f->get_feature_size, .selection = 0 };
		struct cxlmi_cmd_get_feature_rsp *data = filled(sizeof(*data));

		printf("      feature %u: id %02x%02x%02x%02x get %u set %u flags 0x%x versions %u/%u\n",
		       f->feature_index, f->feature_id[0], f->feature_id[1], f->feature_id[2], f->feature_id[3],
		       f->get_feature_size, f->set_feature_size, f->attribute_flags, f->get_feature_version,
		       f->set_feature_version);
		memcpy(get.feature_id, f->feature_id, 16);
		CHECK_RC(cxlmi_cmd_get_feature(ep, NULL, &get, data), 0, "cxlmi_cmd_get_feature %u (%u bytes)", i,
			 f->get_feature_size);
		printf("      data:");
		for (unsigned b = 0; b < f->get_feature_size && b < 32; b++)
			printf(" %02x", data->feature_data[b]);
		printf("\n");
		free(data);
	}
	free(feats);
	patrol_scrub(ep);

	/* Refused on every path: the kernel's RAW deny list, and its security command sets. */
	struct cxlmi_cmd_activate_fw_req act = { .action = 0, .slot = 2 };
	REFUSED(cxlmi_cmd_activate_fw(ep, NULL, &act), "0202h not sent: the kernel refuses it as a RAW command",
		"cxlmi_cmd_activate_fw is -1/EOPNOTSUPP");
	struct cxlmi_cmd_memdev_get_poison_list_req pl = { .get_poison_list_phy_addr = 0,
							   .get_poison_list_phy_addr_len = 1 };
	struct cxlmi_cmd_memdev_get_poison_list_rsp *plr = filled(2048);
	REFUSED(cxlmi_cmd_get_poison_list(ep, NULL, &pl, plr),
		"Get Poison List (4300h) not sent: the kernel refuses it as a RAW command",
		"cxlmi_cmd_get_poison_list is -1/EOPNOTSUPP");
	free(plr);
	struct cxlmi_cmd_memdev_inject_poison_req ip = { .inject_poison_phy_addr = 0 };
	REFUSED(cxlmi_cmd_memdev_inject_poison(ep, NULL, &ip),
		"Inject Poison (4301h) not sent: the kernel refuses it as a RAW command",
		"cxlmi_cmd_memdev_inject_poison is -1/EOPNOTSUPP");
	struct cxlmi_cmd_memdev_clear_poison_req cp;
	memset(&cp, 0, sizeof(cp));
	REFUSED(cxlmi_cmd_memdev_clear_poison(ep, NULL, &cp),
		"Clear Poison (4302h) not sent: the kernel refuses it as a RAW command",
		"cxlmi_cmd_memdev_clear_poison is -1/EOPNOTSUPP");
	struct cxlmi_cmd_memdev_scan_media_req sm = { .scan_media_physaddr = 0, .scan_media_physaddr_length = 1 };
	REFUSED(cxlmi_cmd_memdev_scan_media(ep, NULL, &sm),
		"Scan Media (4304h) not sent: the kernel refuses it as a RAW command",
		"cxlmi_cmd_memdev_scan_media is -1/EOPNOTSUPP");
	REFUSED(cxlmi_cmd_memdev_sanitize(ep, NULL),
		"4400h not sent: the kernel refuses it as a RAW command: sanitize and security",
		"cxlmi_cmd_memdev_sanitize is -1/EOPNOTSUPP");
	struct cxlmi_cmd_memdev_get_security_state_rsp sec;
	REFUSED(cxlmi_cmd_memdev_get_security_state(ep, NULL, &sec),
		"4500h not sent: the kernel refuses it as a RAW command: sanitize and security",
		"cxlmi_cmd_memdev_get_security_state is -1/EOPNOTSUPP");
	struct cxlmi_cmd_memdev_set_partition_info_req sp = { .volatile_capacity = 2, .flags = 0 };
	REFUSED(cxlmi_cmd_memdev_set_partition_info(ep, NULL, &sp),
		"Set Partition Information (4101h) not sent: the device does not list it in its Command Effects Log",
		"cxlmi_cmd_memdev_set_partition_info is -1/EOPNOTSUPP (QEMU's CEL lacks it)");

	/* Get Scan Media Capabilities: its kernel id is deprecated, RAW takes it; QEMU answers. */
	memset(&smc, FILL, sizeof(smc));
	smc_req.get_scan_media_capabilities_start_physaddr = 0;
	smc_req.get_scan_media_capabilities_physaddr_length = 1;
	/* Get Scan Media Capabilities: a kernel id (18) in 6.12; QEMU estimates 1 ms for one unit. */
	CHECK_RC(cxlmi_cmd_memdev_get_scan_media_capabilities(ep, NULL, &smc_req, &smc), 0,
		 "cxlmi_cmd_memdev_get_scan_media_capabilities");
	CHECK_INT(smc.estimated_scan_media_time, 1, "  ... estimated time 1 ms");

	/* Commands QEMU lacks reach it RAW and come back Unsupported. */
	CHECK_RC(cxlmi_cmd_identify(ep, NULL, &id), UNSUPPORTED, "cxlmi_cmd_identify (0001h): Unsupported");
	CHECK_RC(cxlmi_cmd_bg_op_status(ep, NULL, &bg), UNSUPPORTED, "cxlmi_cmd_bg_op_status (0002h): Unsupported");
	CHECK_RC(cxlmi_cmd_vendor_specific(ep, NULL, 0xc000, NULL, 0, NULL, 0), UNSUPPORTED,
		 "vendor-specific C000h: Unsupported");
	/* Get Log Capabilities has a kernel id (6.12), which QEMU's CEL does not enable. */
	memcpy(caps_req.uuid, cel_uuid, 16);
	REFUSED(cxlmi_cmd_get_log_capabilities(ep, NULL, &caps_req, &caps),
		"Get Log Capabilities (0402h) not sent: the device does not list it in its Command Effects Log",
		"cxlmi_cmd_get_log_capabilities is -1/EOPNOTSUPP (QEMU's CEL lacks it)");
	/* A tunnelled command is wrapped in 5300h, which a Type 3 device does not implement. */
	CHECK_RC(cxlmi_cmd_identify(ep, &ti, &id), UNSUPPORTED, "a tunnelled command (5300h RAW): Unsupported");
}

static void scan(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(stdout, LOG_WARNING);
	struct cxlmi_endpoint *ep;
	struct cxlmi_cmd_memdev_identify_rsp mid;
	int n = 0;

	CHECK_INT(cxlmi_scan(ctx), 1, "cxlmi_scan finds one device");
	cxlmi_for_each_endpoint(ctx, ep) n++;
	CHECK_INT(n, 1, "  ... and opened it");
	ep = cxlmi_first_endpoint(ctx);
	CHECK(ep && cxlmi_cmd_memdev_identify(ep, NULL, &mid) == 0 && mid.volatile_capacity == 2,
	      "  ... which answers memdev identify");
	cxlmi_free_ctx(ctx);
}

int main(void)
{
	const char *kernel = getenv("CXLMI_QEMU_KERNEL");
	struct cxlmi_cmd_get_event_records_req events_in = { .event_log = 0 };
	struct cxlmi_cmd_get_event_records_rsp *events;
	struct cxlmi_cmd_memdev_get_health_info_rsp health;
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;

	if (!kernel || access("/dev/cxl/mem0", F_OK) != 0) {
		printf("not in the QEMU guest (no CXLMI_QEMU_KERNEL or /dev/cxl/mem0): skipped\n");
		return 77;
	}
	raw = strcmp(kernel, "custom") == 0;
	printf("      %s kernel, RAW commands %s\n", kernel, raw ? "expected" : "not expected");

	ctx = cxlmi_new_ctx(tc_log_open(), LOG_DEBUG);
	ep = cxlmi_open(ctx, "mem0");
	if (!CHECK(ep != NULL, "cxlmi_open(ctx, \"mem0\")"))
		goto out;
	CHECK(tc_logged(raw ? "other opcodes RAW"
			    : "no RAW commands (kernel built without CONFIG_CXL_MEM_RAW_COMMANDS)"),
	      "the mailbox mode says whether the kernel takes RAW commands");
	CHECK(tc_logged("payload 2048 bytes (sysfs)"), "  ... and QEMU's 2 KiB payload, from sysfs");

	identify_and_partitions(ep);
	logs(ep);
	lsa(ep);
	timestamp(ep);

	/* Health Info has a kernel id, but QEMU's CEL does not list it, so the kernel does not send it. */
	REFUSED(cxlmi_cmd_memdev_get_health_info(ep, NULL, &health),
		"Get Health Info (4200h) not sent: the device does not list it in its Command Effects Log",
		"cxlmi_cmd_memdev_get_health_info is -1/EOPNOTSUPP");

	events = filled(sizeof(*events) + CXLMI_MAX_SUPPORTED_EVENT_RECORDS * sizeof(struct cxlmi_event_record));
	if (!raw) {
		/* The kernel reads and clears events itself: it has no id for 0100h. */
		REFUSED(cxlmi_cmd_get_event_records(ep, NULL, &events_in, events),
			"0100h not sent: the kernel has no command id for it and does not take RAW commands",
			"cxlmi_cmd_get_event_records is -1/EOPNOTSUPP");
	}
	free(events);
	if (raw)
		raw_commands(ep);
	cxlmi_close(ep);
	scan();
out:
	cxlmi_free_ctx(ctx);
	tc_log_close();
	return finish();
}
