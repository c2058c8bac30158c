"""One FTPES session held open while the test reloads or stops the server, driven from stdin.

usage: ftps_held_session.py HOST PORT USER PASSWORD
Logs in over TLS (AUTH TLS, PBSZ 0, PROT P) and prints "control CERT" (CERT: the SHA-256 of the
certificate the control connection got, upper-case hex). Then, one answer line per stdin line:
  retr NAME  downloads NAME over a protected data connection that resumes the control
             connection's TLS session: "retr SHA256-OF-CONTENT data-cert CERT reused True|False"
  list       LIST the same way: "list NAME,NAME,... data-cert CERT reused True|False"
  quit       "quit REPLY"
A failure answers "error TYPE TEXT" and the session goes on.
"""
import ftplib
import hashlib
import ssl
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE


def fingerprint(tls):
    return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest().upper()


class ReusingFTP(ftplib.FTP_TLS):
    """ftplib's FTP_TLS never resumes (cpython #63699); this is the usual fix. Remembers each data connection's TLS facts."""

    last_data = None

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
            self.last_data = (fingerprint(conn), conn.session_reused)
        return conn, size


def data_facts(ftp):
    cert, reused = ftp.last_data
    return f"data-cert {cert} reused {reused}"


ftp = ReusingFTP(context=context, timeout=20)
ftp.connect(host, port)
ftp.login(user, password)
ftp.prot_p()
ftp.voidcmd("TYPE I")
print("control", fingerprint(ftp.sock), flush=True)

for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    try:
        if words[0] == "retr":
            digest = hashlib.sha256()
            ftp.retrbinary("RETR " + words[1], digest.update)
            print("retr", digest.hexdigest().upper(), data_facts(ftp), flush=True)
        elif words[0] == "list":
            lines = []
            ftp.retrlines("LIST", lines.append)
            print("list", ",".join(sorted(entry.split()[-1] for entry in lines)), data_facts(ftp), flush=True)
        elif words[0] == "quit":
            print("quit", ftp.quit(), flush=True)
            break
        else:
            print("error unknown", words[0], flush=True)
    except (ftplib.Error, OSError, EOFError) as error:
        print("error", type(error).__name__, str(error).replace("\n", " "), flush=True)
