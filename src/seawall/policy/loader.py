"""Load a policy file: parse YAML, validate, hash — and when it is wrong, say where.

Errors name the file, the line and the field (``policy.yaml:12: surfaces.input.rules.0.threshold:
Input should be less than or equal to 1``), because a safety engineer editing YAML at 2 a.m.
should not have to guess.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from seawall.policy.schema import Policy

DEFAULT_POLICY_NAME = "default.yaml"


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """One thing wrong with a policy file."""

    line: int | None
    field: str
    message: str


class PolicyError(ValueError):
    """A policy file that cannot be used, with every problem found and where it is."""

    def __init__(self, source: str, problems: list[PolicyProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self._render())

    def _render(self) -> str:
        lines = []
        for p in self.problems:
            where = f"{self.source}:{p.line}" if p.line else self.source
            field = f" {p.field}:" if p.field else ""
            lines.append(f"{where}:{field} {p.message}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """A validated policy, where it came from, and the hash every decision records."""

    policy: Policy
    source: str
    hash: str

    @property
    def short_hash(self) -> str:
        return self.hash.removeprefix("sha256:")[:12]


def policy_hash(policy: Policy) -> str:
    """Content hash of the *validated* policy: comments and formatting do not change it,
    any setting that can change a decision does."""
    canonical = json.dumps(policy.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


BUILTIN_PREFIX = "builtin:"


def default_policy_path() -> Path:
    """The policy shipped with the package (used when no policy is given)."""
    return Path(str(files("seawall.policy").joinpath(DEFAULT_POLICY_NAME)))


def builtin_policy_path(name: str) -> Path:
    """A policy shipped with the package, by name: ``default`` or ``all-models``."""
    return Path(str(files("seawall.policy").joinpath(f"{name}.yaml")))


def load_policy(path: str | Path | None = None) -> LoadedPolicy:
    """Load and validate a policy file; ``None`` loads the shipped default policy and
    ``builtin:<name>`` another shipped one (``builtin:all-models``: every lite model on)."""
    if path is not None and str(path).startswith(BUILTIN_PREFIX):
        target = builtin_policy_path(str(path).removeprefix(BUILTIN_PREFIX))
    else:
        target = Path(path) if path is not None else default_policy_path()
    source = str(target)
    try:
        raw = target.read_bytes()
    except OSError as exc:
        raise PolicyError(
            source, [PolicyProblem(None, "", f"cannot read: {exc.strerror}")]
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = PolicyProblem(None, "", f"not UTF-8 (byte {exc.start}): save the file as UTF-8")
        raise PolicyError(source, [problem]) from exc
    return parse_policy(text, source)


def parse_policy(text: str, source: str = "<policy>") -> LoadedPolicy:
    """Validate policy YAML given as a string (``source`` names it in errors)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        message = f"invalid YAML: {exc.problem or exc}"
        raise PolicyError(source, [PolicyProblem(line, "", message)]) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(source, [PolicyProblem(None, "", f"invalid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        kind = "empty" if data is None else type(data).__name__
        problem = PolicyProblem(1, "", f"a policy must be a mapping at the top level, got {kind}")
        raise PolicyError(source, [problem])
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        problems = [
            PolicyProblem(
                line_of(node, err["loc"]),
                ".".join(str(p) for p in err["loc"]),
                err["msg"],
            )
            for err in exc.errors()
        ]
        raise PolicyError(source, problems) from exc
    return LoadedPolicy(policy, source, policy_hash(policy))


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc``, or of its nearest existing parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(key)), None)
            if child is None:
                break
            # point at the key itself: that is where the reader's eye should go
            key_node = next(k for k, v in node.value if v is child)
            line = key_node.start_mark.line + 1
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line
