"""Input checks that collect every problem before raising.

The helpers here are private plumbing: public functions call them so that a
user sees *all* that is wrong with an argument or a table at once, phrased the
same way everywhere.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from typing import Any, TypeVar

from ._errors import ArgumentError, ParameterError, SchemaError

__all__ = [
    "ISO_3166_2_PATTERN",
    "URL_PATTERN",
    "Problems",
    "check_choice",
    "check_keywords",
    "check_positive",
    "closest",
    "guard_arguments",
    "guard_public",
    "outcome_column",
    "require_columns",
]

F = TypeVar("F", bound=Callable[..., Any])


#: An http(s) URL, as a cell of a ``url`` column must be (the schema and the readers alike).
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
#: An ISO 3166-2 code of a Thai or Cambodian province, as a ``code`` cell must be.
ISO_3166_2_PATTERN = re.compile(r"^(TH|KH)-\d{1,2}$")


def closest(value: str, options: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """Return up to ``n`` options that look like ``value`` (case-insensitive)."""
    options = list(options)
    lowered = {o.lower(): o for o in options}
    hits = difflib.get_close_matches(str(value).lower(), list(lowered), n=n, cutoff=cutoff)
    return [lowered[h] for h in hits]


def _suggest(value: str, options: Sequence[str]) -> str:
    near = closest(value, options)
    return f" Did you mean {' or '.join(repr(x) for x in near)}?" if near else ""


def check_choice(value: Any, options: Iterable[str], *, name: str) -> Any:
    """Return ``value`` if it is one of ``options``; else raise naming them all."""
    options = list(options)
    if not isinstance(value, str | int | float | bool | type(None)):
        # a frame or an array has no single truth value: name the type, not a repr of it
        raise ParameterError(
            f"{name}= takes one of {', '.join(repr(o) for o in options)}, "
            f"not a {type(value).__name__}."
        )
    if value not in options:
        raise ParameterError(
            f"{name}={value!r} is not allowed.{_suggest(str(value), options)} "
            f"Allowed: {', '.join(repr(o) for o in options)}."
        )
    return value


def check_choices(
    values: Iterable[Any] | None, options: Iterable[str], *, name: str
) -> list | None:
    """Like :func:`check_choice` for a list of values (``None`` passes through)."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    options = list(options)
    bad = [v for v in values if v not in options]
    if bad:
        hints = "".join(_suggest(str(b), options) for b in bad[:1])
        raise ParameterError(
            f"{name} has unknown value(s) {', '.join(repr(b) for b in bad)}.{hints} "
            f"Allowed: {', '.join(repr(o) for o in options)}."
        )
    return list(values)


