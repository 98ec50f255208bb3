#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The `cxlmi` tool's FM-API subcommands (port-control, bind, unbind, ld-allocations, qos, mhd heads,
# dcd, domain-validation, ppb-config, ld-config) against the emulated fabric: each in text and
# --json, the values checked against what the emulated switch, MLD and multi-headed DCD are and what
# a write does to them, destructive ones refused without --force, and usage errors (status 2, one
# line). Run as: test_cli_fabric.py PATH/TO/cxlmi
#
# Each emu: target is a fresh fabric per run of the tool, so a write is checked in the state it
# prints after it; flows of several steps (bind then unbind, add capacity, accept it as the host,
# then reference and release it) keep the fabric in a state file (--emu-state).

import json
import os
import tempfile

from cli_harness import check, fails, finish, name, ok_json, ok_text, run, set_flags


def vppb(v, n):
    """vPPB `n` of a VCS block."""
    return next((p for p in v.get("vppbs", []) if p.get("vppb_id") == n), {})


def lds(v, key):
    """{ld_id: value of `key`} of a per-LD list."""
    return {e.get("ld_id"): e.get(key) for e in v.get("lds", [])}


GIB = 1 << 30
MIB = 1 << 20
TAG = "a1b2c3d4-0102-0304-0506-0708090a0b0c"

# ---- port-control (5102h): the port's state after it ----
v = ok_json("port-control", "emu:switch", "1", "assert-perst", "--force")
check(name(v.get("port_control", {}).get("port_opcode")) == "assert_perst", f"port-control: request {v}")
check(v.get("port_control", {}).get("ppb_id") == 1 and v.get("port_id") == 1, f"port-control: port {v}")
check(v.get("link_state_flags", {}).get("port_pcie_reset_state") is True, f"assert-perst: PERST# {v}")
check(name(v.get("ltssm_state")) == "detect" and v.get("current_link_speed_mt_s") is None, f"assert-perst: link {v}")
v = ok_json("port-control", "emu:switch", "1", "deassert-perst")
check(v.get("link_state_flags", {}).get("port_pcie_reset_state") is False, f"deassert-perst: {v}")
check(name(v.get("ltssm_state")) == "l0" and v.get("current_link_speed_mt_s") == 32000, f"deassert-perst: link {v}")
v = ok_json("port-control", "emu:switch", "2", "reset-ppb", "-f")
check(name(v.get("port_control", {}).get("port_opcode")) == "reset_ppb", f"reset-ppb: {v}")
check(name(v.get("connected_device_type")) == "cxl_type_3_mld" and v.get("supported_ld_count") == 4, f"reset-ppb: {v}")
ok_text(
    "port-control", "emu:switch", "1", "assert-perst", "-f", want=["port_pcie_reset_state", "detect", "assert_perst"]
)
for action in ("assert-perst", "reset-ppb"):
    fails(2, "port-control", "emu:switch", "1", action, says=["refused without --force"])
# An upstream port is the host's: Invalid Input; no such port either.
fails(3, "port-control", "emu:switch", "0", "deassert-perst", says=["(INPUT/2)"])
fails(3, "port-control", "emu:switch", "9", "deassert-perst", says=["(INPUT/2)"])
fails(2, "port-control", "emu:switch", "1", "unplug")
fails(2, "port-control", "emu:switch", "256", "deassert-perst")

