#!/usr/bin/env python3
"""The peer: a plain SQLite outbox queue in Python with Herald's pragmas (WAL, synchronous FULL or
NORMAL for enqueues, NORMAL for claims and completions as Herald commits a delivery's
bookkeeping, foreign keys), the same operations (enqueue with a 10 KB message, claim 16 with
UPDATE ... RETURNING, complete each), one transaction per operation."""
import os
import sqlite3
import sys
import tempfile
import time

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
sync = sys.argv[2] if len(sys.argv) > 2 else "full"
path = os.path.join(tempfile.mkdtemp(), "q.sqlite")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute(f"PRAGMA synchronous={sync.upper()}")
db.execute("PRAGMA foreign_keys=ON")
db.executescript("""
CREATE TABLE outbox (id INTEGER PRIMARY KEY, tenant TEXT, kind TEXT, priority INT, status TEXT, message_id TEXT,
  message BLOB, created REAL, next_attempt REAL, lease_owner TEXT, lease_until REAL, attempts INT DEFAULT 0);
CREATE INDEX outbox_due ON outbox(status, priority, next_attempt);
CREATE TABLE recipient (outbox_id INT REFERENCES outbox(id) ON DELETE CASCADE, address TEXT, status TEXT, reply TEXT,
  PRIMARY KEY (outbox_id, address));
CREATE TABLE attempt (id INTEGER PRIMARY KEY, outbox_id INT REFERENCES outbox(id), recipient TEXT, at REAL, outcome TEXT, reply TEXT);
""")
message = (("x" * 71 + "\r\n") * 140).encode()
t = time.perf_counter()
for i in range(count):
    db.execute("BEGIN IMMEDIATE")
    cur = db.execute("INSERT INTO outbox (tenant, kind, priority, status, message_id, message, created, next_attempt) VALUES (?,?,?,?,?,?,?,?)",
                     (f"t{i % 100}", "report", 2, "queued", f"id{i}@example.com", message, time.time(), time.time()))
    db.execute("INSERT INTO recipient VALUES (?,?,?,NULL)", (cur.lastrowid, "sink@example.com", "pending"))
    db.execute("COMMIT")
enqueue = time.perf_counter() - t
# Herald's policy with durability full: accepting a mail waits for the disk, a delivery's
# bookkeeping (claims, completions) does not; the same here.
db.execute("PRAGMA synchronous=NORMAL")
t = time.perf_counter()
done = 0
while True:
    db.execute("BEGIN IMMEDIATE")
    now = time.time()
    rows = db.execute("""UPDATE outbox SET status='sending', lease_owner='bench', lease_until=? WHERE id IN
        (SELECT id FROM outbox WHERE status IN ('queued','retrying') AND next_attempt <= ? ORDER BY priority, next_attempt, id LIMIT 16)
        RETURNING id""", (now + 300, now)).fetchall()
    db.execute("COMMIT")
    if not rows:
        break
    for (oid,) in rows:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO attempt (outbox_id, recipient, at, outcome, reply) VALUES (?,?,?,?,?)", (oid, "sink@example.com", time.time(), "accepted", "250 ok"))
        db.execute("UPDATE recipient SET status='accepted', reply='250 ok' WHERE outbox_id=?", (oid,))
        db.execute("UPDATE outbox SET status='sent', attempts=attempts+1, lease_owner=NULL WHERE id=? AND lease_owner='bench'", (oid,))
        db.execute("COMMIT")
        done += 1
claim = time.perf_counter() - t
print(f"python sqlite {sync}: enqueue {count / enqueue:.0f}/s, claim+complete {done / claim:.0f}/s ({done} entries)")
