"""Problems found in an input file, and the one error a reader raises after collecting all of them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# A file broken on every line would otherwise produce a report nobody reads; the rest are counted.
DEFAULT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a warning) at a place in a file; line and field when known."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class FormatError(ValueError):
    """The input was refused; `problems` lists every problem found (to a limit; `omitted` counts the rest)."""

    def __init__(self, problems: list[Problem], omitted: int = 0) -> None:
        self.problems = problems
        self.omitted = omitted
        lines = [str(problem) for problem in problems]
        if omitted:
            lines.append(f"... and {omitted} more problems")
        super().__init__("\n".join(lines) if lines else "the input was refused")


@dataclass
class Problems:
    """Collects problems and warnings for one file, capped, and raises FormatError when asked."""

    file: str
    limit: int = DEFAULT_LIMIT
    errors: list[Problem] = field(default_factory=list)
    omitted: int = 0
    warnings: list[Problem] = field(default_factory=list)
    omitted_warnings: int = 0
    # How often each kind of warning occurred, so that a capped list still reports true totals.
    warning_counts: Counter[str] = field(default_factory=Counter)

    def add(self, line: int | None, field_name: str | None, message: str) -> None:
        if len(self.errors) < self.limit:
            self.errors.append(Problem(self.file, line, field_name, message))
        else:
            self.omitted += 1

    def warn(self, line: int | None, field_name: str | None, message: str, *, kind: str = "other") -> None:
        self.warning_counts[kind] += 1
        if len(self.warnings) < self.limit:
            self.warnings.append(Problem(self.file, line, field_name, message))
        else:
            self.omitted_warnings += 1

    def __bool__(self) -> bool:
        return bool(self.errors) or self.omitted > 0

    def raise_if_any(self) -> None:
        if self:
            raise FormatError(sorted(self.errors, key=_order), self.omitted)


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.line if problem.line is not None else 0, problem.field or "")
