"""Starts a command the way systemd socket activation does (sd_listen_fds(3)).

usage: socket_activate.py ADDRESS PORT COMMAND [ARGS...]
Binds and listens on ADDRESS:PORT, puts the socket at descriptor 3, sets LISTEN_FDS=1 and
LISTEN_PID to this process's pid, then execs COMMAND, which keeps the pid.
"""
import os
import socket
import sys

address, port, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
listener = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((address, port))
listener.listen(16)
if listener.fileno() != 3:
    os.dup2(listener.fileno(), 3)
    listener.close()
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
os.execvp(command[0], command)
