"""``kiji``: one command, a subcommand per task (``kiji new``, ``kiji import``, ``kiji lint``)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

#: subcommand -> (module under kiji.cli, what it does)
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("newpost", "create a new post with its front matter"),
    "import": ("importer", "copy a Jekyll blog's posts into the site"),
    "lint": ("lint", "check every post; JSON report with --json"),
}


def usage() -> str:
    lines = ["usage: kiji {new,import,lint} [options]", ""]
    lines += [f"  {name:<7} {what}" for name, (_module, what) in COMMANDS.items()]
    lines += ["", "kiji <command> --help for the options of one command"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        sys.stderr.write(f"kiji: unknown command {name!r}\n\n{usage()}")
        return 2
    module = importlib.import_module(f"kiji.cli.{COMMANDS[name][0]}")
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
