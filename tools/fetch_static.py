#!/usr/bin/env python3
"""Vendor Bootstrap and htmx into django_nova's static files.

The files come from the npm registry through `npm pack` (npm's own registry
configuration, integrity checked against the pins below) and are written to
django_nova/static/django_nova/vendor/ with their licenses.  They are not kept
in git; setup.py runs this script before building an sdist or a wheel, and the
sdist carries the files, so a wheel built from it needs neither npm nor a
network.

Idempotent: when every vendored file is present with its pinned sha256 it
fetches nothing (and removes stray files, so the folder holds exactly the
pinned set).  With --offline, or NOVA_FETCH_STATIC_OFFLINE=1 in the
environment, it fails loudly instead of fetching.
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "django_nova" / "static" / "django_nova" / "vendor"
OFFLINE_VARIABLE = "NOVA_FETCH_STATIC_OFFLINE"

# package spec -> (npm integrity of the tarball,
#                  {path in tarball: (vendored name, sha256 of the file)})
PACKAGES = {
    "bootstrap@5.3.8": (
        "sha512-HP1SZDqaLDPwsNiqRqi5NcP0SSXciX2s9E+RyqJIIqGo+vJeN5AJVM98CXmW/Wux0nQ5L7jeWUdplCEf0Ee+tg==",
        {
            "package/dist/css/bootstrap.min.css": (
                "bootstrap/bootstrap.min.css",
                "d85327d99c7a3ee1f9b5d0500d1370acea3ad2db39c163c2f51f232baedbdede"),
            "package/dist/css/bootstrap.min.css.map": (
                "bootstrap/bootstrap.min.css.map",
                "48144faf6aa0fb3cd2ce748d9730238f888f4ab715f05dabd1c9af2c5671988a"),
            "package/dist/js/bootstrap.bundle.min.js": (
                "bootstrap/bootstrap.bundle.min.js",
                "e4fd49181388c48ec5040bd3fe66f57c29c8e67fcd8502b3354b96ec7ab47cc7"),
            "package/dist/js/bootstrap.bundle.min.js.map": (
                "bootstrap/bootstrap.bundle.min.js.map",
                "c61123e58cc0a4b65d737ba070c485911b3dbec6d7b802bdf6628395abd9c08b"),
            "package/LICENSE": (
                "bootstrap/LICENSE",
                "4620c84ad5ce8602ff65640ed6b7c8b78ebb9e036584f0ebc1ccc88206a4bb51"),
        },
    ),
    "htmx.org@2.0.11": (
        "sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==",
        {
            "package/dist/htmx.min.js": (
                "htmx/htmx.min.js",
                "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"),
            "package/LICENSE": (
                "htmx/LICENSE",
                "d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38"),
        },
    ),
}


# What only the tests use, vendored beside them (tests/vendor/, not in git, not packaged):
# axe-core, which the browser tests run on every page.
TESTS_VENDOR_DIR = ROOT / "tests" / "vendor"
TEST_PACKAGES = {
    "axe-core@4.14.1": (
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        {
            "package/axe.min.js": (
                "axe-core/axe.min.js",
                "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"),
            "package/LICENSE": (
                "axe-core/LICENSE",
                "af175b9d96ee93c21a036152e1b905b0b95304d4ae8c2c921c7609100ba8df7e"),
        },
    ),
}


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pinned_files(packages=PACKAGES) -> dict[str, str]:
    """Every vendored file (relative to its vendor folder) and its pinned sha256."""
    return {target: sha256 for _, files in packages.values()
            for target, sha256 in files.values()}


def mismatches(packages=PACKAGES, vendor_dir=VENDOR_DIR) -> list[str]:
    """The pinned files that are missing or differ from their pin."""
    return [name for name, sha256 in sorted(pinned_files(packages).items())
            if not (vendor_dir / name).is_file() or _sha256(vendor_dir / name) != sha256]


def _remove_strays(packages, vendor_dir) -> None:
    """Leave only the pinned files in the vendor folder (e.g. an older version stamp)."""
    wanted = set(pinned_files(packages))
    for path in sorted(vendor_dir.rglob("*"), reverse=True):
        relative = path.relative_to(vendor_dir).as_posix()
        if path.is_dir():
            if not any(path.iterdir()):
                path.rmdir()
        elif relative not in wanted:
            path.unlink()


def _fetch(spec: str, integrity: str, files: dict[str, tuple[str, str]], workdir: Path,
           vendor_dir: Path) -> None:
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True, capture_output=True, text=True,
    )
    tarball = workdir / json.loads(out.stdout)[0]["filename"]
    if _integrity(tarball) != integrity:
        raise SystemExit(f"fetch_static: integrity mismatch for {spec}")
    with tarfile.open(tarball) as archive:
        for member, (target, sha256) in files.items():
            source = archive.extractfile(member)
            if source is None:
                raise SystemExit(f"fetch_static: {member} missing from {spec}")
            data = source.read()
            if hashlib.sha256(data).hexdigest() != sha256:
                raise SystemExit(f"fetch_static: {member} of {spec} differs from its pin")
            dest = vendor_dir / target
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline", action="store_true",
                        help=f"fail instead of fetching (also: {OFFLINE_VARIABLE}=1)")
    parser.add_argument("--tests", action="store_true",
                        help="vendor what the tests use (axe-core) into tests/vendor/ instead")
    args = parser.parse_args(argv)
    offline = args.offline or os.environ.get(OFFLINE_VARIABLE, "") not in ("", "0")
    packages, vendor_dir = ((TEST_PACKAGES, TESTS_VENDOR_DIR) if args.tests
                            else (PACKAGES, VENDOR_DIR))

    if not mismatches(packages, vendor_dir):
        _remove_strays(packages, vendor_dir)
        return 0
    if offline:
        print(f"fetch_static: offline, but these vendored files are missing or differ from "
              f"their pins: {', '.join(mismatches(packages, vendor_dir))}", file=sys.stderr)
        return 1
    if shutil.which("npm") is None:
        print(f"fetch_static: npm is needed once to vendor {', '.join(sorted(packages))}",
              file=sys.stderr)
        return 1
    shutil.rmtree(vendor_dir, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec in sorted(packages):
            integrity, files = packages[spec]
            _fetch(spec, integrity, files, Path(tmp), vendor_dir)
    print(f"fetch_static: vendored {', '.join(sorted(packages))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
