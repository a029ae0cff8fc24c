#!/usr/bin/env python3
"""Real reports while many connections trickle: opens CONNECTIONS sockets to the intake, each sending a report's
head and then one body byte a second (never finishing), and while they are held sends REPORTS real reports, each
on a connection of its own, one after the other; prints each report's answer time, the slowest, and how many
trickling connections the intake still held at the end. Exits 1 if a report was not answered 303 (stored, see the confirmation) within 2 s.
Usage: trickle.py PORT [CONNECTIONS] [REPORTS]"""
import select
import socket
import sys
import time
import urllib.parse

port = int(sys.argv[1])
connections = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
reports = int(sys.argv[3]) if len(sys.argv) > 3 else 20

head = (
    "POST /report HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "Content-Length: 100000\r\n\r\n"
).encode()
form = urllib.parse.urlencode(
    {"lang": "ru", "reporter": "student-self", "what": "bullying", "where": "school", "when": "this-week",
     "danger": "no", "text": "Меня толкают на перемене, я боюсь идти в школу."}
).encode()
real = (
    "POST /report HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    f"Content-Length: {len(form)}\r\nConnection: close\r\n\r\n"
).encode() + form

held = []
for _ in range(connections):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head)
    s.setblocking(False)
    held.append(s)


def trickle():
    """One byte to each connection still open; returns how many are."""
    alive = []
    for s in held:
        try:
            readable, _, _ = select.select([s], [], [], 0)
            if readable and s.recv(1) == b"":
                s.close()
                continue
            s.send(b"a")
            alive.append(s)
        except OSError:
            s.close()
    held[:] = alive
    return len(alive)


print(f"holding {trickle()} trickling connections")
worst = 0.0
failed = 0
last = time.monotonic()
for index in range(reports):
    if time.monotonic() - last >= 1:
        trickle()
        last = time.monotonic()
    start = time.monotonic()
    answer = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(real)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
    except OSError as error:
        answer = str(error).encode()
    elapsed = time.monotonic() - start
    worst = max(worst, elapsed)
    ok = answer.startswith(b"HTTP/1.1 303") and elapsed <= 2
    failed += 0 if ok else 1
    print(f"report {index + 1}: {answer[:12].decode(errors='replace')!r} in {elapsed * 1000:.1f} ms")
    time.sleep(0.5)
print(f"slowest report: {worst * 1000:.1f} ms; trickling connections still held: {trickle()}; failed: {failed}")
sys.exit(1 if failed else 0)
