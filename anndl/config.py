"""Configs as plain dicts and back (job parameters, JSON sidecars, URL state)."""

from __future__ import annotations

from dataclasses import asdict, fields


class DictConfig:
    """Mixin for config dataclasses: `to_dict` gives JSON-ready lists, `from_dict` ignores unknown keys."""

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict):
        tuples = {f.name for f in fields(cls) if str(f.type).startswith("tuple")}
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{k: tuple(v) if k in tuples and v is not None else v for k, v in known.items()})
