"""The lines of a source file that hold a secret, found with Yelp's detect-secrets plugins, offline."""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.filters import heuristic
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.plugins.high_entropy_strings import HexHighEntropyString, HighEntropyStringsPlugin
from detect_secrets.plugins.keyword import (
    DENYLIST,
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    REGEX_BY_FILETYPE,
    KeywordDetector,
)
from detect_secrets.util.filetype import determine_file_type

logging.captureWarnings(False)  # detect-secrets' logger sends Python's warnings to logging on import: undo

LEFT_OUT = {"IPPublicDetector"}
"""detect-secrets plugins not used: a public IP address is not a credential."""
MIN_RANDOM = 20
"""The shortest high-entropy string taken for a key (shorter ones are test data, serials, short ids)."""
MIN_REPEAT = 8
"""A found value this long, and not a plain word, marks every other line that repeats it, too."""
DIGEST_NAME = re.compile(
    r"sha\d*|md5|blake2|digest|hash|checksum|crc\d*|etag|fingerprint|integrity|commit|revision", re.I
)
SECRET_NAME = re.compile(r"secret|key|token|passw|pwd|hmac|sign|salt|auth|cred|private|session|cookie", re.I)
_KEYWORD = re.compile("|".join(DENYLIST))
"""Any of the keyword plugin's words (matched in lowercased text: IGNORECASE is slow)."""
NAMED = {"CloudantDetector", "IbmCloudIamDetector", "IbmCosHmacDetector", "SoftlayerDetector"}
"""Plugins whose rules (detect-secrets 1.5.0) each need a word of ``_NAMED`` on the secret's line."""
_NAMED = re.compile("key|pw|pass|token|secret|cloudant|softlayer")
_PEM_END = re.compile(r"-----END |---- END |Private-MAC:")
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=]{16,}|^\s*$|^\s*[\"'`]*[A-Za-z-]+:\s")


class BearerTokenDetector(RegexBasedDetector):
    """An opaque ``Authorization: Bearer …`` token (JWTs are the plugin ``JwtTokenDetector``'s)."""

    secret_type = "Bearer Token"
    denylist = (re.compile(r"[Bb]earer(?<![A-Za-z0-9_][Bb]earer)[ \t]+([A-Za-z0-9._~+/-]{20,}=*)"),)


class SkOpenAIKeyDetector(RegexBasedDetector):
    """An ``sk-…`` API key of the newer OpenAI / Anthropic shapes, without the old ``T3BlbkFJ`` marker."""

    secret_type = "sk- API Key"
    denylist = (re.compile(r"sk-(?<![A-Za-z0-9_]sk-)(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}"),)


class EncryptedKeyDetector(RegexBasedDetector):
    """A PKCS#8 ``BEGIN ENCRYPTED PRIVATE KEY`` block, which ``PrivateKeyDetector`` does not list."""

    secret_type = "Private Key"
    denylist = (re.compile(r"BEGIN ENCRYPTED PRIVATE KEY"),)


def _plugins() -> list[BasePlugin]:
    found: Iterable[type[BasePlugin]] = get_mapping_from_secret_type_to_class().values()
    chosen = [cls() for cls in found if cls.__name__ not in LEFT_OUT]
    return [*chosen, BearerTokenDetector(), SkOpenAIKeyDetector(), EncryptedKeyDetector()]


PLUGINS = _plugins()


@dataclass(frozen=True)
class Secrets:
    """A file's secret lines (0-based), the lines of each kind of secret, and the values (never shown)."""

    lines: frozenset[int] = frozenset()
    kinds: tuple[tuple[str, int], ...] = ()
    values: frozenset[str] = field(default=frozenset(), repr=False)
    """The values of ``MIN_REPEAT`` characters or more that are not plain words (``password``): the others
    are hidden with their lines only."""

    def __bool__(self) -> bool:
        return bool(self.lines)

    def leaks(self, text: str) -> bool:
        """Whether ``text`` holds one of the values found."""
        return any(v in text for v in self.values)


