"""mkdocs.yml read with a safe loader that knows only the tags the site uses.

MkDocs reads its configuration with PyYAML's full loader: a ``!!python/object/apply:os.system``
in a pull request's ``mkdocs.yml`` would run when the site is built. The catalog reads the file
itself with the safe loader plus exactly one Python tag, ``!!python/name:`` of the functions in
:data:`ALLOWED_NAMES` (the heading slug function), and hands MkDocs the values. Any other tag, an
``INHERIT:`` (another file, read by MkDocs's loader) or a file that is not a mapping is a
:class:`SiteConfigError` naming the line and column.

:data:`RUNS_CODE` are the keys that make a build import or run Python code (``hooks:`` are Python
files, ``plugins:`` and ``markdown_extensions:`` name modules): ``catalog diff`` flags any change to
them for the reviewers (:func:`code_keys_changed`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .slug import slugify

PYTHON_NAME = "tag:yaml.org,2002:python/name:"
ALLOWED_NAMES: dict[str, Callable[..., Any]] = {"generator.site.slug.slugify": slugify}
RUNS_CODE = ("hooks", "plugins", "markdown_extensions", "INHERIT")


class SiteConfigError(Exception):
    """mkdocs.yml uses YAML the build refuses; the message names the place."""


class _Loader(yaml.SafeLoader):
    """The safe loader, plus ``!!python/name:`` of the allowed functions only."""


def _python_name(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if suffix in ALLOWED_NAMES and isinstance(node, yaml.ScalarNode) and not node.value:
        return ALLOWED_NAMES[suffix]
    mark = node.start_mark
    raise SiteConfigError(
        f"line {mark.line + 1}, column {mark.column + 1}: the tag !!python/name:{suffix} is "
        f"not allowed (only {', '.join('!!python/name:' + n for n in ALLOWED_NAMES)})"
    )


def _unknown(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    mark = node.start_mark
    raise SiteConfigError(
        f"line {mark.line + 1}, column {mark.column + 1}: the YAML tag {_short(node.tag)} is "
        "not allowed in mkdocs.yml"
    )


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


_Loader.add_multi_constructor(PYTHON_NAME, _python_name)
_Loader.add_multi_constructor("", _unknown)  # every other tag: !!python/object, !ENV, !relative…


def parse(text: str, display: str = "mkdocs.yml") -> dict[str, Any]:
    """The configuration's values, or :class:`SiteConfigError`."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except SiteConfigError as exc:
        raise SiteConfigError(f"{display}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise SiteConfigError(f"{display}: {where}invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise SiteConfigError(f"{display}: invalid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SiteConfigError(f"{display}: the file must hold a YAML mapping")
    if "INHERIT" in data:
        raise SiteConfigError(
            f"{display}: INHERIT is not allowed; keep the whole configuration in mkdocs.yml"
        )
    return data


def load(path: Path, **overrides: Any) -> Any:
    """The validated MkDocs configuration of ``path`` (as ``mkdocs.config.load_config`` gives),
    read by :func:`parse`; ``overrides`` replace values as ``load_config``'s keywords do."""
    from mkdocs import exceptions
    from mkdocs.config.defaults import MkDocsConfig

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SiteConfigError(f"{path.name}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    config = MkDocsConfig(config_file_path=str(path))
    config.load_dict(parse(text, path.name))
    config.load_dict({key: value for key, value in overrides.items() if value is not None})
    errors, warnings = config.validate()
    if errors:
        raise SiteConfigError("; ".join(f"{path.name}: {name}: {error}" for name, error in errors))
    if config.strict and warnings:
        raise exceptions.Abort(f"Aborted with {len(warnings)} configuration warnings in 'strict' mode!")
    return config


def code_keys_changed(old: str | None, new: str | None) -> list[str]:
    """The keys of :data:`RUNS_CODE` whose value differs between two texts of mkdocs.yml (None:
    the file is absent). A side that cannot be read counts as different in every key."""

    def values(text: str | None) -> dict[str, Any] | None:
        if text is None:
            return {}
        try:
            return parse(text)
        except SiteConfigError:
            return None

    before, after = values(old), values(new)
    if before is None or after is None:
        return list(RUNS_CODE) if (before is None) != (after is None) or old != new else []
    return [key for key in RUNS_CODE if before.get(key) != after.get(key)]
