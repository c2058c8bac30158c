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