def check_positive(value: Any, *, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` as float if it is a finite positive number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ParameterError(f"{name} must be finite, got {value!r}.")
    if number < 0 or (number == 0 and not allow_zero):
        limit = ">= 0" if allow_zero else "> 0"
        raise ParameterError(
            f"{name} must be {limit} (km, counts and sizes cannot be negative), got {value!r}."
        )
    return number


def outcome_column(
    columns: Iterable[str],
    outcome: str | None,
    *,
    source: str,
    counts: Sequence[str] = ("incidents", "claims"),
) -> str:
    """The count column a function of a table of counts reads (the ``outcome=`` rule).

    ``outcome`` names it; ``None`` takes the table's one column among ``counts``
    (``"incidents"``, ``"claims"``). Anything else is a ParameterError listing the
    table's columns. The one rule for charts and statistics alike.

    Parameters
    ----------
    columns : iterable of str
        The table's columns.
    outcome : str or None
        The column asked for.
    source : str
        Who asks (a function's name), for the message.
    counts : sequence of str, default ("incidents", "claims")
        The count columns looked for when ``outcome`` is None.

    Returns
    -------
    str

    Examples
    --------
    >>> outcome_column(["date", "incidents", "fatalities"], None, source="f")
    'incidents'
    >>> outcome_column(["date", "incidents", "fatalities"], "fatalities", source="f")
    'fatalities'
    """
    columns = [str(c) for c in columns]
    if outcome is not None:
        if not isinstance(outcome, str) or outcome not in columns:
            raise ParameterError(
                f"{source}: outcome={outcome!r} is not a column of counts. Columns: {columns}."
            )
        return outcome
    found = [c for c in counts if c in columns]
    if len(found) != 1:
        why = "both" if found else "neither"
        raise ParameterError(
            f"{source}: counts has {why} of the count columns {', '.join(map(repr, counts))}, "
            f"so outcome= must name the column to use. Columns: {columns}."
        )
    return found[0]


def require_columns(columns: Iterable[str], required: Iterable[str], *, source: str) -> None:
    """Raise a :class:`SchemaError` listing *every* missing required column."""
    have = set(columns)
    missing = [c for c in required if c not in have]
    if missing:
        raise SchemaError(
            f"{source}: missing required column(s) {', '.join(missing)}.",
            problems=[f"missing column {c}" for c in missing],
            source=source,
        )


class Problems:
    """Collect problems found in a table, then raise them together.

    Examples
    --------
    >>> p = Problems("events.csv")
    >>> p.add("bad date 'x'", row=3, column="event_date")
    >>> p.raise_if_any()  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    SchemaError: events.csv: 1 problem ...
    """

    def __init__(self, source: str, *, limit: int = 20):
        self.source = source
        self.limit = limit
        self.items: list[str] = []
        self.unlisted = 0

    def add_unlisted(self, count: int, what: str = "") -> None:
        """Count ``count`` more problems of the same kind without listing each one."""
        self.unlisted += int(count)

    def add(self, what: str, *, row: Any = None, column: str | None = None) -> None:
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        self.items.append(f"{', '.join(where)}: {what}" if where else what)

    def __len__(self) -> int:
        return len(self.items) + self.unlisted

    def raise_if_any(self) -> None:
        if not len(self):
            return
        shown = self.items[: self.limit]
        more = len(self) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        noun = "problem" if len(self) == 1 else "problems"
        raise SchemaError(
            f"{self.source}: {len(self)} {noun}:\n  " + "\n  ".join(shown) + tail,
            problems=self.items,
            source=self.source,
        )


# --- calls with arguments a function does not take ---------------------------------


def _call_form(name: str, sig: inspect.Signature) -> str:
    """``within_km(events, of, *, km)``: how the function is called, for messages."""
    parts, star = [], False
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
            star = True
        elif p.kind is p.VAR_KEYWORD:
            parts.append(f"**{p.name}")
        else:
            if p.kind is p.KEYWORD_ONLY and not star:
                parts.append("*")
                star = True
            parts.append(p.name if p.default is p.empty else f"{p.name}=...")
    return f"{name}({', '.join(parts)})"


def _argument_problem(name: str, sig: inspect.Signature, args: tuple, kwargs: dict) -> str:
    """Why ``args``/``kwargs`` do not fit ``sig``, in the words of the caller's mistake."""
    params = sig.parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    named = [p for p in params if params[p].kind not in (inspect.Parameter.VAR_POSITIONAL,)]
    if not takes_any:
        for key in kwargs:
            if key not in params or params[key].kind is inspect.Parameter.POSITIONAL_ONLY:
                near = closest(key, named)
                hint = f" Did you mean {near[0]!r}?" if near else ""
                return f"{name}() takes no argument {key!r}.{hint}"
    positional = [
        p
        for p in params.values()
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if len(args) > len(positional) and not any(p.kind is p.VAR_POSITIONAL for p in params.values()):
        extra = [p for p in params.values() if p.kind is p.KEYWORD_ONLY]
        given = ", ".join(
            repr(a) if _short(a) else type(a).__name__ for a in args[len(positional) :]
        )
        if extra:
            return (
                f"{name}() takes {len(positional)} argument(s) by position "
                f"({', '.join(p.name for p in positional)}); the others go by name, e.g. "
                f"{extra[0].name}=... (got {given} by position)."
            )
        return f"{name}() takes {len(positional)} argument(s); got {len(args)}."
    try:
        sig.bind(*args, **kwargs)
    except TypeError as exc:
        return f"{name}(): {exc}."
    return ""


def _short(value: Any) -> bool:
    return isinstance(value, int | float | str | bool) and len(repr(value)) <= 30


def guard_arguments(func: F) -> F:
    """``func``, raising :class:`~scamgeo.ArgumentError` for a call it cannot take.

    Python's own ``TypeError`` for an unknown keyword or an option given by
    position says neither what was meant nor how to call the function; this
    one says both. The call itself is untouched: only a ``TypeError`` whose
    arguments do not fit the signature is translated, so the wrapper costs
    nothing on a good call and never hides an error from inside the function.

    Examples
    --------
    >>> @guard_arguments
    ... def within(events, of, *, km=10):
    ...     return km
    >>> within(1, 2, kms=5)
    Traceback (most recent call last):
    ...
    scamgeo._errors.ArgumentError: within() takes no argument 'kms'. Did you mean 'km'? Call: within(events, of, *, km=...).
    """
    sig = inspect.signature(func)
    name = func.__name__

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TypeError:
            try:
                sig.bind(*args, **kwargs)
            except TypeError:
                problem = _argument_problem(name, sig, args, kwargs)
                raise ArgumentError(f"{problem} Call: {_call_form(name, sig)}.") from None
            raise

    wrapper.__scamgeo_guarded__ = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def guard_public(namespace: MutableMapping[str, Any], names: Iterable[str] | None = None) -> None:
    """Wrap the public functions of a module's namespace with :func:`guard_arguments`.

    Called at the end of each public module or package ``__init__`` with its
    ``globals()``: every name in ``__all__`` (or ``names``) that is a plain
    function of scamgeo is replaced in place. Classes, constants and functions
    of other packages are left alone.
    """
    for key in list(names if names is not None else namespace.get("__all__", ())):
        obj = namespace.get(key)
        if (
            inspect.isfunction(obj)
            and (obj.__module__ or "").startswith("scamgeo")
            and not getattr(obj, "__scamgeo_guarded__", False)
        ):
            namespace[key] = guard_arguments(obj)


def check_keywords(
    options: Mapping[str, Any], allowed: Iterable[str], *, func: str, where: str = ""
) -> None:
    """Refuse keyword options a function passes on (``**options``) but cannot use.

    Parameters
    ----------
    options : mapping
        The keyword options received.
    allowed : iterable of str
        The options that can be used.
    func : str
        The function's name, for the message.
    where : str
        What the options were for (e.g. `` for an ACLED file``).

    Raises
    ------
    ArgumentError
        Naming each unknown option with the closest allowed name.

    Examples
    --------
    >>> check_keywords({"min_precision": 2}, ["min_geo_precision", "countries"], func="load_events")
    Traceback (most recent call last):
    ...
    scamgeo._errors.ArgumentError: load_events() takes no option 'min_precision' (did you mean 'min_geo_precision'?). Options: min_geo_precision, countries.
    """
    allowed = list(dict.fromkeys(allowed))
    bad = [k for k in options if k not in allowed]
    if not bad:
        return
    parts = []
    for key in bad:
        near = closest(key, allowed)
        parts.append(f"{key!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
    noun = "option" if len(bad) == 1 else "options"
    listing = ", ".join(allowed) if allowed else "none"
    raise ArgumentError(f"{func}(){where} takes no {noun} {', '.join(parts)}. Options: {listing}.")
