#!/usr/bin/env python3
"""Reads a report mail as its reader's client would: prints JSON with the text part (Python's
email package) and the text of each PDF attachment (poppler's pdftotext)."""
import email
import email.policy
import json
import subprocess
import sys
import tempfile


def main():
    msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
    out = {"text": None, "pdfs": []}
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "text/plain" and part.get_content_disposition() != "attachment":
            out["text"] = part.get_content().replace("\r\n", "\n")
        elif part.get_content_type() == "application/pdf":
            with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                f.write(part.get_payload(decode=True))
                f.flush()
                text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True).stdout.decode()
            out["pdfs"].append({"filename": part.get_filename(), "text": text})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
