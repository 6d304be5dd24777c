"""``ghostline doctor``: what this machine offers a model, and the model ``auto`` picks (none is loaded)."""

from __future__ import annotations

import argparse
import json
import platform
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ghostline import config
from ghostline.model import choice, hardware, registry

GIB = hardware.GIB


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``doctor``."""
    p = sub.add_parser(
        "doctor", help="cores, memory, GPU offload, llama.cpp build, models, sandbox; the model auto picks"
    )
    p.add_argument("--json", action="store_true", help="print the findings as one JSON object")


def build_flags(system_info: str) -> list[str]:
    """The features a llama.cpp build reports as on (``AVX2 = 1``), in its order."""
    flags = []
    for part in system_info.split("|"):
        key, _, value = part.rpartition(":")[2].partition("=")
        if value.strip() == "1" and key.strip():
            flags.append(key.strip())
    return flags


def _sandbox() -> dict[str, Any]:
    from ghostline import sandbox

    try:
        iso = sandbox.isolation()
    except Exception as exc:  # noqa: BLE001 - the doctor reports, it never fails on one probe
        return {"kind": "unknown", "works": False, "reason": f"{type(exc).__name__}: {exc}"}
    return asdict(iso)


def findings() -> dict[str, Any]:
    """Everything the doctor reports, as plain data (the ``--json`` object)."""
    hw = hardware.probe()
    chosen = choice.choose(hw, config.ModelSettings(name=choice.AUTO))
    return {
        "platform": hw.platform,
        "python": platform.python_version(),
        "cores": {
            "physical": hw.physical_cores,
            "logical": hw.logical_cores,
            "usable": hw.usable_cpus,
            "cgroup_quota": hw.cpu_quota,
            "for_model": hw.cores,
        },
        "memory": {
            "available_bytes": hw.memory_available,
            "total_bytes": hw.memory_total,
            "cgroup_limit_bytes": hw.cgroup_memory_limit,
        },
        "gpu": {"offload_supported": hw.gpu_offload, "device": hw.gpu_device, "usable": hw.gpu},
        "llama_cpp": {
            "version": hw.llama_cpp_version,
            "system_info": hw.system_info,
            "flags": build_flags(hw.system_info),
        },
        "models": {
            "dir": str(registry.models_dir()),
            "downloaded": [{"name": name, "bytes": size} for name, size in hw.downloaded.items()],
        },
        "sandbox": _sandbox(),
        "choice": {"setting": choice.AUTO, "name": chosen.name, "reason": chosen.reason},
        "adapter": _adapter(),
    }


def _adapter() -> dict[str, Any] | None:
    """The workspace's own adapter (this folder's ``.ghostline/adapter.gguf``) and what it learned from."""
    from ghostline.model.adapter_record import read_record, workspace_adapter

    found = workspace_adapter(Path.cwd())
    if found is None:
        return None
    record = read_record(found) or {}
    return {
        "path": str(found),
        "base": record.get("base"),
        "trained": record.get("trained"),
        "definitions": len(record.get("definitions", [])),
    }


def _gib(value: int | None) -> str:
    return "unknown" if value is None else f"{value / GIB:.1f} GiB"


def _text(found: dict[str, Any]) -> list[str]:
    cores, memory, gpu, llama = found["cores"], found["memory"], found["gpu"], found["llama_cpp"]
    quota = cores["cgroup_quota"]
    memory_limit = memory["cgroup_limit_bytes"]
    if gpu["usable"]:
        gpu_line = f"yes: {gpu['device']}"
    elif gpu["offload_supported"]:
        gpu_line = "no: this llama.cpp build offloads, but no GPU is visible"
    else:
        seen = f" ({gpu['device']} is here)" if gpu["device"] else ""
        gpu_line = f"no: this llama-cpp-python build has no GPU offload{seen}"
    lines = [
        f"platform:     {found['platform']}, Python {found['python']}",
        f"cores:        {cores['physical']} physical, {cores['logical']} logical, {cores['usable']} usable"
        + (f", cgroup quota {quota:g}" if quota is not None else ", no cgroup CPU quota")
        + f"; {cores['for_model']} for the model",
        f"memory:       {_gib(memory['available_bytes'])} available of {_gib(memory['total_bytes'])}"
        + (f" (cgroup limit {_gib(memory_limit)})" if memory_limit is not None else ""),
        f"GPU offload:  {gpu_line}",
        f"llama.cpp:    llama-cpp-python {llama['version'] or 'not importable'}"
        + (f"; {' '.join(llama['flags'])}" if llama["flags"] else ""),
        f"models:       {found['models']['dir']}",
    ]
    listed = found["models"]["downloaded"]
    lines += [f"  {m['name']:<40} {m['bytes'] / 1e6:7.0f} MB" for m in listed] or ["  (none downloaded)"]
    box = found["sandbox"]
    protected = ", ".join(
        what
        for what, on in (
            ("namespaces", box.get("namespaces")),
            ("memory cgroup", box.get("memory_cgroup")),
            ("pids cgroup", box.get("pids_cgroup")),
        )
        if on
    )
    detail = f" ({box['detail']})" if box.get("detail") else ""
    lines.append(f"sandbox:      {box['kind']}{detail}: {protected or 'no isolation'}")
    if box.get("reason"):
        lines.append(f"  {box['reason']}")
    picked = found["choice"]
    lines += [f"model.name = {picked['setting']} -> {picked['name']}", f"  {picked['reason']}"]
    own = found["adapter"]
    if own is None:
        lines.append(
            "adapter:      none in this workspace (.ghostline/adapter.gguf; or the setting model.adapter)"
        )
    else:
        learned = f"for {own['base']}, trained {own['trained']} on {own['definitions']:,} definitions"
        lines.append(f"adapter:      {own['path']} ({learned if own['base'] else 'no training record'})")
    return lines


def run(args: argparse.Namespace) -> int:
    """Print the findings (text, or JSON with ``--json``); always 0."""
    found = findings()
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        sys.stdout.write("\n".join(_text(found)) + "\n")
    return 0
