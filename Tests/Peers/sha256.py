#!/usr/bin/env python3
"""Prints the SHA-256 of standard input (an independent check of attachment bytes)."""
import hashlib
import sys

print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())
