"""Writes the committed seed corpora (fuzz/corpus/NAME/), small valid inputs for each target.

Run from fuzz/: python3 seeds/make_seeds.py. The files are committed; libFuzzer grows its own
copy of them (tools/fuzz.sh works in a scratch directory).
"""

import os
import struct

CEL_UUID = bytes.fromhex("0da9c0b5bf414b788f7996b1623b3f17")


def header(category, tag, opcode, payload_len, rc=0, ves=0):
    return (
        bytes([category, tag, 0, opcode & 0xFF, opcode >> 8])
        + payload_len.to_bytes(3, "little")
        + struct.pack("<HH", rc, ves)
    )


def request(opcode, payload=b"", tag=0):
    return header(0, tag, opcode, len(payload), 0, 0xABCD) + payload


def response(opcode, payload=b"", tag=0, rc=0):
    return header(1, tag, opcode, len(payload), rc) + payload


def write(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    with open(f"corpus/{target}/{name}", "wb") as f:
        f.write(data)


identify = struct.pack("<HHHHQBB", 0x8086, 0x0D93, 0x8086, 0, 0x1234, 12, 3)
logs = struct.pack("<H6x", 1) + CEL_UUID + struct.pack("<I", 8)
params = bytes(32)

# responses: [mode, tunnel, params (32), response]
write("responses", "identify", bytes([0, 0]) + params + response(0x0001, identify))
write("responses", "identify-patched", bytes([1, 0]) + params + response(0x0001, identify))
write("responses", "supported-logs", bytes([2 << 3 | 1, 0]) + params + response(0x0400, logs))
write("responses", "registry-loop", bytes([4 | 1, 0]) + params + response(0x0001, identify))
write("responses", "error-rc", bytes([1, 0]) + params + response(0x0001, b"", rc=6))
inner = response(0x0001, identify)
tunnelled = response(0x5300, struct.pack("<HH", len(inner), 0) + inner)
write("responses", "tunnel-port", bytes([0, 1 | 3 << 2]) + params + tunnelled)
inner2 = response(0x5300, struct.pack("<HH", len(inner), 0) + inner)
tunnelled2 = response(0x5300, struct.pack("<HH", len(inner2), 0) + inner2)
write("responses", "tunnel-port-ld", bytes([3, 3]) + params + tunnelled2)
write(
    "responses",
    "cel",
    bytes([3 << 3 | 1, 0])
    + struct.pack("<16sII", CEL_UUID, 0, 16)
    + bytes(8)
    + response(0x0401, bytes([0x01, 0x00, 0x01, 0x00, 0x00, 0x04, 0x00, 0x00]) * 2),
)

# cci_framing: [tag, opcode (2), min (3), max (3), response]
write("cci_framing", "identify", bytes([0, 1, 0]) + (18).to_bytes(3, "little") * 2 + response(0x0001, identify))
write(
    "cci_framing",
    "between",
    bytes([5, 0, 4]) + (8).to_bytes(3, "little") + (512).to_bytes(3, "little") + response(0x0400, logs, tag=5),
)
write("cci_framing", "error", bytes([0, 1, 0]) + bytes(6) + response(0x0001, rc=3))


# emulator: [flags, then (LE16 length, message)*]
def msgs(flags, *m):
    return bytes([flags]) + b"".join(struct.pack("<H", len(x)) + x for x in m)


get_log_cel = struct.pack("<16sII", CEL_UUID, 0, 64)
write("emulator", "identify", msgs(2, request(0x0001)))
write("emulator", "logs-and-cel", msgs(2, request(0x0400), request(0x0401, get_log_cel)))
write("emulator", "fmapi-identify-switch", msgs(3, request(0x5100), request(0x0001)))
write("emulator", "partition-bg", msgs(2, request(0x4100), request(0x0002), request(0x4400)))
write("emulator", "dc-config", msgs(2, request(0x4800, bytes([8, 0])), request(0x4801, struct.pack("<II", 8, 0))))
write("emulator", "ld-info", msgs(3, request(0x5400), request(0x5401, bytes([0, 8])), request(0x5500)))

# target: text
for i, t in enumerate(["mem0", "/dev/cxl/mem0", "mctp:1,8", "mctp:0x1:0x08", "emu:type3", "emu:switch", "./x"]):
    write("target", f"t{i}", t.encode())


# ioctl_query: [n, payload_max (3), n * (id, flags, size_in, size_out), sends...]
def entry(cid, flags, size_in, size_out):
    return struct.pack("<BBHH", cid, flags, size_in, size_out)


def send(kind, retval, out_size, data):
    return struct.pack("<BHHB", kind, retval, out_size, len(data)) + data


# QEMU's type3 device under a 6.12 kernel lists these ids enabled (1 identify, 3 get supported
# logs, ...); RAW (2) is listed when the kernel has it.
table = [entry(1, 1, 0, 0x43), entry(2, 1, 0xFFFF, 0xFFFF), entry(3, 1, 0, 0xFFFF), entry(4, 1, 0x18, 0xFFFF)]
write(
    "ioctl_query",
    "qemu-like",
    bytes([len(table)]) + (256).to_bytes(3, "little") + b"".join(table) + send(0, 0, 0, identify) + send(0, 0, 0, logs),
)
write("ioctl_query", "no-query", bytes([0x80]) + bytes(3) + send(1, 0, 0, b""))
write(
    "ioctl_query",
    "probe",
    bytes([1]) + bytes(3) + entry(5, 1, 0, 8) + send(1 | 1 << 2, 0, 0, b"") + send(2, 0, 300, b"\x01" * 8),
)


# dbus_objects: [byte order (bit 0: big-endian), a GetManagedObjects answer body, a{oa{sa{sv}}}]
# marshalled here by the D-Bus specification's rules (each value aligned to its own size, structs and
# dict entries to 8, an array's length before the padding to its first element).
class Marshal:
    def __init__(self, big):
        self.order = ">" if big else "<"
        self.out = bytearray()

    def pad(self, n):
        self.out += bytes(-len(self.out) % n)

    def num(self, fmt, v):
        self.pad(struct.calcsize(fmt))
        self.out += struct.pack(self.order + fmt, v)

    def string(self, s, length_fmt="I"):
        self.num(length_fmt, len(s))
        self.out += s.encode() + b"\0"

    def array(self, align, items, write_item):
        self.num("I", 0)
        at = len(self.out) - 4
        self.pad(align)
        start = len(self.out)
        for item in items:
            write_item(item)
        struct.pack_into(self.order + "I", self.out, at, len(self.out) - start)

    def variant(self, sig, v):
        self.string(sig, "B")
        if sig == "y":
            self.out.append(v)
        elif sig in ("u", "i"):
            self.num("I" if sig == "u" else "i", v)
        elif sig == "s":
            self.string(v)
        elif sig == "ay":
            self.array(1, v, self.out.append)

    def dict(self, entries, write_key, write_value):
        def entry(kv):
            self.pad(8)
            write_key(kv[0])
            write_value(kv[1])

        self.array(8, entries, entry)


def managed_objects(big, endpoints):
    """endpoints: (path, {interface: {property: (signature, value)}})"""
    m = Marshal(big)
    m.dict(
        endpoints,
        m.string,
        lambda ifaces: m.dict(
            ifaces.items(),
            m.string,
            lambda props: m.dict(props.items(), m.string, lambda sv: m.variant(*sv)),
        ),
    )
    return bytes([1 if big else 0]) + bytes(m.out)


def mctp_endpoint(net, eid, types, net_sig="u", eid_sig="y"):
    props = {"EID": (eid_sig, eid), "NetworkId": (net_sig, net), "SupportedMessageTypes": ("ay", types)}
    return (
        f"/au/com/codeconstruct/mctp1/networks/{net}/endpoints/{eid}",
        {"org.freedesktop.DBus.Peer": {}, "xyz.openbmc_project.MCTP.Endpoint": props},
    )


fabric = [mctp_endpoint(1, 8, [0, 8]), mctp_endpoint(1, 9, [0, 7, 8]), mctp_endpoint(2, 8, [0, 1])]
write("dbus_objects", "le", managed_objects(False, fabric))
write("dbus_objects", "be", managed_objects(True, fabric))
write("dbus_objects", "netid-i", managed_objects(False, [mctp_endpoint(1, 8, [8], net_sig="i")]))
write("dbus_objects", "eid-u32", managed_objects(False, [mctp_endpoint(1, 8, [8], eid_sig="u")]))
write("dbus_objects", "empty", managed_objects(False, []))

# python_buffers: the atheris target's choices are read from the input's bytes in turn (struct
# type, fill byte, member, action, then values), so any bytes are valid; a few to start from.
for name, data in {
    "zeros": bytes(24),
    "counting": bytes(range(64)),
    "high": bytes(range(255, 191, -1)),
    "mixed": bytes([7, 0xA5, 1, 3]) + b"\xff" * 8 + bytes(range(16)),
}.items():
    write("python_buffers", name, data)