def scan(text: str, path: str) -> Secrets:
    """The secrets of one file's text; ``path`` chooses the keyword rules of its language."""
    lines = text.split("\n")
    kinds: dict[str, set[int]] = {}
    found: dict[int, set[str]] = {}
    lower = text.lower().split("\n")  # lowercasing may change a line's length, never the lines
    keyword_lines = [n for n, line in enumerate(lower) if _KEYWORD.search(line)]
    named_lines = [n for n, line in enumerate(lower) if _NAMED.search(line)]
    for plugin in PLUGINS:
        numbers: Sequence[int] = range(len(lines))
        if isinstance(plugin, KeywordDetector):
            numbers = keyword_lines  # a whole-text pass of these regexes is slow; each needs a keyword
        elif type(plugin).__name__ in NAMED:
            numbers = named_lines
            if not any(_candidates(plugin, "\n".join(lines[n] for n in numbers), path)):
                continue
        elif not any(_candidates(plugin, text, path)):  # a whole-text pass first: most plugins find nothing
            continue
        for number in numbers:
            for value in _candidates(plugin, lines[number], path):
                if not _filtered(plugin, value, lines[number]):
                    found.setdefault(number, set()).add(value)
                    kinds.setdefault(plugin.secret_type, set()).add(number)
    if not found:
        return Secrets()
    values = {v for vs in found.values() for v in vs if len(v) >= MIN_REPEAT and not v.isalpha()}
    marked = set(found) | set(_key_bodies(lines, found)) | set(_repeats(text, values))
    counts = tuple(sorted((kind, len(numbers)) for kind, numbers in kinds.items()))
    return Secrets(frozenset(marked), counts, frozenset(values))


def _candidates(plugin: BasePlugin, text: str, path: str) -> Iterator[str]:
    """The plugin's raw finds in ``text``; ``analyze_string`` never verifies a secret over the network."""
    if isinstance(plugin, KeywordDetector):
        rules = REGEX_BY_FILETYPE.get(determine_file_type(path), QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)
        yield from plugin.analyze_string(text, denylist_regex_to_group=rules)
    elif isinstance(plugin, HighEntropyStringsPlugin):
        for value in plugin.analyze_string(text):
            if len(value) >= MIN_RANDOM and plugin.calculate_shannon_entropy(value) > plugin.entropy_limit:
                yield value
    else:
        yield from plugin.analyze_string(text)


def _filtered(plugin: BasePlugin, value: str, line: str) -> bool:
    """detect-secrets' own false-positive filters; for random-looking strings, alphabets and named digests."""
    if (
        heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_not_alphanumeric_string(value)
    ):
        return True
    if isinstance(plugin, RegexBasedDetector):
        return False
    if heuristic.is_likely_id_string(value, line, plugin):
        return True
    if isinstance(plugin, HighEntropyStringsPlugin) and _has_run(value):
        return True
    return (
        isinstance(plugin, HexHighEntropyString)
        and bool(DIGEST_NAME.search(line))
        and not SECRET_NAME.search(line)
    )


def _has_run(value: str, length: int = 6) -> bool:
    """Whether ``value`` holds a run like ``abcdef`` or ``012345``: an alphabet or test data, not a key."""
    run = 1
    for a, b in itertools.pairwise(value):
        run = run + 1 if ord(b) == ord(a) + 1 else 1
        if run >= length:
            return True
    return False


def _key_bodies(lines: list[str], found: dict[int, set[str]]) -> Iterator[int]:
    """The lines of each private key block after its BEGIN line, through its END line."""
    for start in found:
        if not re.search(r"BEGIN [A-Z0-9 ]*PRIVATE KEY|PuTTY-User-Key-File", lines[start]):
            continue
        if _PEM_END.search(lines[start]):
            continue
        for number in range(start + 1, len(lines)):
            if not _PEM_BODY.search(lines[number]) and not _PEM_END.search(lines[number]):
                break
            yield number
            if _PEM_END.search(lines[number]):
                break


def _repeats(text: str, values: Iterable[str]) -> Iterator[int]:
    """Every line that holds one of ``values``."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for value in values:
        at = text.find(value)
        while at >= 0:
            yield bisect.bisect_right(starts, at) - 1
            at = text.find(value, at + 1)


def byte_ranges(text: str, lines: Iterable[int]) -> list[tuple[int, int]]:
    """The UTF-8 byte ranges of ``lines`` (with their newlines), consecutive lines merged, in order."""
    starts, offset = [], 0
    for line in text.split("\n"):
        starts.append(offset)
        offset += len(line.encode("utf-8")) + 1
    starts.append(offset)
    ranges: list[tuple[int, int]] = []
    for number in sorted(lines):
        start, end = starts[number], starts[number + 1]
        if ranges and ranges[-1][1] == start:
            ranges[-1] = (ranges[-1][0], end)
        else:
            ranges.append((start, end))
    return ranges
