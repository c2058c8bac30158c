#!/usr/bin/env python3
"""Drives Ferry over explicit FTPS with Python's ftplib.FTP_TLS and the ssl module.

usage: python3 ftps_tls.py HOST PORT USER PASSWORD VERSION MODE
  VERSION  default | 1.2 | 1.3   (the ssl context's minimum and maximum version)
  MODE     roundtrip     AUTH TLS, PROT P, 5 MiB STOR/RETR by SHA-256, MLSD, NLST; like plain
                         ftplib, no data connection resumes the control connection's TLS session
           roundtrip-reuse  the same, but every data connection resumes the control
                         connection's TLS session (what vsftpd/ProFTPD-style servers require)
           close-notify  RETR, LIST, NLST and MLSD data connections must end with the server's
                         close_notify (read with suppress_ragged_eofs=False, so a bare TCP FIN
                         raises SSLEOFError instead of looking like a clean end)
           upload-close  uploads that end the way curl, lftp and rclone end them (close_notify,
                         then close at once without reading what the server sent) and the way
                         ftplib does (close_notify, then wait for the server's): each gets 226

Steps are announced on stderr, ftplib's debug output (commands and replies) goes to stdout, and
uploaded files are reported as "kept NAME SHA256" for the test to check on disk. The last line of
stdout is "OK" when every step passed.
"""
import ftplib
import hashlib
import io
import os
import socket
import ssl
import sys


