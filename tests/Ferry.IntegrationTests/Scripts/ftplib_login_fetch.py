"""Logs in with ftplib, lists the root and downloads one file: what an imported user does first.

Usage: ftplib_login_fetch.py HOST PORT USER PASSWORD FILE
Prints "LIST name,name,..." and "DATA <file contents>"; on a refused login prints the server's
reply (e.g. "530 Login incorrect.") and exits 3.
"""
import ftplib
import sys

host, port, user, password, name = sys.argv[1:6]
ftp = ftplib.FTP()
ftp.connect(host, int(port), timeout=20)
try:
    ftp.login(user, password)
except ftplib.error_perm as refused:
    print(str(refused))
    sys.exit(3)
print("LIST " + ",".join(sorted(ftp.nlst())))
chunks = []
ftp.retrbinary("RETR " + name, chunks.append)
print("DATA " + b"".join(chunks).decode("utf-8"))
ftp.quit()
