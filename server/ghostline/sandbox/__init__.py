"""The sandbox: untrusted Python (code a model wrote) run in a subprocess with every isolation this OS allows.

A leaf of the package: it imports nothing from Ghostline. ``run_program`` runs a source and says how it
ended; ``protections`` says what is enforced here; ``isolation`` which kind is used (bubblewrap, the
launcher's own namespaces, or none). SECURITY.md at the repository root describes it.
"""

from ghostline.sandbox.run import Isolation, Limits, RunResult, isolation, probe, protections, run_program

__all__ = ["Isolation", "Limits", "RunResult", "isolation", "probe", "protections", "run_program"]
