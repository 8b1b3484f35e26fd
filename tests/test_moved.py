"""The old import paths of moved modules (badak._moved): the same module objects, never a copy."""

import importlib
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import badak
from badak import _moved

SRC = Path(__file__).resolve().parent.parent / "src"


@pytest.mark.parametrize("old", sorted(_moved.MOVED))
def test_every_old_name_is_the_new_module(old):
    new = _moved.MOVED[old]
    assert importlib.import_module(old) is importlib.import_module(new)
    assert sys.modules[old] is sys.modules[new]
    assert sys.modules[new].__spec__.name == new      # the module keeps its own name


def test_submodules_of_a_moved_package_and_their_classes_are_the_same_objects():
    import badak.cli.app
    import badak.interfaces.cli.app
    import badak.interfaces.playground.app
    import badak.playground.app
    import badak.tour.report
    from badak.cli.arguments import UserError as old_error
    from badak.interfaces.cli.arguments import UserError
    from badak.interfaces.sklearn.mlp import MLPClassifier
    from badak.lecture.perceptron import Perceptron
    from badak.perceptron import Perceptron as old_perceptron
    from badak.sklearn.mlp import MLPClassifier as old_classifier

    assert badak.cli.app is badak.interfaces.cli.app
    assert badak.playground.app is badak.interfaces.playground.app
    assert badak.tour.report is sys.modules["badak.lecture.tour.report"]
    assert old_error is UserError and old_perceptron is Perceptron
    assert old_classifier is MLPClassifier
    assert badak.perceptron is badak.lecture.perceptron    # the lazy attribute, too


def test_no_source_file_is_loaded_twice_in_a_fresh_interpreter():
    """Old names first (the order that would make a second copy), then the new ones."""
    code = textwrap.dedent("""
        import sys
        import badak.tour.report, badak.cli.commands.tour, badak.explain, badak.display
        import badak.lecture.tour.report, badak.interfaces.cli.commands.tour
        import badak.lecture.explain, badak.interfaces.display
        objects = {}
        for name, module in list(sys.modules.items()):
            if name.startswith("badak") and getattr(module, "__file__", None):
                objects.setdefault(module.__file__, set()).add(id(module))
        print(sorted(f for f, ids in objects.items() if len(ids) > 1))
        print(sys.modules["badak.tour.report"].__spec__.name)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""}).stdout.split("\n")
    assert out[:2] == ["[]", "badak.lecture.tour.report"]


def test_import_badak_loads_neither_the_lecture_nor_the_interfaces():
    code = ("import sys, badak; print(sorted(n for n in sys.modules if n.startswith("
            "('badak.lecture', 'badak.interfaces')))); print(type(sys.meta_path[0]).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": ""}).stdout.split("\n")
    assert out[:2] == ["[]", "_AliasFinder"]


def test_new_name_follows_the_table_and_only_whole_name_parts():
    assert _moved.new_name("badak.cli") == "badak.interfaces.cli"
    assert _moved.new_name("badak.cli.commands.tour") == "badak.interfaces.cli.commands.tour"
    assert _moved.new_name("badak.gd") == "badak.lecture.gd"
    for unmoved in ("badak", "badak.nn", "badak.gdx", "badak.tourist", "badak.lecture.gd",
                    "badak.engine.tensor", "badak.tensors", "numpy"):
        assert _moved.new_name(unmoved) is None


def test_a_missing_module_under_an_old_name_is_still_an_import_error():
    with pytest.raises(ModuleNotFoundError, match="badak.interfaces.cli.no_such_module"):
        importlib.import_module("badak.cli.no_such_module")
    assert "badak.cli.no_such_module" not in sys.modules


def test_pickles_that_name_the_old_module_load_the_same_class():
    from badak.lecture.perceptron import Perceptron

    old_reference = b"cbadak.perceptron\nPerceptron\n."     # pickle's GLOBAL opcode
    assert pickle.loads(old_reference) is Perceptron


def test_the_finder_is_installed_once():
    _moved.install()
    _moved.install()
    assert sum(getattr(f, "badak_aliases", False) for f in sys.meta_path) == 1


def test_lazy_attributes_point_at_the_new_modules():
    for name, (module, _attr) in badak._LAZY.items():
        assert _moved.new_name(module) is None, name


def test_the_engine_moved_too_and_the_package_keeps_its_functions():
    # badak.tensor and badak.gradcheck are functions of the package and old module names: an
    # import of the old module name must not replace the function by the module
    import badak
    import badak.engine.gradcheck
    import badak.engine.tensor
    import badak.gradcheck
    import badak.tensor
    from badak.autograd import Function
    from badak.engine.autograd import Function as new_function
    from badak.functional import relu
    from badak.tensor import Tensor

    assert _moved.new_name("badak.tensor") == "badak.engine.tensor"
    assert _moved.new_name("badak.ops.matmul") == "badak.engine.ops.matmul"
    assert sys.modules["badak.tensor"] is badak.engine.tensor
    assert sys.modules["badak.gradcheck"] is badak.engine.gradcheck
    assert Function is new_function and Tensor is badak.engine.tensor.Tensor
    assert relu is badak.engine.functional.relu
    assert callable(badak.tensor) and not isinstance(badak.tensor, type(sys))
    assert badak.tensor([1.0, 2.0]).shape == (2,)
    assert badak.gradcheck is badak.engine.gradcheck.gradcheck
    assert badak.functional is badak.engine.functional
