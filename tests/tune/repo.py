"""A small real repository for the tuning tests: a pinned slice of the Python standard library, with traps."""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SLICE = ("json", "difflib.py", "textwrap.py", "colorsys.py")
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n"
)
JWT = (
    "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiY2ktYm90IiwgImlhdCI6IDE3MDAwMDAwMDB9"
    ".9CVztxbrx9wrvl2Vcl4V97OpohudylaEg_7SfsTAJJ8"
)
PLANTED = {
    # kind: (file, the secret that must never leave the machine, the code that holds it)
    "postgres-url": (
        "textwrap.py",
        "Pg-Tr0ub4dor-and-3",
        "{name} = 'postgres://admin:{secret}@db.internal/app'",
    ),
    "mongodb-url": (
        "textwrap.py",
        "M0ngo-c0rrect-h0rse",
        '{name} = "mongodb://root:{secret}@mongo.internal/admin"',
    ),
    "hmac-hex": (
        "difflib.py",
        "97657e10a6cf98261071859e110f6e4bad30f584f9d325c1cead1e4704486afc",
        "def _sign(body):\n    return hmac.new(bytes.fromhex('{secret}'), body, 'sha256').hexdigest()",
    ),
    "bearer-jwt": (
        "difflib.py",
        JWT,
        "def _fetch(s, url):\n    return s.get(url, headers={{'Authorization': 'Bearer {secret}'}})",
    ),
    "github-token": ("colorsys.py", "ghp_ddiFBjv7zQZEJNzy9gAaaaIGQY3pikLLO9Ey", '{name} = "{secret}"'),
    "slack-token": (
        "colorsys.py",
        "xoxb-2048331907-4459082135-0om5o0ndct6eohhpmq2xgi4h",
        "{name} = '{secret}'",
    ),
    "basic-auth-url": (
        "json/encoder.py",
        "Hook-pa55-w0rd",
        '{name} = "https://deploy:{secret}@ci.example.com/"',
    ),
    "base64-secret": (
        "json/encoder.py",
        "UdtnIHHotFXEl3GoItDRvAha8iAIUmsv6DM6cx7C",
        "session_secret = '{secret}'",
    ),
    "hex-signing-key": (
        "json/decoder.py",
        "b661b777d5cc50a203c058799d15a55031cacc4427ccd9f7ae63f57783ff1bdf",
        'signing_key = "{secret}"',
    ),
    "js-postgres-url": (
        "client.js",
        "Js-Pg-pa55w0rd",
        'const DATABASE_URL = "postgres://app:{secret}@db/app";',
    ),
    "js-hmac-hex": (
        "client.js",
        "0a1b7a8738ad112f5e5809d53def41e8e3c80e6f33834964626852a14ea3e3f9",
        'const WEBHOOK_SECRET = "{secret}";',
    ),
    "js-bearer": (
        "client.js",
        "qCDbJAH1cYik-eQSXrCN4jDCoHAzeGmQF9__iURv",
        'const AUTH = "Authorization: Bearer {secret}";',
    ),
    "js-github-token": ("client.js", "ghp_uJloHdOXYHkApgYoMsJCIWUMFk4NSJWRkznf", "const token = '{secret}';"),
}
"""Secrets planted in the slice's own files and in a JavaScript file, above or inside ordinary code."""
CLIENT_JS = """/** A small HTTP client. */

{secrets}

/**
 * Join a base URL and a path with exactly one slash.
 */
function joinUrl(base, path) {{
  const left = base.endsWith("/") ? base.slice(0, -1) : base;
  const right = path.startsWith("/") ? path.slice(1) : path;
  return left + "/" + right;
}}

/**
 * The query string of an object's entries, sorted by key.
 */
function queryString(params) {{
  const keys = Object.keys(params).sort();
  const parts = keys.map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(params[k]));
  return parts.length ? "?" + parts.join("&") : "";
}}

/**
 * Retry an async call up to a number of times, doubling the delay.
 */
async function retry(call, times, delay) {{
  for (let i = 0; i < times - 1; i++) {{
    try {{
      return await call();
    }} catch (err) {{
      await new Promise((resolve) => setTimeout(resolve, delay * 2 ** i));
    }}
  }}
  return call();
}}

module.exports = {{ joinUrl, queryString, retry }};
"""
LOOKALIKES = '''"""Constants that look random and are not secrets: a digest, a UUID, colours, an alphabet."""

import hashlib

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SCHEMA_ID = "123e4567-e89b-12d3-a456-426614174000"
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"


def is_empty_digest(data):
    """Whether data is the empty byte string, by its SHA-256."""
    return hashlib.sha256(data).hexdigest() == EMPTY_SHA256


def colour(index):
    """The palette colour for an index, cycling."""
    return PALETTE[index % len(PALETTE)]
'''
"""Ordinary code whose constants look random: no line of it may be taken for a secret."""


def make_repo(root: Path) -> Path:
    """Copy the slice and plant files that must never become examples, and secrets in ordinary files."""
    for name in SLICE:
        source = STDLIB / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    (root / ".gitignore").write_text("ignored/\n*.log\n")
    (root / "settings_local.py").write_text(
        f'AWS_ACCESS_KEY_ID = "{AWS_KEY}"\n\n\ndef region():\n    return "eu"\n'
    )
    (root / "deploy.py").write_text(f'KEY = """{PRIVATE_KEY}"""\n\n\ndef key():\n    return KEY\n')
    (root / "tokens.py").write_text(
        'TOKEN = "q8Zx3LmV0pRt7YwK2nBc9HsJ4dFg6AeUqTz1XoWv"\n\n\ndef token():\n    return TOKEN\n'
    )
    (root / ".env").write_text(f"AWS_ACCESS_KEY_ID={AWS_KEY}\n")
    (root / "id_rsa").write_text(PRIVATE_KEY)
    (root / "ignored").mkdir()
    (root / "ignored" / "creds.py").write_text('def password():\n    return "hunter2-but-longer"\n')
    (root / "vendor").mkdir()
    shutil.copy(STDLIB / "colorsys.py", root / "vendor" / "colorsys_vendored.py")
    (root / "messages_pb2.py").write_text(
        "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n\n\ndef build():\n    return 1\n"
    )
    (root / "bundle.min.js").write_text("function a(b){return b+1}" * 40 + "\n")
    scanner = (root / "json" / "scanner.py").read_text()
    (root / "json" / "scanner_copy.py").write_text("# a copy kept by mistake\n" + scanner)
    plant_secrets(root)
    (root / "lookalikes.py").write_text(LOOKALIKES)
    return root


def plant_secrets(root: Path) -> None:
    """Write each of ``PLANTED`` into its file: in Python above the first top-level definition."""
    by_file: dict[str, list[str]] = {}
    for kind, (name, secret, code) in PLANTED.items():
        constant = kind.upper().replace("-", "_")
        by_file.setdefault(name, []).append(code.format(name=constant, secret=secret))
    for name, codes in by_file.items():
        if name.endswith(".js"):
            (root / name).write_text(CLIENT_JS.format(secrets="\n".join(codes)))
            continue
        lines = (root / name).read_text().splitlines(keepends=True)
        at = next(i for i, line in enumerate(lines) if line.startswith(("def ", "class ")))
        lines[at:at] = [code + "\n\n\n" for code in codes]
        (root / name).write_text("".join(lines))
