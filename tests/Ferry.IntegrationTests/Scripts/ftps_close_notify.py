"""STOR over FTPS ended two ways: with TLS close_notify, and with a bare TCP FIN (no RST, so every byte arrives).

usage: ftps_close_notify.py PASSWORD PORT USER
Prints "preliminary-MODE: reply" and "final-MODE: reply" for MODE in close_notify, fin_only.
"""
import ftplib, ssl, socket, sys
ctx = ssl.create_default_context(); ctx.check_hostname=False; ctx.verify_mode=ssl.CERT_NONE
f = ftplib.FTP_TLS(context=ctx); f.connect('127.0.0.1', int(sys.argv[2])); f.login(sys.argv[3], sys.argv[1]); f.prot_p(); f.voidcmd('TYPE I')
for mode in ('close_notify', 'fin_only'):
    port = int(f.sendcmd('EPSV').split('|')[3])
    raw = socket.create_connection(('127.0.0.1', port))
    f.putcmd('STOR ' + mode + '.bin'); print('preliminary-' + mode + ':', f.getline().strip())
    t = ctx.wrap_socket(raw, server_hostname='x')
    t.sendall(b'x' * 100000)
    if mode == 'close_notify':
        t.unwrap().close()
    else:
        plain = socket.socket(fileno=t.detach())
        plain.shutdown(socket.SHUT_WR)      # FIN without close_notify; no RST, so every byte arrives
        while plain.recv(65536):
            pass
        plain.close()
    print('final-' + mode + ':', f.getline().strip())
f.quit()
