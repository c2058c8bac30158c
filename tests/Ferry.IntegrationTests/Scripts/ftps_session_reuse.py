"""FTPS data connections with and without TLS session reuse, against Ferry.

usage: ftps_session_reuse.py HOST PORT USER PASSWORD MODE
  reuse    three RETRs whose data connections resume the control session (prints "ok N")
  noreuse  one RETR with a fresh TLS session on the data connection; prints the final reply
  thief    one reused RETR, then a stranger's fresh TLS connection grabs the passive port
           before the client: prints the reply the thief's transfer gets, then a reused RETR
Each line printed is "label: text"; the test reads them.
"""
import ftplib
import socket
import ssl
import sys

host, port, user, password, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE


class ReusingFTP(ftplib.FTP_TLS):
    """ftplib's FTP_TLS never resumes (cpython #63699); this is the usual fix."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        return conn, size


def login(cls):
    ftp = cls(context=context, timeout=20)
    ftp.connect(host, port)
    ftp.login(user, password)
    ftp.prot_p()
    ftp.voidcmd("TYPE I")
    return ftp


def retr(ftp):
    chunks = []
    ftp.retrbinary("RETR a.txt", chunks.append)
    return b"".join(chunks).decode()


def pasv_port(ftp):
    reply = ftp.sendcmd("EPSV")
    return int(reply.split("|")[3])


if mode == "reuse":
    ftp = login(ReusingFTP)
    print("ok:", sum(retr(ftp) == "secret" for _ in range(3)))
elif mode == "noreuse":
    ftp = login(ftplib.FTP_TLS)
    data_port = pasv_port(ftp)
    raw = socket.create_connection((host, data_port), timeout=20)
    ftp.putcmd("RETR a.txt")
    print("preliminary:", ftp.getline())
    try:
        tls = context.wrap_socket(raw, server_hostname=host)
        tls.recv(100)
    except (ssl.SSLError, OSError) as error:
        print("data:", type(error).__name__)
    print("final:", ftp.getline())
elif mode == "thief":
    ftp = login(ReusingFTP)
    print("first:", retr(ftp))
    data_port = pasv_port(ftp)
    # The stranger: same address (so the peer-address check passes), its own fresh TLS session.
    stranger = socket.create_connection((host, data_port), timeout=20)
    ftp.putcmd("RETR a.txt")
    print("preliminary:", ftp.getline())
    try:
        tls = context.wrap_socket(stranger, server_hostname=host)
        print("stolen:", tls.recv(100))
    except (ssl.SSLError, OSError) as error:
        print("data:", type(error).__name__)
    print("final:", ftp.getline())
    print("again:", retr(ftp))
ftp.quit()
