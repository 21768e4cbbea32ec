#!/usr/bin/env python3
"""Parses messages with Python's email package (policy.default), an independent MIME parser,
and prints what it found as JSON: one object per file given on the command line."""
import email
import email.policy
import hashlib
import json
import sys


def describe(path):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    lines = raw.split(b"\r\n")
    defects = [type(d).__name__ for d in msg.defects]
    attachments, inline, texts, types = [], [], {}, []
    for part in msg.walk():
        defects += [type(d).__name__ for d in part.defects]
        types.append(part.get_content_type())
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        if disposition == "attachment" or (disposition == "inline" and part.get_content_maintype() != "text"):
            payload = part.get_payload(decode=True)
            entry = {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "sha256": hashlib.sha256(payload).hexdigest(),
                "size": len(payload),
                "content_id": part.get("Content-ID"),
            }
            (attachments if disposition == "attachment" else inline).append(entry)
        elif part.get_content_maintype() == "text":
            texts[part.get_content_subtype()] = part.get_content().replace("\r\n", "\n")

    def mailboxes(name):
        header = msg.get(name)
        if header is None:
            return None
        return [{"name": a.display_name, "addr": a.addr_spec} for a in header.addresses]

    return {
        "defects": defects,
        "subject": msg.get("Subject"),
        "from": mailboxes("From"),
        "to": mailboxes("To"),
        "cc": mailboxes("Cc"),
        "reply_to": mailboxes("Reply-To"),
        "has_bcc": "Bcc" in msg,
        "message_id": msg.get("Message-ID"),
        "in_reply_to": msg.get("In-Reply-To"),
        "references": msg.get("References"),
        "date": msg.get("Date"),
        "extra": {k: str(v) for k, v in msg.items() if k.lower() in ("auto-submitted", "list-unsubscribe", "x-herald-test")},
        "content_types": types,
        "texts": texts,
        "attachments": attachments,
        "inline": inline,
        "max_line": max(len(l) for l in lines),
        "max_header_line": max(len(l) for l in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
        "bare_cr": b"\r" in raw.replace(b"\r\n", b""),
        "eight_bit": any(b > 127 for b in raw),
    }


print(json.dumps([describe(p) for p in sys.argv[1:]]))