# ---- bind (5201h, a background operation, waited for) and unbind (5202h): the VCS after ----
v = ok_json("bind", "emu:switch", "--vcs", "1", "--vppb", "0", "--port", "3")
check(v.get("vcs_id") == 1 and v.get("usp_id") == 4 and v.get("num_vppbs") == 4, f"bind: VCS {v}")
b = vppb(v, 0)
check(name(b.get("binding_status")) == "bound_physical_port" and b.get("bound_port_id") == 3, f"bind port: {b}")
check(b.get("bound_ld_id") is None, f"bind port: no LD {b}")
check(v.get("bind") == {"vcs_id": 1, "vppb_id": 0, "port_id": 3, "ld_id": None}, f"bind: request {v.get('bind')}")
v = ok_json("bind", "emu:switch", "--vcs", "1", "--vppb", "2", "--port", "2", "--ld", "3")
b = vppb(v, 2)
check(
    name(b.get("binding_status")) == "bound_ld" and b.get("bound_port_id") == 2 and b.get("bound_ld_id") == 3,
    f"bind LD: {b}",
)
check(name(vppb(v, 0).get("binding_status")) == "unbound", f"bind LD: a fresh fabric has vPPB 0 unbound: {v}")
ok_text(
    "bind", "emu:switch", "--vcs", "1", "--vppb", "1", "--port", "3", want=["bound_physical_port", "bind:", "usp id"]
)
# Port 1 is bound to VCS 0 at power-on; LD 0 of the MLD too; VCS 0 vPPB 0 is bound.
fails(3, "bind", "emu:switch", "--vcs", "1", "--vppb", "0", "--port", "1", says=["(INPUT/2)"])
fails(3, "bind", "emu:switch", "--vcs", "1", "--vppb", "0", "--port", "2", "--ld", "0", says=["(INPUT/2)"])
fails(3, "bind", "emu:switch", "--vcs", "0", "--vppb", "0", "--port", "3", says=["(INPUT/2)"])
fails(2, "bind", "emu:switch", "--vcs", "1", "--vppb", "0", says=["needs --port"])
fails(2, "bind", "emu:switch", "--vcs", "1", "--vppb", "0", "--port", "3", "--mhd")
fails(2, "bind", "emu:switch", "--vppb", "0", "--port", "3")
fails(2, "bind", "emu:switch", "--vcs", "1", "--vppb", "256", "--port", "3")

v = ok_json("unbind", "emu:switch", "--vcs", "0", "--vppb", "1", "--force")
check(name(vppb(v, 1).get("binding_status")) == "unbound" and vppb(v, 1).get("bound_port_id") is None, f"unbind: {v}")
check(name(vppb(v, 0).get("binding_status")) == "bound_physical_port", f"unbind: vPPB 0 stays bound: {v}")
check(name(v.get("unbind", {}).get("unbind_option")) == "wait_for_port_link_down", f"unbind: request {v}")
v = ok_json("unbind", "emu:switch", "--vcs", "0", "--vppb", "0", "--mode", "surprise-hot-remove", "-f")
check(name(v.get("unbind", {}).get("unbind_option")) == "simulate_surprise_hot_remove", f"unbind --mode: {v}")
ok_text("unbind", "emu:switch", "--vcs", "0", "--vppb", "0", "-f", "--mode", "managed-hot-remove", want=["unbound"])
fails(2, "unbind", "emu:switch", "--vcs", "0", "--vppb", "0", says=["refused without --force"])
fails(3, "unbind", "emu:switch", "--vcs", "1", "--vppb", "0", "-f", says=["(INPUT/2)"])
fails(2, "unbind", "emu:switch", "--vcs", "0", "--vppb", "0", "-f", "--mode", "yank")

# ---- ld-allocations (5401h, 5402h): 4 LDs of 4 GiB in 256 MiB granules, a quarter each ----
for args in (("emu:mld",), ("emu:switch", "--port", "2")):
    v = ok_json("ld-allocations", *args)
    check(v.get("number_of_lds") == 4 and v.get("memory_granularity_bytes") == 256 * MIB, f"ld-allocations: {v}")
    check(lds(v, "range_1_allocation_bytes") == {i: GIB for i in range(4)}, f"ld-allocations {args}: {v}")
