#!/usr/bin/env python3
"""Writes a large EVTX file made of one sample's chunks repeated.

    benches/big_evtx.py SAMPLE.evtx OUT.evtx MEGABYTES

EVTX is a 4 KiB file header followed by self-contained 64 KiB chunks, each
with its own checksums, so repeating the used chunks of a real file and
rewriting the header's chunk count (and its CRC32) gives a valid log of any
size up to the format's 65,535 chunks. Record ids repeat from one copy to
the next; readers do not rely on them being unique. The memory benchmark
in benches/compare.sh uses it to check that peak memory does not grow with
the size of an EVTX file.
"""
import struct
import sys
import zlib

HEADER = 4096
CHUNK = 65536


def main(sample, out, megabytes):
    data = open(sample, "rb").read()
    if data[:8] != b"ElfFile\x00":
        sys.exit(f"{sample}: not an EVTX file")
    used = struct.unpack_from("<H", data, 42)[0]
    chunks = data[HEADER : HEADER + used * CHUNK]
    copies = max(1, megabytes * 1024 * 1024 // len(chunks))
    total = used * copies
    if total > 0xFFFF:
        sys.exit(f"{megabytes} MB needs {total} chunks; EVTX holds at most 65535")
    header = bytearray(data[:HEADER])
    struct.pack_into("<QQ", header, 8, 0, total - 1)  # first, last chunk
    struct.pack_into("<H", header, 42, total)  # chunk count
    header[120:124] = struct.pack("<I", 0)  # flags: clean, not full
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    with open(out, "wb") as f:
        f.write(header)
        for _ in range(copies):
            f.write(chunks)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
