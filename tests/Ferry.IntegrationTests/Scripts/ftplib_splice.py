#!/usr/bin/env python3
"""Uploads through Ferry's splice(2) path with Python's ftplib: STOR of several sizes, a REST+STOR
resume and an APPE onto an existing file.

usage: python3 ftplib_splice.py HOST PORT USER PASSWORD

Every step is announced on stderr. Each file's expected SHA-256 is printed on stdout ("kept NAME
HASH") for the test to check on disk; the last line of stdout is "OK" when every step passed.
"""
import ftplib
import hashlib
import io
import os
import sys


def step(name):
    print("STEP " + name, file=sys.stderr, flush=True)


def sha(data):
    return hashlib.sha256(data).hexdigest().upper()


def main():
    host, port, user, password = sys.argv[1:5]
    ftp = ftplib.FTP()
    ftp.encoding = "utf-8"
    step("connect")
    ftp.connect(host, int(port), timeout=30)
    ftp.login(user, password)
    ftp.set_pasv(True)
    ftp.voidcmd("TYPE I")

    for size in (0, 1, 65535, 1024 * 1024 + 7, 20 * 1024 * 1024):
        name = "size-%d.bin" % size
        step("STOR " + name)
        data = os.urandom(size)
        reply = ftp.storbinary("STOR " + name, io.BytesIO(data))
        assert reply.startswith("226"), reply
        print("kept %s\t%s" % (name, sha(data)), flush=True)

    step("REST+STOR resume.bin")
    data = os.urandom(1_000_000)
    ftp.storbinary("STOR resume.bin", io.BytesIO(data[:400_000]))
    # ftplib sends REST 400000, then STOR, then the bytes from there on (RFC 3659 §5).
    reply = ftp.storbinary("STOR resume.bin", io.BytesIO(data[400_000:]), rest=400_000)
    assert reply.startswith("226"), reply
    print("kept resume.bin\t%s" % sha(data), flush=True)

    step("APPE log.bin")
    head, tail = os.urandom(123_457), os.urandom(2 * 1024 * 1024 + 1)
    ftp.storbinary("STOR log.bin", io.BytesIO(head))
    reply = ftp.storbinary("APPE log.bin", io.BytesIO(tail))
    assert reply.startswith("226"), reply
    print("kept log.bin\t%s" % sha(head + tail), flush=True)

    ftp.quit()
    print("OK", flush=True)


if __name__ == "__main__":
    main()
