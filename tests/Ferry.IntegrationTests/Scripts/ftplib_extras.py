#!/usr/bin/env python3
"""ftplib beyond plain transfers: wrong password, ASCII mode, ABOR mid-transfer, MLST/MDTM/FEAT.

usage: python3 ftplib_extras.py HOST PORT USER PASSWORD passive|active

Steps are announced on stderr; the last line of stdout is "OK" when all passed.
"""
import ftplib
import io
import os
import sys


def step(name):
    print("STEP " + name, file=sys.stderr, flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    host, port, user, password, mode = sys.argv[1:6]

    step("wrong password")
    bad = ftplib.FTP()
    bad.connect(host, int(port), timeout=20)
    try:
        bad.login(user, password + "x")
        raise AssertionError("login with a wrong password succeeded")
    except ftplib.error_perm as e:
        expect(str(e).startswith("530"), "wrong password: %s" % e)
    bad.close()

    ftp = ftplib.FTP()
    ftp.set_debuglevel(1)
    ftp.encoding = "utf-8"
    ftp.connect(host, int(port), timeout=20)
    ftp.login(user, password)
    ftp.set_pasv(mode == "passive")

    step("FEAT")
    feat = ftp.sendcmd("FEAT")
    for token in ("MLST", "SIZE", "MDTM", "REST STREAM", "UTF8", "EPSV"):
        expect(token in feat, "FEAT lacks %s: %r" % (token, feat))

    step("ASCII upload (storlines)")
    ftp.storlines("STOR text.txt", io.BytesIO(b"line one\nline two\r\nline three\n"))
    step("ASCII download (retrlines)")
    lines = []
    ftp.retrlines("RETR text.txt", lines.append)
    expect(lines == ["line one", "line two", "line three"], "retrlines: %r" % lines)
    step("binary download of the ASCII upload")
    buf = io.BytesIO()
    ftp.retrbinary("RETR text.txt", buf.write)
    expect(buf.getvalue() == b"line one\nline two\nline three\n", "stored text (CRLF must become LF): %r" % buf.getvalue())
    step("raw TYPE A download")
    ftp.voidcmd("TYPE A")
    conn = ftp.transfercmd("RETR text.txt")
    raw = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        raw += chunk
    conn.close()
    ftp.voidresp()
    expect(raw == b"line one\r\nline two\r\nline three\r\n", "TYPE A RETR (LF must become CRLF): %r" % raw)

    step("ABOR mid-transfer")
    data = os.urandom(16 * 1024 * 1024)
    ftp.storbinary("STOR big.bin", io.BytesIO(data))
    step("STAT and NOOP answered during a transfer, PWD queued behind it")
    ftp.voidcmd("TYPE I")
    conn = ftp.transfercmd("RETR big.bin")
    first = conn.recv(65536)
    stat = ftp.sendcmd("STAT")
    expect(stat[:3] in ("211", "213"), "STAT during a transfer: %r" % stat)
    expect(ftp.sendcmd("NOOP").startswith("200"), "NOOP during a transfer")
    ftp.putcmd("PWD")
    received = len(first)
    while True:
        chunk = conn.recv(1 << 20)
        if not chunk:
            break
        received += len(chunk)
    conn.close()
    expect(received == len(data), "RETR with STAT/NOOP/PWD on the side: %d of %d bytes" % (received, len(data)))
    done = ftp.getresp()
    expect(done.startswith("226"), "transfer reply: %r" % done)
    pwd = ftp.getresp()
    expect(pwd.startswith('257 "/"'), "queued PWD reply: %r" % pwd)
    ftp.voidcmd("TYPE I")
    conn = ftp.transfercmd("RETR big.bin")
    first = conn.recv(4096)
    expect(len(first) > 0, "no data before ABOR")
    reply = ftp.abort()
    conn.close()
    # RFC 959: 426 for the aborted transfer, then 226 for the ABOR itself (225/226 alone if it had ended).
    if reply.startswith("426"):
        reply = ftp.getline()
    expect(reply[:3] in ("225", "226"), "ABOR reply: %r" % reply)
    step("session after ABOR")
    expect(ftp.sendcmd("NOOP").startswith("200"), "NOOP after ABOR")
    buf = io.BytesIO()
    ftp.retrbinary("RETR text.txt", buf.write)
    expect(buf.getvalue() == b"line one\nline two\nline three\n", "RETR after ABOR: %r" % buf.getvalue())

    step("early close of the data connection")
    conn = ftp.transfercmd("RETR big.bin")
    conn.recv(4096)
    conn.close()
    try:
        reply = ftp.voidresp()
        expect(reply.startswith("226"), "after early close: %r" % reply)
    except ftplib.error_temp as e:
        expect(str(e)[:3] in ("426", "451"), "after early close: %s" % e)
    expect(ftp.size("big.bin") == len(data), "SIZE after the cut download")

    step("ASCII upload with CR and LF in separate segments")
    import time
    ftp.voidcmd("TYPE A")
    conn = ftp.transfercmd("STOR split.txt")
    for piece in (b"abc\r", b"\ndef\r", b"\n", b"lone\rcr\r\n", b"end\r"):
        conn.sendall(piece)
        time.sleep(0.05)
    conn.close()
    ftp.voidresp()
    ftp.voidcmd("TYPE I")
    buf = io.BytesIO()
    ftp.retrbinary("RETR split.txt", buf.write)
    expect(buf.getvalue() == b"abc\ndef\nlone\rcr\nend\r", "CRLF split across segments: %r" % buf.getvalue())

    step("big ASCII download")
    text = b"".join(b"x" * (i % 300) + b"\n" for i in range(20000))
    ftp.storbinary("STOR bigtext.txt", io.BytesIO(text))
    ftp.voidcmd("TYPE A")
    conn = ftp.transfercmd("RETR bigtext.txt")
    raw = bytearray()
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        raw += chunk
    conn.close()
    ftp.voidresp()
    expect(bytes(raw) == text.replace(b"\n", b"\r\n"), "TYPE A RETR of %d bytes gave %d bytes" % (len(text), len(raw)))
    ftp.voidcmd("TYPE I")
    ftp.delete("bigtext.txt")
    ftp.delete("split.txt")

    step("empty directory listings")
    ftp.mkd("empty")
    expect(ftp.nlst("empty") == [], "NLST of an empty dir: %r" % ftp.nlst("empty"))
    expect(list(ftp.mlsd("empty")) == [] or all(f.get("type") in ("cdir", "pdir") for _, f in ftp.mlsd("empty")), "MLSD of an empty dir")
    lines = []
    ftp.retrlines("LIST empty", lines.append)
    expect(all(not l.startswith(("-", "d")) for l in lines), "LIST of an empty dir: %r" % lines)
    ftp.rmd("empty")

    step("awkward names")
    names = [" leading space.txt", "semi;colon", "hash#1", "percent%20", "brackets[1]", "quote'\"s", "star*", "tab\there", "emoji \U0001F600.txt", "trailing space "]
    for name in names:
        ftp.storbinary("STOR " + name, io.BytesIO(name.encode("utf-8")))
    listed = set(ftp.nlst())
    for name in names:
        expect(name in listed, "NLST lacks %r: %r" % (name, sorted(listed)))
        buf = io.BytesIO()
        ftp.retrbinary("RETR " + name, buf.write)
        expect(buf.getvalue() == name.encode("utf-8"), "content of %r" % name)
        ftp.delete(name)

    step("257 replies with quotes in the path")
    made = ftp.mkd('a "quoted" dir')
    expect(made == '/a "quoted" dir', "MKD with quotes (RFC 959 doubles them in 257): %r" % made)
    ftp.cwd('a "quoted" dir')
    expect(ftp.pwd() == '/a "quoted" dir', "PWD with quotes: %r" % ftp.pwd())
    ftp.cwd("/")
    ftp.rmd('a "quoted" dir')

    step("long names")
    longest = "n" * 251 + ".txt"  # 255 bytes, NAME_MAX on Linux
    ftp.storbinary("STOR " + longest, io.BytesIO(b"long"))
    expect(longest in ftp.nlst(), "the 255-byte name is not listed")
    ftp.delete(longest)
    try:
        ftp.storbinary("STOR " + "m" * 300, io.BytesIO(b"too long"))
        raise AssertionError("STOR of a 300-byte name succeeded")
    except ftplib.error_perm as e:
        expect(str(e)[:3] in ("550", "553", "501"), "STOR of a 300-byte name: %s" % e)
    except ftplib.error_temp as e:
        raise AssertionError("STOR of a 300-byte name got a 4xx (the name will never fit): %s" % e)
    expect(ftp.sendcmd("NOOP").startswith("200"), "NOOP after the too-long name")

    step("MLST and MDTM")
    mlst = ftp.sendcmd("MLST big.bin")
    expect(mlst.startswith("250"), "MLST: %r" % mlst)
    expect("size=%d;" % len(data) in mlst.lower(), "MLST size: %r" % mlst)
    expect("type=file;" in mlst.lower(), "MLST type: %r" % mlst)
    mdtm = ftp.sendcmd("MDTM big.bin")
    expect(mdtm.startswith("213 ") and len(mdtm) >= 18, "MDTM: %r" % mdtm)
    mfmt = ftp.sendcmd("MFMT 20190203040506 big.bin")
    expect(mfmt.startswith("213"), "MFMT: %r" % mfmt)
    expect(ftp.sendcmd("MDTM big.bin").startswith("213 20190203040506"), "MDTM after MFMT")
    facts = dict(ftp.mlsd("", facts=["modify"]))
    expect(facts["big.bin"]["modify"].startswith("20190203040506"), "MLSD modify after MFMT: %r" % facts["big.bin"])

    step("errors keep the session")
    for command, code in (("CWD no-such-dir", "550"), ("RMD no-such-dir", "550"), ("RNFR no-such-file", "550"), ("SIZE no-such-file", "550")):
        try:
            ftp.sendcmd(command)
            raise AssertionError("%s succeeded" % command)
        except ftplib.error_perm as e:
            expect(str(e).startswith(code), "%s: %s" % (command, e))
    expect(ftp.pwd() == "/", "PWD after errors")

    ftp.delete("big.bin")
    ftp.quit()
    print("OK")


if __name__ == "__main__":
    main()
