"""One registry type for exporters and packages: built-ins by name, plugins by entry-point group.

Modelled on rdflib's ``plugin.py``. A built-in is named by ``module:attribute`` and imported when first asked for;
installed packages are scanned (``importlib.metadata`` entry points) only for a name that is not built in, or to
list everything. A plugin cannot take a built-in name, by its entry-point name or its own (it is skipped with a
warning); an unknown name is answered with the valid ones (UnknownFormat).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import import_module
from typing import Any, Generic, TypeGuard, TypeVar

from ._errors import UnknownFormat

T = TypeVar("T")


class Registry(Generic[T]):
    """Plugins of one kind (``format``, ``package``) by name; ``accepts`` tells a plugin of that kind."""

    def __init__(self, kind: str, group: str, builtins: Mapping[str, str], accepts: Callable[[object], TypeGuard[T]],
                 name_of: Callable[[T], str], order: Callable[[T], int] = lambda _: 0) -> None:
        self.kind = kind
        self.group = group
        self._builtins = dict(builtins)
        self._accepts = accepts
        self._name_of = name_of
        self._order = order
        self._plugins: dict[str, T] = {}
        self._scanned = False
        self.ignored: list[str] = []
        """Why installed plugins were skipped, for whoever reports to the user (the command line warns)."""

    def builtin_names(self) -> tuple[str, ...]:
        """The names archivist ships, in the order ``all`` lists them."""
        return tuple(self._builtins)

    def register(self, plugin: T) -> None:
        """Add (or replace) a plugin under its own name; tests and applications may call it directly."""
        self._plugins[self._name_of(plugin)] = plugin

    def unregister(self, name: str) -> None:
        """Remove what ``register`` added (a built-in comes back on the next lookup)."""
        self._plugins.pop(name, None)

    def get(self, name: str) -> T:
        """The plugin called ``name``; UnknownFormat lists the valid names otherwise."""
        if name in self._plugins:
            return self._plugins[name]
        if name in self._builtins:
            return self._builtin(name)
        found = self.available()
        try:
            return found[name]
        except KeyError:
            raise UnknownFormat(name, found) from None

    def available(self) -> dict[str, T]:
        """Every plugin, built-in or installed, by name, sorted."""
        for name in self._builtins:
            self._builtin(name)
        self._scan()
        return dict(sorted(self._plugins.items()))

    def ordered(self, names: Iterable[str]) -> list[str]:
        """``names`` in the order their plugins ask to run in (stable: equal orders keep the given order)."""
        return sorted(names, key=lambda name: self._order(self.get(name)))

    def _builtin(self, name: str) -> T:
        if name not in self._plugins:
            module, _, attribute = self._builtins[name].partition(":")
            self.register(self._checked(getattr(import_module(module), attribute), name))
        return self._plugins[name]

    def _checked(self, plugin: object, name: str) -> T:
        if not self._accepts(plugin):
            raise TypeError(f"entry point {name!r} in {self.group} is not an archivist {self.kind}")
        return plugin

    def _scan(self) -> None:
        if self._scanned:
            return
        self._scanned = True
        from importlib.metadata import entry_points  # slow to import, and only needed here

        for entry in entry_points(group=self.group):
            plugin = self._checked(entry.load(), entry.name)
            taken = next((n for n in (entry.name, self._name_of(plugin)) if n in self._builtins), None)
            if taken is not None:
                self.ignored.append(f"entry point {entry.value!r} in {self.group} is ignored: {taken!r} is a "
                                    f"built-in {self.kind}")
                continue
            self.register(plugin)


def split_names(names: str | Iterable[str]) -> list[str]:
    """The names of a comma-separated list (or of several), stripped, empty ones dropped."""
    parts = names.split(",") if isinstance(names, str) else [p for n in names for p in n.split(",")]
    return [p for p in (part.strip() for part in parts) if p]


def choose(names: str | Iterable[str], registries: Sequence[Registry[Any]], everything: Sequence[str]
           ) -> list[list[str]]:
    """Share out a comma-separated list of names (``all`` = ``everything``) among ``registries``: the names each
    holds, once each, in the order given (then the plugins' own order). Built-in names are tried first, so installed
    packages are scanned only for another name; UnknownFormat lists every valid name, also for an empty list."""
    chosen: list[list[str]] = [[] for _ in registries]

    def holder(name: str) -> list[str]:
        for registry, names_of in zip(registries, chosen, strict=True):
            if name in registry.builtin_names():
                return names_of
        for registry, names_of in zip(registries, chosen, strict=True):
            if name in registry.available():
                return names_of
        raise UnknownFormat(name, [n for registry in registries for n in registry.available()])

    for part in split_names(names):
        for name in everything if part == "all" else (part,):
            names_of = holder(name)
            if name not in names_of:
                names_of.append(name)
    if not any(chosen):
        raise UnknownFormat("", [n for registry in registries for n in registry.available()])
    return [registry.ordered(names_of) for registry, names_of in zip(registries, chosen, strict=True)]
