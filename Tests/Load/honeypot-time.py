#!/usr/bin/env python3
"""Answer times of real reports and honeypot catches, alternating, each on a connection of its own, against an
intake already running on PORT (issue 13 §4: a honeypot catch must not be told apart by its speed). Prints the
median and the 90th percentile of each. Usage: honeypot-time.py PORT [ROUNDS]"""
import socket
import statistics
import sys
import time
import urllib.parse

port = int(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 100


def post(fields):
    body = urllib.parse.urlencode(fields).encode()
    request = (
        "POST /report HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 303"), answer[:40]
    return (time.monotonic() - start) * 1000, len(answer)


real = {"lang": "kk", "reporter": "student-self", "what": "bullying", "where": "school", "when": "today",
        "danger": "no", "text": "Сыныптастарым мені мазақтайды, мектепке барғым келмейді.", "website": ""}
bot = dict(real, website="http://spam.example")
times = {"real": [], "honeypot": []}
sizes = {"real": set(), "honeypot": set()}
for _ in range(rounds):
    for name, fields in (("real", real), ("honeypot", bot)):
        elapsed, size = post(fields)
        times[name].append(elapsed)
        sizes[name].add(size)
for name in times:
    ordered = sorted(times[name])
    print(f"{name}: median {statistics.median(ordered):.2f} ms, p90 {ordered[int(len(ordered) * 0.9)]:.2f} ms, "
          f"response bytes {sorted(sizes[name])}")
