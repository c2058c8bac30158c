"""Python ftplib interrupts an upload over an existing file, against Ferry.

usage: ftplib_interrupt.py HOST PORT USER PASSWORD NAME BYTES MODE
  abor   sends BYTES of the upload, then ABOR (ftplib's abort()), then reads the replies
  reset  sends BYTES, then resets both connections (SO_LINGER 0), as a crashed client
Prints "replies: ..." for abor, and "done" at the end.
"""
import ftplib
import os
import socket
import struct
import sys

host, port, user, password, name, count, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), sys.argv[7]
ftp = ftplib.FTP(timeout=20)
ftp.connect(host, port)
ftp.login(user, password)
ftp.voidcmd("TYPE I")
data = ftp.transfercmd("STOR " + name)
data.sendall(os.urandom(count))
if mode == "abor":
    # abort() sends ABOR with Telnet IP/Synch (RFC 959 §4.1.3) and reads its reply; the 426 of the transfer comes first.
    try:
        reply = ftp.abort()
    except ftplib.error_proto as error:
        reply = str(error)
    data.close()
    rest = ftp.getline() if not reply.startswith("226") else ""
    print("replies:", reply, rest)
    ftp.voidcmd("NOOP")
    ftp.quit()
else:
    linger = struct.pack("ii", 1, 0)
    for sock in (data, ftp.sock):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        sock.close()
print("done")