v = ok_json("ld-allocations", "emu:mld", "set", "0=2", "2=512M:1", "--force")
check(lds(v, "range_1_allocation_multiplier") == {0: 2, 1: 4, 2: 2, 3: 4}, f"ld-allocations set: range 1 {v}")
check(lds(v, "range_2_allocation_bytes") == {0: 0, 1: 0, 2: 256 * MIB, 3: 0}, f"ld-allocations set: range 2 {v}")
# The command sets a run of LDs: 0 to 2, LD 1 keeping its own.
s = v.get("set", {})
check(s.get("start_ld_id") == 0 and s.get("number_of_lds") == 3, f"ld-allocations set: the device's answer {s}")
check(lds(s, "range_1_allocation_multiplier") == {0: 2, 1: 4, 2: 2}, f"ld-allocations set: answer {s}")
v = ok_json("ld-allocations", "emu:switch", "--port", "2", "set", "3=512M:0x2", "-f")
check(
    lds(v, "range_1_allocation_bytes").get(3) == 512 * MIB and lds(v, "range_2_allocation_multiplier").get(3) == 2,
    f"{v}",
)
ok_text("ld-allocations", "emu:mld", "set", "1=3", "-f", want=["range 1 allocation multiplier", "768 MiB", "set:"])
fails(2, "ld-allocations", "emu:mld", "set", "0=2", says=["refused without --force"])
fails(2, "ld-allocations", "emu:mld", "set", "0=100M", "-f", says=["not a multiple of the granularity"])
fails(2, "ld-allocations", "emu:mld", "set", "4=1", "-f", says=["LD 4"])
fails(2, "ld-allocations", "emu:mld", "set", "1=1", "1=2", "-f", says=["more than once"])
fails(2, "ld-allocations", "emu:mld", "set", "-f")
fails(2, "ld-allocations", "emu:mld", "set", "1:2", "-f")
fails(2, "ld-allocations", "emu:mld", "set", "1=99999999999T", "-f")
# More than the device has: the device refuses, nothing changes.
fails(3, "ld-allocations", "emu:mld", "set", "0=100", "-f", says=["(INPUT/2)"])

# ---- qos (5403h-5409h) on the MLD, directly and through the switch ----
v = ok_json("qos", "emu:mld")
check(v.get("egress_moderate_percent") == 10 and v.get("egress_severe_percent") == 25, f"qos control: {v}")
check(set_flags(v.get("qos_telemetry_control")) == [], f"qos control: {v}")
check(ok_json("qos", "emu:switch", "--port", "2", "control") == v, "qos control through the switch")
v = ok_json(
    "qos",
    "emu:mld",
    "control",
    "set",
    "--egress-congestion",
    "on",
    "--moderate",
    "20",
    "--severe",
    "50",
    "--sample-interval",
    "4",
    "--req-cmp-basis",
    "7",
    "--completion-interval",
    "32",
)
check(set_flags(v.get("qos_telemetry_control")) == ["egress_port_congestion_enable"], f"qos control set: {v}")
check(
    (v.get("egress_moderate_percent"), v.get("egress_severe_percent"), v.get("backpressure_sample_interval_ns"))
    == (20, 50, 4)
    and v.get("req_cmp_basis") == 7
    and v.get("completion_collection_interval_ns") == 32,
    f"qos control set: read back {v}",
)
check({k: x for k, x in v.get("set", {}).items()} == {k: x for k, x in v.items() if k != "set"}, f"qos set: {v}")
v = ok_json("qos", "emu:mld", "control", "set", "--temporary-throughput-reduction", "on", "--severe", "30")
check(set_flags(v.get("qos_telemetry_control")) == ["temporary_throughput_reduction_enable"], f"qos set: {v}")
check(v.get("egress_moderate_percent") == 10 and v.get("egress_severe_percent") == 30, f"qos set keeps the rest: {v}")
ok_text("qos", "emu:mld", "control", "set", "--egress-congestion", "on", want=["egress_port_congestion_enable"])
fails(2, "qos", "emu:mld", "control", "set", "--moderate", "0")
fails(2, "qos", "emu:mld", "control", "set", "--severe", "101")
fails(2, "qos", "emu:mld", "control", "set", "--sample-interval", "16")
fails(2, "qos", "emu:mld", "control", "set", "--egress-congestion", "maybe")
# Moderate above severe: the device refuses.
fails(3, "qos", "emu:mld", "control", "set", "--moderate", "90", "--severe", "80", says=["(INPUT/2)"])

