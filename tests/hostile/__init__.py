"""Hostile inputs (issue 11): generated at test time, each run by `zhibiao ingest` in a bounded subprocess."""
