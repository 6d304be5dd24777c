"""Run an untrusted Python program in the strongest isolation this machine allows (``run_program``)."""

from __future__ import annotations

from ghostline.sandbox import spawn
from ghostline.sandbox.isolation import Isolation, isolation, probe, protections
from ghostline.sandbox.limits import Limits, RunResult

__all__ = ["Isolation", "Limits", "RunResult", "isolation", "probe", "protections", "run_program"]


def run_program(source: str, limits: Limits | None = None, using: Isolation | None = None) -> RunResult:
    """Run ``source`` as a fresh ``main.py`` under every protection available (``protections`` lists them).

    ``using`` picks the isolation (one that ``probe`` found working); by default the strongest one here.
    The result says which isolation was in force.
    """
    iso = using or isolation()
    return spawn.execute(iso.kind, source, limits or Limits(), iso.memory_cgroup or iso.pids_cgroup)