v = ok_json("qos", "emu:mld", "status")
check(v == {"backpressure_average_percent": 0}, f"qos status: {v}")
ok_text("qos", "emu:switch", "--port", "2", "status", want=["backpressure average percent"])

v = ok_json("qos", "emu:mld", "allocated-bw")
check(lds(v, "qos_allocation_fraction") == {i: 64 for i in range(4)}, f"allocated-bw: an equal share {v}")
check(lds(v, "qos_allocation_ratio") == {i: 0.25 for i in range(4)}, f"allocated-bw: ratios {v}")
v = ok_json("qos", "emu:mld", "allocated-bw", "set", "0=0.5", "2=10%", "3=32/256")
check(lds(v, "qos_allocation_fraction") == {0: 128, 1: 64, 2: 26, 3: 32}, f"allocated-bw set: {v}")
check(v.get("set", {}).get("number_ld") == 4 and v["set"].get("start_ld_id") == 0, f"allocated-bw set: {v}")
v = ok_json("qos", "emu:switch", "--port", "2", "allocated-bw", "set", "1=1")
check(lds(v, "qos_allocation_fraction").get(1) == 255, f"allocated-bw set 1 (all): {v}")
ok_text("qos", "emu:mld", "allocated-bw", want=["qos allocation ratio", "0.25"])
v = ok_json("qos", "emu:mld", "bw-limit")
check(lds(v, "qos_limit_fraction") == {i: 255 for i in range(4)}, f"bw-limit: no limit {v}")
v = ok_json("qos", "emu:mld", "bw-limit", "set", "2=0.25")
check(lds(v, "qos_limit_fraction") == {0: 255, 1: 255, 2: 64, 3: 255}, f"bw-limit set: {v}")
check(lds(v.get("set", {}), "qos_limit_ratio") == {2: 0.25}, f"bw-limit set: the device's answer {v}")
ok_text("qos", "emu:mld", "bw-limit", "set", "0=0", want=["qos limit fraction", "set:"])
fails(2, "qos", "emu:mld", "bw-limit", "set", "4=0.5", says=["LD 4"])
fails(2, "qos", "emu:mld", "bw-limit", "set", "0=1.5")
fails(2, "qos", "emu:mld", "bw-limit", "set", "0=256/256")
fails(2, "qos", "emu:mld", "bw-limit", "set", "0=2")
fails(2, "qos", "emu:mld", "allocated-bw", "set", "0=0.1", "0=0.2", says=["more than once"])
fails(3, "qos", "emu:switch", says=["(UNSUPPORTED/3)"])

# ---- mhd heads (5501h): two heads, x8 at 32 GT/s, in L0 ----
for args in (("emu:mhd",), ("emu:mhd", "--mhd")):
    v = ok_json("mhd", *args, "heads")
    heads = v.get("heads", [])
    check(v.get("num_heads") == 2 and [h.get("port_number") for h in heads] == [0, 1], f"mhd heads {args}: {v}")
    check(all(name(h.get("ltssm_state")) == "l0" for h in heads), f"mhd heads: LTSSM {heads}")
    check(all(h.get("negotiated_link_width_lanes") == 8 for h in heads), f"mhd heads: width {heads}")
    check(all(h.get("current_link_speed_mt_s") == 32000 for h in heads), f"mhd heads: speed {heads}")
v = ok_json("mhd", "emu:mhd", "info")
check(v.get("num_heads") == 2 and [e.get("head_port_number") for e in v.get("ld_map", [])] == [0, 1], f"mhd info: {v}")
ok_text("mhd", "emu:mhd", "heads", want=["num heads", "port number", "l0", "32000"])
fails(3, "mhd", "emu:switch", "heads", says=["(UNSUPPORTED/3)"])

