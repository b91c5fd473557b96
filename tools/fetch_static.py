#!/usr/bin/env python3
"""Vendor Bootstrap and htmx into django_nova's static files.

The files come from the npm registry through `npm pack` (npm's own registry
configuration, integrity checked against the pins below) and are written to
django_nova/static/django_nova/vendor/ with their licenses.  They are not kept
in git; setup.py runs this script at build time so every wheel carries them.
Idempotent: it does nothing when the files for the pinned versions are there.
"""

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "django_nova" / "static" / "django_nova" / "vendor"

# package spec -> (npm integrity, {path in tarball: vendored name})
PACKAGES = {
    "bootstrap@5.3.8": (
        "sha512-HP1SZDqaLDPwsNiqRqi5NcP0SSXciX2s9E+RyqJIIqGo+vJeN5AJVM98CXmW/Wux0nQ5L7jeWUdplCEf0Ee+tg==",
        {
            "package/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
            "package/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
            "package/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
            "package/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
            "package/LICENSE": "bootstrap/LICENSE",
        },
    ),
    "htmx.org@2.0.11": (
        "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        {
            "package/dist/htmx.min.js": "htmx/htmx.min.js",
            "package/LICENSE": "htmx/LICENSE",
        },
    ),
}
STAMP = VENDOR_DIR / "versions.json"
STAMP_VERSION = 2  # bump when the file lists above change


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def _fetch(spec: str, integrity: str, files: dict[str, str], workdir: Path) -> None:
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True,
    )
    tarball = workdir / json.loads(out.stdout)[0]["filename"]
    if _integrity(tarball) != integrity:
        raise SystemExit(f"fetch_static: integrity mismatch for {spec}")
    with tarfile.open(tarball) as archive:
        for member, target in files.items():
            source = archive.extractfile(member)
            if source is None:
                raise SystemExit(f"fetch_static: {member} missing from {spec}")
            dest = VENDOR_DIR / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(source.read())


def main() -> int:
    wanted = [STAMP_VERSION, *sorted(PACKAGES)]
    if STAMP.exists() and json.loads(STAMP.read_text()) == wanted:
        return 0
    if shutil.which("npm") is None:
        print("fetch_static: npm is needed once to vendor Bootstrap and htmx", file=sys.stderr)
        return 1
    shutil.rmtree(VENDOR_DIR, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec in sorted(PACKAGES):
            integrity, files = PACKAGES[spec]
            _fetch(spec, integrity, files, Path(tmp))
    STAMP.write_text(json.dumps(wanted))
    print(f"fetch_static: vendored {', '.join(sorted(PACKAGES))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
