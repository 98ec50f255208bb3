"""Fuzz target `python_buffers`: the Python module's buffer arguments (atheris, coverage-guided).

Every way a script hands the module bytes or numbers that land in struct memory: assigning bytes,
lists and out-of-range integers to array members (fixed and flexible), ArrayView items and
slices at any index, cxlmi_array_set and cxlmi_array_get with any size, and the module's own
read/write primitives at any offset and length. Each call either works or raises one of the
documented exceptions (ValueError, TypeError, IndexError, OverflowError); and whatever works
changes no byte of the object outside the member (or range) it was given.

Run by tools/fuzz.sh --python BUILD_DIR (see fuzz/README.md), with the module built in BUILD_DIR:
    PYTHONPATH=BUILD/src/python LD_LIBRARY_PATH=BUILD/src python3 fuzz/python/buffers.py CORPUS
"""

import sys

import atheris

with atheris.instrument_imports():
    import cxlmi

EXPECTED = (ValueError, TypeError, IndexError, OverflowError)
# Objects are compared whole before and after each write, so only types whose owned memory is
# small enough to copy at every run are compared (the 1 MiB CCI message is fuzzed, not compared).
COMPARED = 1 << 14
TYPES = [t for t in cxlmi._TYPES if hasattr(cxlmi, t[0])]
MEMBERS = {}
for m in cxlmi._MEMBERS:
    if m[8]:  # array members; nested structs take struct objects, not buffers
        MEMBERS.setdefault(m[0], []).append(m)
TYPES = [t for t in TYPES if t[0] in MEMBERS]


def some_int(fdp):
    """Integers around the edges the module must refuse or take: negative, huge, in range."""
    return fdp.PickValueInList(
        [
            fdp.ConsumeIntInRange(0, 255),
            fdp.ConsumeIntInRange(-(1 << 70), 1 << 70),
            -1,
            1 << 64,
            fdp.ConsumeInt(4),
        ]
    )


def value(fdp, esize):
    choice = fdp.ConsumeIntInRange(0, 4)
    n = fdp.ConsumeIntInRange(0, 64 * esize + 8)
    if choice == 0:
        return fdp.ConsumeBytes(n)
    if choice == 1:
        return bytearray(fdp.ConsumeBytes(n))
    if choice == 2:
        return memoryview(fdp.ConsumeBytes(n))
    if choice == 3:
        return [some_int(fdp) for _ in range(fdp.ConsumeIntInRange(0, 70))]
    return fdp.ConsumeUnicodeNoSurrogates(n)


def one_input(data):
    fdp = atheris.FuzzedDataProvider(data)
    tname, size, room = TYPES[fdp.ConsumeIntInRange(0, len(TYPES) - 1)]
    obj = getattr(cxlmi, tname)()
    capacity = size + room
    compared = capacity <= COMPARED
    if compared:
        # Not zeros, which a stray zero write would leave unchanged; counts become large too.
        cxlmi._cxlmi._write(obj, 0, bytes([fdp.ConsumeIntInRange(1, 255)]) * capacity)
    before = cxlmi._cxlmi._read(obj, 0, capacity) if compared else None
    members = MEMBERS[tname]
    _, mname, off, msize, esize, kind, elem, count, _ = members[fdp.ConsumeIntInRange(0, len(members) - 1)]
    # The bytes a successful write may change: the member's, or everything after a flexible one.
    lo, hi = off, off + msize if msize else capacity
    action = fdp.ConsumeIntInRange(0, 6)
    try:
        if action == 0:
            setattr(obj, mname, value(fdp, esize))
        elif action == 1:
            view = getattr(obj, mname)
            view[some_int(fdp) % 80 - 40] = some_int(fdp)
        elif action == 2:
            view = getattr(obj, mname)
            a, b = fdp.ConsumeIntInRange(-80, 80), fdp.ConsumeIntInRange(-80, 80)
            view[a:b] = value(fdp, esize)
        elif action == 3:
            cxlmi.cxlmi_array_set(getattr(obj, mname), value(fdp, esize), some_int(fdp) % 300 - 20)
        elif action == 4:
            got = cxlmi.cxlmi_array_get(getattr(obj, mname), some_int(fdp) % 300 - 20)
            assert isinstance(got, bytes)
        elif action == 5:
            # The primitive every path above ends in: any offset, any data.
            lo = fdp.ConsumeIntInRange(0, capacity + 64)
            raw = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 300))
            cxlmi._cxlmi._write(obj, lo, raw)
            hi = lo + len(raw)
            assert hi <= capacity, f"{tname}: wrote {len(raw)} bytes at {lo} of {capacity}"
        else:
            lo = fdp.ConsumeIntInRange(0, capacity + 64)
            n = fdp.ConsumeIntInRange(0, 300)
            got = cxlmi._cxlmi._read(obj, lo, n)
            assert lo + n <= capacity and len(got) == n, f"{tname}: read {n} at {lo} of {capacity}"
    except EXPECTED:
        lo = hi = 0
    if compared:
        after = cxlmi._cxlmi._read(obj, 0, capacity)
        changed = [i for i in range(capacity) if before[i] != after[i] and not lo <= i < hi]
        assert not changed, f"{tname}.{mname} (action {action}): bytes {changed[:8]} outside {lo}..{hi} changed"


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