# ---- dcd (5600h-5608h) through the LD Pool CCI: 2 hosts, 2 regions of 1 GiB in 2 MiB blocks ----
v = ok_json("dcd", "emu:mhd", "--mhd")
check(v.get("num_hosts") == 2 and v.get("num_supported_dc_regions") == 2, f"dcd info: {v}")
check(v.get("total_dynamic_capacity_bytes") == 2 * GIB, f"dcd info: capacity {v}")
check(
    set_flags(v.get("supported_add_capacity_selection_policies")) == ["contiguous", "free", "prescriptive"],
    f"dcd info: add policies {v}",
)
check(
    set_flags(v.get("supported_release_capacity_removal_policies")) == ["prescriptive", "tag_based"],
    f"dcd info: release policies {v}",
)
regions = v.get("regions", [])
check(len(regions) == 2 and 2 * MIB in regions[0].get("supported_block_sizes_bytes", []), f"dcd regions: {v}")
ok_text("dcd", "emu:mhd", "--mhd", "info", want=["num hosts", "2 GiB", "prescriptive"])
fails(3, "dcd", "emu:mhd", says=["(UNSUPPORTED/3)"])

v = ok_json("dcd", "emu:mhd", "--mhd", "region-config", "--host", "1")
r = v.get("regions", [])
check(v.get("host_id") == 1 and v.get("num_available_regions") == 2 and len(r) == 2, f"region-config: {v}")
check([x.get("block_size_bytes") for x in r] == [2 * MIB, 2 * MIB], f"region-config: block sizes {r}")
check([x.get("sanitize_on_release") for x in r] == [False, True], f"region-config: sanitize {r}")
check(v.get("available_extents") == v.get("total_supported_extents") == 32, f"region-config: extents {v}")
v = ok_json("dcd", "emu:mhd", "--mhd", "region-config", "set", "--region", "0", "--block-size", "4M")
r = v.get("regions", [])
check([x.get("block_size_bytes") for x in r] == [4 * MIB, 2 * MIB], f"region-config set: block size {r}")
check([x.get("sanitize_on_release") for x in r] == [False, True], f"region-config set: sanitize kept {r}")
v = ok_json(
    "dcd", "emu:mhd", "--mhd", "region-config", "--host", "1", "set", "--region", "1", "--sanitize-on-release", "off"
)
r = v.get("regions", [])
check(v.get("host_id") == 1 and [x.get("sanitize_on_release") for x in r] == [False, False], f"set sanitize: {r}")
ok_text("dcd", "emu:mhd", "--mhd", "region-config", want=["block size bytes", "2 MiB", "available extents"])
fails(3, "dcd", "emu:mhd", "--mhd", "region-config", "set", "--region", "0", "--block-size", "3M", says=["(INPUT/2)"])
fails(2, "dcd", "emu:mhd", "--mhd", "region-config", "set", "--region", "5", "--block-size", "4M")
fails(3, "dcd", "emu:mhd", "--mhd", "region-config", "--host", "2", says=["(INPUT/2)"])

v = ok_json("dcd", "emu:mhd", "--mhd", "extents", "--host", "0")
check(v.get("total_extent_count") == 0 and v.get("extents") == [] and v.get("host_id") == 0, f"dcd extents: {v}")
ok_text("dcd", "emu:mhd", "--mhd", "extents", "--host", "1", want=["total extent count", "(none)"])
fails(2, "dcd", "emu:mhd", "--mhd", "extents")

