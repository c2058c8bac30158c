"""Writes COUNT MiB to stdout, cheaply and with no two MiB alike: one random MiB, each copy
stamped with its index in its first 8 bytes (so a part sent twice, dropped or out of order shows).
The same SEED gives the same stream.

usage: stream_blocks.py SEED COUNT
"""
import random
import sys

seed, count = int(sys.argv[1]), int(sys.argv[2])
block = bytearray(random.Random(seed).randbytes(1 << 20))
out = sys.stdout.buffer
for index in range(count):
    block[0:8] = index.to_bytes(8, "big")
    out.write(block)
out.flush()
