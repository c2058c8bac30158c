"""An upload whose client hangs up after the server's TLS handshake flight, before sending its own
Finished (what basic-ftp sometimes does with an empty file), made deterministic with an in-memory
TLS object whose Finished is never sent.

usage: tls_unfinished_upload.py HOST PORT USER PASSWORD MODE NAME
  resumed13  the data connection resumes the control connection's TLS 1.3 session
  fresh13    TLS 1.3 without resuming (a new session)
  resumed12  TLS 1.2, resuming the control connection's session (no PSK binder in TLS 1.2)
Prints "resumed: True|False" (what the handshake did) and "final: <reply>" (the STOR's last reply).
"""
import ftplib
import socket
import ssl
import sys

host, port, user, password, mode, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
version = ssl.TLSVersion.TLSv1_2 if mode.endswith("12") else ssl.TLSVersion.TLSv1_3
context.minimum_version = version
context.maximum_version = version

ftp = ftplib.FTP_TLS(context=context, timeout=20)
ftp.connect(host, port)
ftp.login(user, password)
ftp.prot_p()
ftp.voidcmd("TYPE I")  # a reply read after login brings the TLS 1.3 tickets in
data_port = int(ftp.sendcmd("EPSV").split("|")[3])

raw = socket.create_connection((host, data_port), timeout=20)
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
session = None if mode.startswith("fresh") else ftp.sock.session
tls = context.wrap_bio(incoming, outgoing, server_hostname=host, session=session)
done = False
while not done:
    try:
        tls.do_handshake()
        done = True
    except ssl.SSLWantReadError:
        pending = outgoing.read()
        if pending:
            raw.sendall(pending)
        chunk = raw.recv(65536)
        if not chunk:
            break
        incoming.write(chunk)
print("resumed:", tls.session_reused)
# The client's Finished now waits in `outgoing`: it is never sent.
raw.close()

ftp.putcmd("STOR " + name)
reply = ftp.getline()
if reply.startswith("150"):
    reply = ftp.getline()
print("final:", reply)