# Add: the capacity is offered (pending) until the host accepts it: one extent tracked, its tag
# pending for the host.
v = ok_json("dcd", "emu:mhd", "--mhd", "add", "--host", "1", "--length", "64M", "--tag", TAG)
a = v.get("add", {})
check(a.get("host_id") == 1 and name(a.get("selection_policy")) == "free" and a.get("length_bytes") == 64 * MIB, f"{a}")
check(a.get("tag") == TAG and a.get("extent_count") == 0 and a.get("extents") == [], f"dcd add: request {a}")
check(v.get("region_config", {}).get("available_extents") == 31, f"dcd add: an extent tracked {v}")
check(v.get("extent_list", {}).get("total_extent_count") == 0, f"dcd add: none accepted yet {v}")
tags = v.get("tag_list", {}).get("tags", [])
check(
    len(tags) == 1 and tags[0].get("tag") == TAG and tags[0].get("pending_reference_hosts") == [1],
    f"dcd add: tag pending for host 1 {tags}",
)
v = ok_json(
    "dcd",
    "emu:mhd",
    "--mhd",
    "add",
    "--host",
    "0",
    "--policy",
    "prescriptive",
    "--extent",
    "0x80000000:2M",
    "--extent",
    "0xc0000000:4M",
)
a = v.get("add", {})
check(name(a.get("selection_policy")) == "prescriptive" and a.get("extent_count") == 2, f"dcd add prescriptive: {a}")
check(a.get("length_bytes") == 6 * MIB, f"dcd add prescriptive: the length is the extents' {a}")
check([e.get("start_dpa") for e in a.get("extents", [])] == [0x80000000, 0xC0000000], f"add extents: {a}")
check(v.get("region_config", {}).get("available_extents") == 30, f"dcd add prescriptive: {v}")
ok_text("dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--length", "2M", want=["add:", "free", "tag list"])
fails(2, "dcd", "emu:mhd", "--mhd", "add", "--host", "0", says=["--length"])
fails(2, "dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--policy", "prescriptive", says=["--extent"])
fails(2, "dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--length", "2M", "--extent", "0:2M", says=["prescriptive"])
fails(2, "dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--length", "2M", "--tag", "a1b2")
fails(2, "dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--policy", "prescriptive", "--extent", "0x80000000")
fails(3, "dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--length", "3M", says=["(INPUT/2)"])
fails(3, "dcd", "emu:mhd", "--mhd", "add", "--host", "5", "--length", "2M", says=["(INPUT/2)"])
fails(3, "dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--length", "2G", says=["RESOURCEEXHAUSTED"])

fails(2, "dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--tag", TAG, says=["refused without --force"])
fails(2, "dcd", "emu:mhd", "--mhd", "release", "--host", "0", "-f", says=["--tag"])
fails(2, "dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--policy", "prescriptive", "-f", says=["--extent"])
v = ok_json("dcd", "emu:mhd", "--mhd", "tags")
check(v.get("total_num_tags") == 0 and v.get("tags") == [], f"dcd tags on a fresh device: {v}")
check(ok_json("dcd", "emu:mhd", "--mhd", "list-tags") == v, "dcd list-tags is tags")
# No tag is tracked on a fresh device, so there is nothing to reference.
fails(3, "dcd", "emu:mhd", "--mhd", "add-reference", "--tag", TAG, says=["(INPUT/2)"])
fails(3, "dcd", "emu:mhd", "--mhd", "remove-reference", "--tag", TAG, says=["(INPUT/2)"])
fails(2, "dcd", "emu:mhd", "--mhd", "add-reference")

# ---- domain validation (5104h-5107h): the emulated switch does not implement them ----
for args in ([], ["state"], ["set", TAG], ["vcs-state", "--vcs", "0"], ["secret", "--vcs", "0"]):
    fails(3, "domain-validation", "emu:switch", *args, says=["(UNSUPPORTED/3)"])
fails(2, "domain-validation", "emu:switch", "set", "not-a-uuid")
fails(2, "domain-validation", "emu:switch", "secret")

