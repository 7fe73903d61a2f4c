"""vpcdb.py - an independent cdb reader and writer for the interop tests.

Written from STORAGE.md section 3 only (not from the daemon's C code), so
that a bug shared by the daemon's writer and this checker is unlikely.

Callers (vpcheck.py, test scripts, the benchmark) may use:
  cdb_hash(key)            the DJB hash of 3.2 (bytes -> int)
  parse(data)              full structural check of a cdb image (F1);
                           returns (records, problems): records is the
                           list of (key, value) in file order, problems a
                           list of strings (empty when the file is sound)
  lookup(data, key)        value of the first record with key (3.4), or
                           None
  build(records)           cdb image (bytes) laid out as in 3.3
"""

import struct

HEADER = 2048
SLOTS = 256


def cdb_hash(key):
    h = 5381
    for c in key:
        h = ((h * 33) & 0xffffffff) ^ c
    return h


def _u32pair(data, off):
    return struct.unpack_from('<II', data, off)


def parse(data):
    """Walk every record and every hash table; report what is wrong."""
    problems = []
    size = len(data)
    if size < HEADER:
        return [], ['file is %d bytes, shorter than the %d-byte header'
                    % (size, HEADER)]
    heads = [_u32pair(data, 8 * b) for b in range(SLOTS)]
    for b, (pos, n) in enumerate(heads):
        if pos < HEADER or pos + 8 * n > size:
            problems.append('table %d (pos %d, %d slots) lies outside the '
                            'file (%d bytes)' % (b, pos, n, size))
    if problems:
        return [], problems
    end = heads[255][0] + 8 * heads[255][1]
    if end != size:
        problems.append('file is %d bytes but table 255 ends at %d'
                        % (size, end))
    for b in range(SLOTS - 1):
        if heads[b][0] + 8 * heads[b][1] != heads[b + 1][0]:
            problems.append('table %d does not follow table %d' % (b + 1, b))
    records, starts = _walk_records(data, heads[0][0], problems)
    _check_tables(data, heads, starts, problems)
    return records, problems


def _walk_records(data, tables_at, problems):
    """Records run from the header to the first table, back to back."""
    records, starts = [], {}
    off = HEADER
    while off < tables_at:
        if off + 8 > tables_at:
            problems.append('torn record header at %d' % off)
            break
        klen, dlen = _u32pair(data, off)
        if off + 8 + klen + dlen > tables_at:
            problems.append('record at %d (key %d, data %d bytes) runs into '
                            'the hash tables at %d' % (off, klen, dlen,
                                                       tables_at))
            break
        key = bytes(data[off + 8:off + 8 + klen])
        value = bytes(data[off + 8 + klen:off + 8 + klen + dlen])
        starts[off] = len(records)
        records.append((key, value))
        off += 8 + klen + dlen
    return records, starts


def _check_tables(data, heads, starts, problems):
    """Every entry points at a record of its hash, reachable by a lookup;
    every record is in exactly one entry."""
    seen = {}
    for b, (pos, n) in enumerate(heads):
        if n % 2:
            problems.append('table %d has an odd length %d' % (b, n))
        entries = [_u32pair(data, pos + 8 * i) for i in range(n)]
        for i, (h, p) in enumerate(entries):
            if p == 0:
                continue
            if p not in starts:
                problems.append('table %d slot %d points at %d, not a record'
                                % (b, i, p))
                continue
            key = _key_at(data, p)
            if cdb_hash(key) != h or h & 255 != b:
                problems.append('table %d slot %d: record %r does not hash '
                                'to %#x' % (b, i, key, h))
                continue
            if not _reachable(entries, i, h):
                problems.append('table %d slot %d: record %r cannot be '
                                'found by a lookup' % (b, i, key))
            seen[p] = seen.get(p, 0) + 1
    for p in starts:
        if seen.get(p, 0) != 1:
            problems.append('record at %d (%r) is in %d hash-table entries'
                            % (p, _key_at(data, p), seen.get(p, 0)))


def _key_at(data, p):
    klen, _ = _u32pair(data, p)
    return bytes(data[p + 8:p + 8 + klen])


def _reachable(entries, i, h):
    """A lookup starts at slot (h >> 8) mod n and stops at an empty slot."""
    n = len(entries)
    s = (h >> 8) % n
    for _ in range(n):
        if s == i:
            return True
        if entries[s][1] == 0:
            return False
        s = (s + 1) % n
    return False


def lookup(data, key):
    if len(data) < HEADER:
        return None
    h = cdb_hash(key)
    pos, n = _u32pair(data, 8 * (h & 255))
    if n == 0:
        return None
    s = (h >> 8) % n
    for _ in range(n):
        hh, p = _u32pair(data, pos + 8 * s)
        if p == 0:
            return None
        if hh == h:
            klen, dlen = _u32pair(data, p)
            if data[p + 8:p + 8 + klen] == key:
                return bytes(data[p + 8 + klen:p + 8 + klen + dlen])
        s = (s + 1) % n
    return None


def build(records):
    """The layout of 3.3: records in order, then tables 0..255."""
    out = bytearray(HEADER)
    buckets = [[] for _ in range(SLOTS)]
    for key, value in records:
        buckets[cdb_hash(key) & 255].append((cdb_hash(key), len(out)))
        out += struct.pack('<II', len(key), len(value)) + key + value
    heads = []
    for bucket in buckets:
        n = 2 * len(bucket)
        table = [(0, 0)] * n
        for h, p in bucket:
            s = (h >> 8) % n
            while table[s][1] != 0:
                s = (s + 1) % n
            table[s] = (h, p)
        heads.append((len(out), n))
        for h, p in table:
            out += struct.pack('<II', h, p)
    for b, (pos, n) in enumerate(heads):
        struct.pack_into('<II', out, 8 * b, pos, n)
    return bytes(out)


def selftest():
    """F3 vectors, the worked example of 3.5, and a round trip; returns a
    list of failures."""
    bad = []
    for key, want in ((b'', 5381), (b'postmaster', 0x54383801),
                      (b'alice', 0x0A20FB27), (b'!example.com-', 0x5ED6E12E)):
        if cdb_hash(key) != want:
            bad.append('hash(%r) = %#x, want %#x' % (key, cdb_hash(key), want))
    ex = build([(b'!example.com-', b'example.com\x0089\x0089\x00'
                 b'/home/vpopmail/domains/example.com\x00-\x00'), (b'', b'-')])
    if len(ex) != 2165 or _u32pair(ex, 5 * 8) != (2133, 2) or \
            _u32pair(ex, 46 * 8) != (2149, 2):
        bad.append('worked example of STORAGE 3.5 not reproduced')
    recs = [(b'k%d' % i, b'v' * (i % 7)) for i in range(3000)]
    recs.append((b'k1', b'duplicate'))
    img = build(recs)
    got, problems = parse(img)
    if problems or got != recs:
        bad.append('round trip of 3001 records failed: %s' % problems[:3])
    if lookup(img, b'k1') != b'v' or lookup(img, b'nope') is not None:
        bad.append('lookup of a round-tripped image is wrong')
    if not parse(img[:-1])[1] or not parse(img[:3000])[1]:
        bad.append('a truncated image parses without a problem')
    return bad
