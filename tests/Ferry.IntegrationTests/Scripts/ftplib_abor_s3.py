"""Python ftplib aborts a STOR mid-way, told when by the test, then goes on with the session.

usage: ftplib_abor_s3.py HOST PORT USER PASSWORD NAME BYTES
Sends BYTES of an upload to NAME and prints "sent"; waits for a line on stdin (the test has seen
the upload on the store), then sends ABOR (ftplib's abort(): Telnet IP/Synch, RFC 959 §4.1.3) and
prints "replies: FIRST | SECOND"; then "size: REPLY" for SIZE NAME, and "stor: REPLY" for a small
STOR of after.txt on the same session; "done" at the end. ftplib's dialogue (debug level 1)
is on stdout too.
"""
import ftplib
import io
import os
import sys

host, port, user, password, name, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
ftp = ftplib.FTP(timeout=30)
ftp.set_debuglevel(1)
ftp.connect(host, port)
ftp.login(user, password)
ftp.voidcmd("TYPE I")
data = ftp.transfercmd("STOR " + name)
block = os.urandom(1 << 20)
sent = 0
while sent < count:
    chunk = block[: min(len(block), count - sent)]
    data.sendall(chunk)
    sent += len(chunk)
print("sent", sent, flush=True)
sys.stdin.readline()
try:
    first = ftp.abort()
except ftplib.error_proto as error:
    first = str(error)
data.close()
second = ftp.getline() if first.startswith("426") else ""
print("replies:", first, "|", second, flush=True)
try:
    size = ftp.sendcmd("SIZE " + name)
except ftplib.error_perm as error:
    size = str(error)
print("size:", size, flush=True)
print("stor:", ftp.storbinary("STOR after.txt", io.BytesIO(b"the session goes on\n")), flush=True)
ftp.quit()
print("done", flush=True)
