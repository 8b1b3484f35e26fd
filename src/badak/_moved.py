"""Old import paths of modules that moved, kept as documented aliases.

badak's package is laid out by layer (README, "Layout"): the engine, the library, the lecture
(``badak.lecture``) and the interfaces (``badak.interfaces``). Modules that used to sit at the top
of the package still import under their old names: ``import badak.perceptron`` gives the module
``badak.lecture.perceptron`` itself, and ``from badak.cli.app import main`` the same function as
``from badak.interfaces.cli.app import main``. No module is ever loaded twice, so classes,
functions and module state are the same objects under both names (``isinstance`` and pickles
written under an old name keep working).

How: :func:`install` puts one finder first on :data:`sys.meta_path` (Python's list of the places
an ``import`` asks, "The import system" in the language reference). For a name in
:data:`MOVED`, or under one of its packages, the finder answers with a loader that imports the
new name and hands back that very module, which ``import`` then also files under the old name
in :data:`sys.modules`. Any other name costs one dictionary look-up and goes on to the usual
finders. To move another module, add its line to :data:`MOVED`.
"""

from __future__ import annotations

import importlib
import sys
import types
from importlib.machinery import ModuleSpec

#: old dotted name -> new dotted name; a package's entry covers its submodules too
#: (``badak.cli.commands.tour`` -> ``badak.interfaces.cli.commands.tour``).
MOVED: dict[str, str] = {
    # the engine
    "badak._numpy_interop": "badak.engine._numpy_interop",
    "badak.autograd": "badak.engine.autograd",
    "badak.backend": "badak.engine.backend",
    "badak.factories": "badak.engine.factories",
    "badak.functional": "badak.engine.functional",
    "badak.gradcheck": "badak.engine.gradcheck",
    "badak.ops": "badak.engine.ops",
    "badak.random": "badak.engine.random",
    "badak.tensor": "badak.engine.tensor",
    # the lecture
    "badak.atlas": "badak.lecture.atlas",
    "badak.diagnose": "badak.lecture.diagnose",
    "badak.explain": "badak.lecture.explain",
    "badak.expr": "badak.lecture.expr",
    "badak.gd": "badak.lecture.gd",
    "badak.graphsvg": "badak.lecture.graphsvg",
    "badak.perceptron": "badak.lecture.perceptron",
    "badak.plots": "badak.lecture.plots",
    "badak.reference": "badak.lecture.reference",
    "badak.tour": "badak.lecture.tour",
    "badak.viz": "badak.lecture.viz",
    # the interfaces
    "badak.cli": "badak.interfaces.cli",
    "badak.display": "badak.interfaces.display",
    "badak.interop": "badak.interfaces.interop",
    "badak.onnx": "badak.interfaces.onnx",
    "badak.playground": "badak.interfaces.playground",
    "badak.sklearn": "badak.interfaces.sklearn",
}


def new_name(name: str) -> str | None:
    """The current name of the module once called ``name``, or None if it has not moved."""
    head, _, tail = name, "", ""
    while True:
        target = MOVED.get(head)
        if target is not None:
            return target + tail
        head, dot, last = head.rpartition(".")
        if not dot:
            return None
        tail = "." + last + tail


class _AliasLoader:
    """Loads an old name by importing the new one and returning that same module."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: ModuleSpec):
        module = importlib.import_module(self.target)
        # ``import`` sets ``__spec__`` of what create_module returns to the alias's spec;
        # exec_module puts the module's own spec back (its name stays the new name).
        self._own_spec = module.__spec__
        return module

    def exec_module(self, module) -> None:
        module.__spec__ = self._own_spec


class _AliasFinder:
    """The finder on :data:`sys.meta_path` that answers for the names in :data:`MOVED`."""

    badak_aliases = True

    def find_spec(self, name: str, path=None, target=None) -> ModuleSpec | None:
        if not name.startswith("badak."):
            return None
        new = new_name(name)
        if new is None:
            return None
        return ModuleSpec(name, _AliasLoader(new))

    def __repr__(self) -> str:
        return "<badak's moved-module aliases (badak._moved)>"


_FINDER = _AliasFinder()


class _Package(types.ModuleType):
    """The class of the ``badak`` package object, which keeps its functions against modules.

    ``import badak.tensor`` (an old name) ends with ``import`` setting the package's attribute
    ``tensor`` to the module, which would hide the function ``badak.tensor()`` (likewise
    ``badak.gradcheck``). A module never replaces a package attribute that is not a module.
    """

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType):
            old = self.__dict__.get(name)
            if old is not None and not isinstance(old, types.ModuleType):
                return
        super().__setattr__(name, value)


def install() -> None:
    """Put the finder first on :data:`sys.meta_path` (once), ahead of the file-system finder
    that would otherwise load an old name's submodules a second time from the new folder; and
    keep the package's functions from being replaced by modules of the same name."""
    package = sys.modules.get("badak")
    if package is not None and type(package) is types.ModuleType:
        package.__class__ = _Package
    if not any(getattr(f, "badak_aliases", False) for f in sys.meta_path):
        sys.meta_path.insert(0, _FINDER)
