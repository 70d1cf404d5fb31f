"""Where the tool may write, one writer at a time, and a swap that never loses the published copy.

Every command that writes files goes through this module:

- :func:`check_folder` for a folder the tool fills and later replaces (``catalog build --out``,
  ``catalog export --out``). The folder must not exist yet (the tool creates it) or must hold the
  marker file :data:`MARKER` the tool wrote there; it is never a repository, an ancestor of one,
  anything inside its ``catalog/``, ``schemas/``, ``generator/``, ``site_content/``,
  ``site_overrides/`` or ``.git``, never a symbolic link, a device or a file.
- :func:`check_file` for a single file (``catalog owners --output``, ``catalog reference --out``):
  never a symbolic link, a folder or a device, never inside the folders above, nor the
  repository's other inputs: ``mkdocs.yml`` and anything in ``.github/`` (the workflows) — except
  the one file a command exists to write there (``catalog owners``: ``.github/CODEOWNERS``).
- :func:`claim` holds one lock per output folder (a ``.NAME.lock`` file beside it, locked with
  ``flock``): a second writer is told "another build is writing DIR" instead of deleting the
  first one's staging folder.
- :func:`exchange` swaps two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); where the
  file system cannot, two renames whose intermediate state :func:`restore_parts` puts back.

A refusal is :class:`OutputRefused` (exit 2, the message says why); a busy output is
:class:`OutputBusy` (exit 1).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from . import git
from .errors import UsageError

MARKER = ".catalog-output"
MARKER_TEXT = (
    "This folder is written by the catalog tool (catalog build, catalog export), which replaces its\n"
    "contents whenever it runs. Do not keep your own files here.\n"
)
PROTECTED = ("catalog", "schemas", "generator", "site_content", "site_overrides", ".git")
# Inputs a single-file output must not replace either (a folder output is refused there already: it
# exists and holds no marker): the site's configuration and the CI workflows.
PROTECTED_FILES = ("mkdocs.yml", ".github")
PACKAGE = Path(__file__).resolve().parent
TOOL_ROOT = PACKAGE.parent  # the source checkout when installed with pip -e; site-packages otherwise
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputRefused(UsageError):
    """The output path breaks the rule above: a usage error (exit 2)."""


class OutputBusy(Exception):
    """Another process holds the output's lock (exit 1)."""


def roots_of(repo: Path | None) -> list[Path]:
    """The repositories an output must stay out of: ``repo`` (the folder holding catalog/), the git
    work tree that holds it, and the tool's own source folder."""
    found = [TOOL_ROOT] if (TOOL_ROOT / "pyproject.toml").is_file() else []
    if repo is not None:
        found.append(Path(repo).absolute())
        top = _git_top(repo)
        if top is not None:
            found.append(top)
    return found


def _git_top(path: Path) -> Path | None:
    return git.toplevel(path)


def _protected(
    real: Path, roots: Iterable[Path], shown: str, command: str | None, files: tuple[str, ...] = ()
) -> None:
    if real.is_relative_to(PACKAGE):
        raise OutputRefused(f"{shown} is inside the catalog tool's own code ({PACKAGE})", command)
    for root in roots:
        root = root.resolve()
        if real == root:
            raise OutputRefused(
                f"{shown} is the repository {root}; choose a folder inside it, such as site/", command
            )
        if root.is_relative_to(real):
            raise OutputRefused(
                f"{shown} holds the repository {root}; choose a folder inside it, such as site/", command
            )
        for name in PROTECTED:
            if real.is_relative_to(root / name):
                raise OutputRefused(
                    f"{shown} is inside {name}/ of the repository {root}, which the tool reads "
                    "and never overwrites",
                    command,
                )
        for name in files:
            if real.is_relative_to(root / name):
                what = f"{name}/" if (root / name).is_dir() else name
                raise OutputRefused(
                    f"{shown} is {'inside ' if real != root / name else ''}{what} of the repository "
                    f"{root}, an input of the site or of CI that no command overwrites",
                    command,
                )


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a folder"