# ---- configuration requests (5103h; 5301h, which the emulated switch does not implement) ----
v = ok_json("ppb-config", "emu:switch", "1", "0")
# Vendor 1E98h, device E502h (a downstream port's bridge).
check(v == {"ppb_id": 1, "offset": 0, "byte_enables": 15, "data": 0xE5021E98}, f"ppb-config read: {v}")
v = ok_json("ppb-config", "emu:switch", "0", "0", "--byte-enables", "0x3")
check(v.get("data") == 0x1E98, f"ppb-config: the enabled bytes only {v}")
v = ok_json("ppb-config", "emu:switch", "1", "0x10", "--write", "0xdeadbeef", "--force")
check(v.get("written") == 0xDEADBEEF and v.get("data") == 0xDEADBEEF, f"ppb-config write, read back: {v}")
v = ok_json("ppb-config", "emu:switch", "1", "0", "--write", "0", "--force")
check(v.get("data") == 0xE5021E98, f"ppb-config: the ids are read-only {v}")
ok_text("ppb-config", "emu:switch", "1", "8", want=["data          0x06040001", "offset        0x8"])
fails(2, "ppb-config", "emu:switch", "1", "0x10", "--write", "1", says=["refused without --force"])
fails(2, "ppb-config", "emu:switch", "1", "0x11", says=["multiple of 4"])
fails(2, "ppb-config", "emu:switch", "1", "0x1000")
fails(2, "ppb-config", "emu:switch", "1", "0", "--byte-enables", "0x10")
fails(2, "ppb-config", "emu:switch", "1", "0", "--write", "0x100000000", "-f", says=["32 bits"])
fails(3, "ppb-config", "emu:switch", "7", "0", says=["(INPUT/2)"])
fails(3, "ld-config", "emu:switch", "2", "1", "0", says=["(UNSUPPORTED/3)"])
fails(2, "ld-config", "emu:switch", "2", "1", "0x2", says=["multiple of 4"])

# ---- errors in JSON name the subcommand ----
p = run("--json", "bind", "emu:switch", "--vcs", "1", "--vppb", "0")
err = json.loads(p.stdout or "{}").get("error", {})
check(p.returncode == 2 and err.get("kind") == "usage" and err.get("command") == "bind", f"bind error: {p.stdout!r}")
p = run("--json", "qos", "emu:switch")
err = json.loads(p.stdout or "{}").get("error", {})
check(p.returncode == 3 and err.get("return_code_name") == "UNSUPPORTED" and err.get("command") == "qos", f"{err}")