def step(name):
    print("STEP " + name, file=sys.stderr, flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def sha(data):
    return hashlib.sha256(data).hexdigest().upper()


def context(version):
    ctx = ssl.create_default_context()
    # The test server's certificate is self-signed.
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if version == "1.2":
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif version == "1.3":
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    return ctx


def expected_version(version):
    return {"1.2": "TLSv1.2", "1.3": "TLSv1.3"}.get(version, "TLSv1.3")


REUSE = False


class ReusingFTP_TLS(ftplib.FTP_TLS):
    """ftplib.FTP_TLS wraps each data connection without the control connection's session; this one passes it."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session if REUSE else None)
            expect(conn.session_reused == REUSE, "%s: data connection session_reused=%s" % (cmd, conn.session_reused))
        return conn, size


def connect(host, port, user, password, version):
    ftp = ReusingFTP_TLS(context=context(version), timeout=20)
    ftp.set_debuglevel(1)
    ftp.encoding = "utf-8"
    step("connect")
    welcome = ftp.connect(host, port)
    expect(welcome.startswith("220"), "greeting: " + welcome)
    step("AUTH TLS and login")
    ftp.login(user, password)  # FTP_TLS.login sends AUTH TLS first
    expect(isinstance(ftp.sock, ssl.SSLSocket), "control connection is not TLS after login")
    expect(ftp.sock.version() == expected_version(version), "control connection: %s" % ftp.sock.version())
    step("PBSZ 0, PROT P")
    expect(ftp.prot_p().startswith("200"), "PROT P refused")
    ftp.voidcmd("TYPE I")
    return ftp


def open_data(ftp, command):
    """The data connection of COMMAND as an SSLSocket that reports a ragged EOF instead of hiding it."""
    raw, _ = ftplib.FTP.ntransfercmd(ftp, command)  # the plain socket, after the 150
    raw.settimeout(20)
    tls = ftp.context.wrap_socket(raw, server_hostname=ftp.host, session=ftp.sock.session if REUSE else None, suppress_ragged_eofs=False)
    expect(tls.session_reused == REUSE, "%s: data connection session_reused=%s" % (command, tls.session_reused))
    return tls


def read_to_end(tls):
    """Everything the server sent, and how it ended: 'close_notify' or a description of the ragged EOF."""
    chunks = []
    try:
        while True:
            chunk = tls.recv(256 * 1024)
            if not chunk:
                return b"".join(chunks), "close_notify"
            chunks.append(chunk)
    except ssl.SSLEOFError as e:
        return b"".join(chunks), "TCP FIN without close_notify (%s)" % e
    except ConnectionResetError as e:
        return b"".join(chunks), "connection reset (%s)" % e


def roundtrip(ftp, version):
    step("STOR/RETR 5 MiB")
    data = os.urandom(5 * 1024 * 1024)
    ftp.storbinary("STOR five-mib.bin", io.BytesIO(data))
    buf = io.BytesIO()
    ftp.retrbinary("RETR five-mib.bin", buf.write)
    expect(sha(buf.getvalue()) == sha(data), "downloaded %d bytes, uploaded %d, SHA-256 differs" % (len(buf.getvalue()), len(data)))
    print("kept five-mib.bin\t" + sha(data))

    step("data connection version")
    tls = open_data(ftp, "RETR five-mib.bin")
    expect(tls.version() == expected_version(version), "data connection: %s" % tls.version())
    back, end = read_to_end(tls)
    tls.close()
    ftp.voidresp()
    expect(len(back) == len(data), "second RETR: %d bytes" % len(back))

    step("mlsd")
    ftp.mkd("a dir")
    ftp.storbinary("STOR a dir/inner.txt", io.BytesIO(b"inner\n"))
    facts = dict(ftp.mlsd("/", facts=["type", "size"]))
    expect(facts.get("five-mib.bin", {}).get("size") == str(len(data)), "MLSD: %r" % facts)
    expect(facts.get("a dir", {}).get("type") == "dir", "MLSD: %r" % facts)
    inner = dict(ftp.mlsd("/a dir"))
    expect(inner.get("inner.txt", {}).get("size") == "6", "MLSD /a dir: %r" % inner)

    step("nlst")
    names = sorted(ftp.nlst())
    expect(names == ["a dir", "five-mib.bin"], "NLST: %r" % names)

    step("quit")
    ftp.quit()


def close_notify(ftp):
    ftp.storbinary("STOR f.bin", io.BytesIO(os.urandom(300000)))
    ftp.mkd("d")
    failures = []
    for command in ("RETR f.bin", "LIST", "NLST", "MLSD", "LIST d"):
        step("close_notify after " + command)
        tls = open_data(ftp, command)
        data, end = read_to_end(tls)
        tls.close()
        reply = ftp.voidresp()
        print("END %s: %d bytes, %s; then %s" % (command, len(data), end, reply))
        if end != "close_notify":
            failures.append("%s ended with %s" % (command, end))
    expect(not failures, "; ".join(failures))
    ftp.quit()


def upload_close(ftp):
    failures = []
    for i in range(10):
        # curl, lftp and rclone: close_notify, then close at once. Whatever the server sent after
        # the handshake and the client never read (TLS 1.3 session tickets) makes the close a RST.
        name = "abrupt-%d.bin" % i
        step("STOR %s, close_notify then close" % name)
        data = os.urandom(200000 + i)
        tls = open_data(ftp, "STOR " + name)
        tls.sendall(data)
        tls.setblocking(False)
        try:
            tls.unwrap()  # sends close_notify; waiting for the server's would block
        except (ssl.SSLWantReadError, ssl.SSLError, OSError):
            pass
        tls.close()
        try:
            reply = ftp.voidresp()
            print("kept %s\t%s" % (name, sha(data)))
        except ftplib.Error as e:
            reply = str(e)
            failures.append("%s: %s" % (name, reply))
        print("END STOR %s (close_notify, close): %s" % (name, reply))

    # ftplib's own way: close_notify, then wait for the server's.
    step("STOR waited.bin, close_notify then wait for the server's")
    data = os.urandom(200000)
    tls = open_data(ftp, "STOR waited.bin")
    tls.sendall(data)
    tls.unwrap()
    tls.close()
    try:
        reply = ftp.voidresp()
        print("kept waited.bin\t" + sha(data))
    except ftplib.Error as e:
        reply = str(e)
        failures.append("waited.bin: " + reply)
    print("END STOR waited.bin (close_notify, wait): %s" % reply)
    expect(not failures, "; ".join(failures))
    ftp.quit()


def main():
    global REUSE
    host, port, user, password, version, mode = sys.argv[1:7]
    if mode.endswith("-reuse"):
        REUSE, mode = True, mode[: -len("-reuse")]
    socket.setdefaulttimeout(30)
    ftp = connect(host, int(port), user, password, version)
    {"roundtrip": lambda: roundtrip(ftp, version), "close-notify": lambda: close_notify(ftp), "upload-close": lambda: upload_close(ftp)}[mode]()
    print("OK")


if __name__ == "__main__":
    main()
