"""Python ftplib against a privilege-separated or system-account Ferry; prints one JSON object.

usage: ftplib_privsep.py MODE HOST PORT USER PASSWORD
  login      the PASS reply code only
  roundtrip  PWD, upload probe.txt, NLST, download it back (passive mode)
  port20     the source port of an active-mode (PORT) data connection, seen by our own listener
"""
import ftplib
import io
import json
import socket
import sys

mode, host, port, user, password = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
ftp = ftplib.FTP()
ftp.connect(host, port, timeout=20)
result = {}
try:
    ftp.sendcmd("USER " + user)
    try:
        result["pass"] = ftp.sendcmd("PASS " + password)[:3]
    except ftplib.error_perm as e:
        result["pass"] = str(e)[:3]
    if mode == "roundtrip" and result["pass"] == "230":
        result["pwd"] = ftp.pwd()
        payload = b"written through a privilege-separated server\n" * 1000
        ftp.storbinary("STOR probe.txt", io.BytesIO(payload))
        result["nlst"] = ftp.nlst()
        received = io.BytesIO()
        ftp.retrbinary("RETR probe.txt", received.write)
        result["same"] = received.getvalue() == payload
    elif mode == "port20" and result["pass"] == "230":
        ftp.storbinary("STOR active.txt", io.BytesIO(b"active\n"))
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(20)
        p = listener.getsockname()[1]
        ftp.sendcmd("TYPE I")
        ftp.sendcmd("PORT 127,0,0,1,%d,%d" % (p // 256, p % 256))
        ftp.putcmd("RETR active.txt")
        result["retr"] = ftp.getresp()[:3]
        data, peer = listener.accept()
        chunks = []
        while True:
            chunk = data.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
        data.close()
        result["source_port"] = peer[1]
        result["data"] = b"".join(chunks).decode()
        result["done"] = ftp.getresp()[:3]
    ftp.quit()
finally:
    ftp.close()
print(json.dumps(result))