# ---- flows of several runs, the fabric kept in a state file ----
with tempfile.TemporaryDirectory() as tmp:
    state = os.path.join(tmp, "switch.state")
    v = ok_json("--emu-state", state, "bind", "emu:switch", "--vcs", "1", "--vppb", "3", "--port", "2", "--ld", "2")
    check(name(vppb(v, 3).get("binding_status")) == "bound_ld", f"state: bind {v}")
    v = ok_json("--emu-state", state, "vcs", "emu:switch")
    vcs1 = next((b for b in v.get("vcss", []) if b.get("vcs_id") == 1), {})
    check(vppb(vcs1, 3).get("bound_ld_id") == 2, f"state: still bound in the next run {vcs1}")
    fails(3, "--emu-state", state, "bind", "emu:switch", "--vcs", "0", "--vppb", "2", "--port", "2", "--ld", "2")
    v = ok_json("--emu-state", state, "unbind", "emu:switch", "--vcs", "1", "--vppb", "3", "-f")
    check(name(vppb(v, 3).get("binding_status")) == "unbound", f"state: unbind {v}")
    v = ok_json("--emu-state", state, "bind", "emu:switch", "--vcs", "0", "--vppb", "2", "--port", "2", "--ld", "2")
    check(vppb(v, 2).get("bound_ld_id") == 2, f"state: the LD is free again {v}")
    ok_json("--emu-state", state, "port-control", "emu:switch", "3", "assert-perst", "-f")
    v = ok_json("--emu-state", state, "ports", "emu:switch")
    port3 = next((p for p in v.get("ports", []) if p.get("port_id") == 3), {})
    check(port3.get("link_state_flags", {}).get("port_pcie_reset_state") is True, f"state: PERST# kept {port3}")

    # Dynamic capacity: 30 extents of 2 MiB offered to host 0 under one tag, which it accepts as
    # the host does (Add Dynamic Capacity Response, 4802h, on its head); then listed in pages,
    # referenced by the FM, and released (asked, then forced).
    state = os.path.join(tmp, "mhd.state")
    starts = [0x80000000 + i * 4 * MIB for i in range(30)]
    extents = [a for s in starts for a in ("--extent", f"{s:#x}:2M")]
    v = ok_json(
        "--emu-state",
        state,
        "dcd",
        "emu:mhd",
        "--mhd",
        "add",
        "--host",
        "0",
        "--policy",
        "prescriptive",
        "--tag",
        TAG,
        *extents,
    )
    check(v.get("add", {}).get("extent_count") == 30, f"state: add 30 extents {v.get('add')}")
    check(v.get("region_config", {}).get("available_extents") == 2, f"state: 30 of 32 tracked {v}")
    accept = (30).to_bytes(4, "little") + bytes(4)
    for s in starts:
        accept += s.to_bytes(8, "little") + (2 * MIB).to_bytes(8, "little") + bytes(8)
    ok_json("--emu-state", state, "raw", "emu:mhd", "0x4802", accept.hex())
    v = ok_json("--emu-state", state, "dcd", "emu:mhd", "--mhd", "extents", "--host", "0")
    got = v.get("extents", [])
    check(
        v.get("total_extent_count") == 30 and v.get("returned_extent_count") == 30, f"state: all pages of extents {v}"
    )
    check(
        [e.get("start_dpa") for e in got] == starts, f"state: the extents in order {[e.get('start_dpa') for e in got]}"
    )
    check(all(e.get("tag") == TAG and e.get("length_bytes") == 2 * MIB for e in got), f"state: extents {got}")
    v = ok_json("--emu-state", state, "dcd", "emu:mhd", "--mhd", "extents", "--host", "0", "--start", "25")
    check(
        v.get("start_extent_index") == 25 and [e.get("start_dpa") for e in v.get("extents", [])] == starts[25:], f"{v}"
    )
    v = ok_json("--emu-state", state, "dcd", "emu:mhd", "--mhd", "extents", "--host", "1")
    check(v.get("total_extent_count") == 0, f"state: host 1 has none {v}")
    v = ok_json("--emu-state", state, "dcd", "emu:mhd", "--mhd", "add-reference", "--tag", TAG)
    t = (v.get("tags") or [{}])[0]
    check(t.get("tag") == TAG and t.get("flags") == 1 and t.get("reference_hosts") == [0], f"state: add-reference {v}")
    v = ok_json("--emu-state", state, "dcd", "emu:mhd", "--mhd", "remove-reference", "--tag", TAG)
    check((v.get("tags") or [{}])[0].get("flags") == 0, f"state: remove-reference {v}")
    v = ok_json("--emu-state", state, "dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--tag", TAG, "-f")
    r = v.get("release", {})
    check(
        name(r.get("flags", {}).get("removal_policy")) == "tag_based" and r["flags"].get("forced_removal") is False,
        f"{r}",
    )
    check(v.get("extent_list", {}).get("total_extent_count") == 30, f"state: released when the host says so {v}")
    v = ok_json(
        "--emu-state",
        state,
        "dcd",
        "emu:mhd",
        "--mhd",
        "release",
        "--host",
        "0",
        "--policy",
        "prescriptive",
        "--extent",
        f"{starts[0]:#x}:2M",
        "--forced",
        "-f",
    )
    check(v.get("release", {}).get("flags", {}).get("forced_removal") is True, f"state: forced {v.get('release')}")
    got = [e.get("start_dpa") for e in v.get("extent_list", {}).get("extents", [])]
    check(got == starts[1:], f"state: the forced release took extent 0 at once {got}")
    v = ok_json(
        "--emu-state", state, "dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--tag", TAG, "--forced", "-f"
    )
    check(v.get("extent_list", {}).get("total_extent_count") == 0 and v.get("tag_list", {}).get("tags") == [], f"{v}")
    check(v.get("region_config", {}).get("available_extents") == 32, f"state: all released {v}")

finish()
