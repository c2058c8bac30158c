#!/usr/bin/env python3
"""Drives Ferry with Python's ftplib, the library behind many in-house integrations.

usage: python3 ftplib_roundtrip.py HOST PORT USER PASSWORD passive|active

Every step is announced on stderr, so a failure names the step. Uploaded files stay on the
server and their SHA-256 are printed on stdout ("kept NAME HASH") for the test to check on disk.
The last line of stdout is "OK" when every step passed.
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


def retr(ftp, name, rest=None):
    buf = io.BytesIO()
    ftp.retrbinary("RETR " + name, buf.write, rest=rest)
    return buf.getvalue()


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    host, port, user, password, mode = sys.argv[1:6]
    ftp = ftplib.FTP()
    ftp.set_debuglevel(1)  # commands and replies go to stdout, which the test shows on failure
    ftp.encoding = "utf-8"
    step("connect")
    welcome = ftp.connect(host, int(port), timeout=20)
    expect(welcome.startswith("220"), "greeting: " + welcome)
    step("login")
    ftp.login(user, password)
    ftp.set_pasv(mode == "passive")

    kept = {}
    for name, size in (("zero.bin", 0), ("one.bin", 1), ("five-mib.bin", 5 * 1024 * 1024)):
        step("STOR/RETR " + name)
        data = os.urandom(size)
        ftp.storbinary("STOR " + name, io.BytesIO(data))
        back = retr(ftp, name)
        expect(sha(back) == sha(data), "%s: downloaded %d bytes, uploaded %d, SHA-256 differs" % (name, len(back), size))
        expect(ftp.size(name) == size, "SIZE %s: %r, expected %d" % (name, ftp.size(name), size))
        kept[name] = data

    step("UTF-8 name")
    utf8 = "Grüße 日本.txt"
    data = "Grüße aus 日本\n".encode("utf-8") * 100
    ftp.storbinary("STOR " + utf8, io.BytesIO(data))
    expect(retr(ftp, utf8) == data, "UTF-8 file content differs")
    kept[utf8] = data

    step("mkd/cwd/pwd")
    made = ftp.mkd("a dir")
    expect(made.endswith("a dir"), "MKD answered %r" % made)
    ftp.cwd("a dir")
    expect(ftp.pwd() == "/a dir", "PWD in a dir: %r" % ftp.pwd())
    ftp.storbinary("STOR inner.txt", io.BytesIO(b"inner\n"))
    ftp.cwd("..")
    expect(ftp.pwd() == "/", "PWD after CDUP: %r" % ftp.pwd())

    step("mlsd")
    facts = dict(ftp.mlsd("/", facts=["type", "size", "modify"]))
    for name, data in kept.items():
        expect(name in facts, "MLSD lacks %r: %r" % (name, sorted(facts)))
        expect(facts[name]["type"] == "file", "MLSD type of %s: %r" % (name, facts[name]))
        expect(int(facts[name]["size"]) == len(data), "MLSD size of %s: %r" % (name, facts[name]))
        expect(len(facts[name].get("modify", "")) >= 14, "MLSD modify of %s: %r" % (name, facts[name]))
    expect(facts.get("a dir", {}).get("type") == "dir", "MLSD entry of 'a dir': %r" % facts.get("a dir"))
    inner = dict(ftp.mlsd("a dir"))
    expect("inner.txt" in inner, "MLSD 'a dir' lacks inner.txt: %r" % sorted(inner))

    step("nlst")
    names = sorted(os.path.basename(n) for n in ftp.nlst())
    expect(names == sorted(list(kept) + ["a dir"]), "NLST: %r" % names)

    step("LIST")
    lines = []
    ftp.retrlines("LIST", lines.append)
    expect(len(lines) == len(kept) + 1, "LIST lines: %r" % lines)
    for name in list(kept) + ["a dir"]:
        expect(any(line.endswith(" " + name) for line in lines), "LIST lacks %r: %r" % (name, lines))
    expect(any(line.startswith("d") and line.endswith(" a dir") for line in lines), "LIST 'a dir' is not a d line: %r" % lines)
    expect(any(line.startswith("-") and " 5242880 " in line for line in lines), "LIST lacks the 5 MiB size: %r" % lines)

    step("rename")
    ftp.storbinary("STOR old name.txt", io.BytesIO(b"renamed content"))
    ftp.rename("old name.txt", "a dir/new näme.txt")
    expect(retr(ftp, "a dir/new näme.txt") == b"renamed content", "renamed file content")
    expect("old name.txt" not in ftp.nlst(), "old name still listed")

    step("delete")
    ftp.delete("a dir/new näme.txt")
    ftp.delete("a dir/inner.txt")
    try:
        ftp.delete("a dir/inner.txt")
        raise AssertionError("DELE of a deleted file succeeded")
    except ftplib.error_perm as e:
        expect(str(e).startswith("550"), "DELE of a missing file: %s" % e)

    step("rmd")
    ftp.rmd("a dir")
    expect("a dir" not in ftp.nlst(), "a dir still listed after RMD")

    step("REST download")
    data = os.urandom(300_000)
    ftp.storbinary("STOR resume.bin", io.BytesIO(data))
    for offset in (1, 123_457, 299_999, 300_000):
        tail = retr(ftp, "resume.bin", rest=offset)
        expect(tail == data[offset:], "RETR after REST %d: %d bytes, expected %d" % (offset, len(tail), len(data) - offset))

    step("REST upload")
    ftp.storbinary("STOR resumed-up.bin", io.BytesIO(data[:100_000]))
    ftp.storbinary("STOR resumed-up.bin", io.BytesIO(data[100_000:]), rest=100_000)
    expect(ftp.size("resumed-up.bin") == len(data), "SIZE after REST+STOR: %r" % ftp.size("resumed-up.bin"))
    expect(retr(ftp, "resumed-up.bin") == data, "REST+STOR content differs")
    ftp.delete("resumed-up.bin")
    ftp.delete("resume.bin")

    step("missing file")
    try:
        retr(ftp, "no such file")
        raise AssertionError("RETR of a missing file succeeded")
    except ftplib.error_perm as e:
        expect(str(e).startswith("550"), "RETR of a missing file: %s" % e)
    # The session must still work after the refused transfer.
    expect(retr(ftp, "one.bin") == kept["one.bin"], "RETR after a refused RETR")

    step("quit")
    ftp.quit()
    for name, data in kept.items():
        print("kept %s\t%s" % (name, sha(data)))
    print("OK")


if __name__ == "__main__":
    main()
