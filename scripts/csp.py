#!/usr/bin/env python3
"""trunk post_build hook (Trunk.toml): finishes the Content-Security-Policy of the built
index.html in trunk's staging directory.

* connect-src: 'self' covers every source behind the same-origin proxies (the recommended
  setup, and the only one for Huawei's APIs, which answer no CORS preflights). A source with an
  absolute http(s) URL on another origin needs that origin (and its ws/wss twin, for Buildbot's
  websocket) in connect-src; they are read from the config.json being shipped. A deployment
  that later swaps in a config.json with other origins must rebuild (or edit the meta by hand).
* The policy forbids inline script; this fails the build if trunk (or anyone) put one in, rather
  than shipping a page that silently does not start.
"""
import json
import os
import pathlib
import re
import sys
from urllib.parse import urlsplit

staging = pathlib.Path(os.environ.get("TRUNK_STAGING_DIR") or sys.argv[1])
html_path = staging / "index.html"
html = html_path.read_text(encoding="utf-8")

inline = [m.group(0) for m in re.finditer(r"<script\b[^>]*>", html, re.I) if not re.search(r"\bsrc\s*=", m.group(0), re.I)]
if inline:
    sys.exit(f"csp.py: inline script in {html_path} (the CSP forbids it): {inline}")
if re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.I):
    sys.exit(f"csp.py: inline event handler attribute in {html_path} (the CSP forbids it)")

origins = []
config = staging / "config.json"
if config.exists():
    try:
        sources = json.loads(config.read_text(encoding="utf-8")).get("sources", [])
    except (ValueError, AttributeError):
        sources = []  # the app itself reports a malformed config, naming the field
    for src in sources if isinstance(sources, list) else []:
        url = urlsplit(str(src.get("url", "")) if isinstance(src, dict) else "")
        # Only a plain host[:port] may go into the policy: anything else could break out of it.
        if url.scheme in ("http", "https") and re.fullmatch(r"[A-Za-z0-9.\-]+(:[0-9]+)?", url.netloc):
            ws = "wss" if url.scheme == "https" else "ws"
            for origin in (f"{url.scheme}://{url.netloc}", f"{ws}://{url.netloc}"):
                if origin not in origins:
                    origins.append(origin)

marker = "connect-src 'self'"
if marker not in html:
    sys.exit(f"csp.py: no \"{marker}\" in the CSP of {html_path}")
if origins:
    html = html.replace(marker, " ".join([marker, *origins]), 1)
    html_path.write_text(html, encoding="utf-8")
print(f"csp.py: connect-src 'self'{''.join(' ' + o for o in origins)}; no inline script")