def check_folder(out: Path, repo: Path | None, command: str | None = None) -> Path:
    """``out`` made absolute (not resolved: its last part is checked not to be a link), or
    :class:`OutputRefused` saying why the tool must not replace it (``command`` names the
    sub-command in the message)."""
    out = Path(out).absolute()
    shown = str(out)
    info = _lstat(out, shown, command)
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise OutputRefused(
            f"{shown} is a symbolic link; give a real folder (the tool does not write through links)", command
        )
    _protected(out.resolve(), roots_of(repo), shown, command)
    if info is None:
        return out
    if not stat.S_ISDIR(info.st_mode):
        raise OutputRefused(
            f"{shown} is {_kind(info.st_mode)}, not a folder; give a folder the tool may create", command
        )
    if not has_marker(out):
        raise OutputRefused(
            f"{shown} already exists and was not made by the catalog tool (it has no {MARKER} "
            "file); remove it or choose a new folder",
            command,
        )
    return out


def _lstat(path: Path, shown: str, command: str | None) -> os.stat_result | None:
    """What ``path`` itself is (links not followed); None if nothing is there."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputRefused(f"cannot write to {shown}: {exc.strerror}", command) from None


def has_marker(folder: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(folder / MARKER).st_mode)
    except OSError:
        return False


def write_marker(folder: Path) -> None:
    (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")


def check_file(path: Path, repo: Path | None, command: str | None = None, own: Path | None = None) -> Path:
    """``path`` made absolute, or :class:`OutputRefused` if a file must not be written there.
    ``own`` is the file the command exists to write (it may be among the inputs of
    :data:`PROTECTED_FILES`)."""
    path = Path(path).absolute()
    shown = str(path)
    info = _lstat(path, shown, command)
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise OutputRefused(f"{shown} is a symbolic link; the tool does not write through links", command)
        if stat.S_ISDIR(info.st_mode):
            raise OutputRefused(f"{shown} is a folder, not a file", command)
        if not stat.S_ISREG(info.st_mode):
            raise OutputRefused(f"{shown} is {_kind(info.st_mode)}, not a regular file", command)
    real = path.parent.resolve() / path.name
    mine = own is not None and real == Path(own).absolute().parent.resolve() / Path(own).name
    _protected(real, roots_of(repo), shown, command, () if mine else PROTECTED_FILES)
    return path


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextmanager
def claim(out: Path) -> Iterator[None]:
    """Hold the output's lock for the block; :class:`OutputBusy` if another process holds it.

    The lock file is removed when the block ends, while still locked; a process that opened it
    just before and locks it afterwards sees that the path no longer names its file and tries again."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(out)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputBusy(f"another build is writing {out}; wait for it to finish") from None
        try:
            same = os.path.samestat(os.fstat(fd), os.lstat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # removed by the process that held it: lock the new one
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            path.unlink()
        os.close(fd)  # closing releases the lock


def _renameat2() -> object | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_EXCHANGE = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap ``a`` and ``b`` (both must exist) in one step; False if the system cannot."""
    if _EXCHANGE is None:
        return False
    result = _EXCHANGE(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # type: ignore[operator]
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def put_in_place(new: Path, current: Path, old: Path) -> None:
    """Make ``new`` be at ``current``; what was at ``current`` ends at ``old`` (which must not
    exist). At no moment is ``current`` missing when an exchange is possible; otherwise it is
    missing only between two renames, with the previous copy whole at ``old``."""
    if not (current.exists() or current.is_symlink()):
        new.rename(current)
        return
    if exchange(new, current):
        new.rename(old)
        return
    current.rename(old)
    try:
        new.rename(current)
    except OSError:
        old.rename(current)
        raise


def restore_parts(staging: Path, out: Path, parts: Iterable[str], trash: str) -> None:
    """Put back parts a killed two-rename swap left in ``staging/trash`` while ``out`` lacks them."""
    for part in parts:
        held, current = staging / trash / part, out / part
        if (held.exists() or held.is_symlink()) and not (current.exists() or current.is_symlink()):
            current.parent.mkdir(parents=True, exist_ok=True)
            held.rename(current)
