"""Errors raised by the library and shown by the ``badak`` command (issue 14): a model file that
is foreign, truncated, corrupted or holds NaN, malformed ``badak_cli`` metadata, a refused
formula and a diverging run are one Korean line under ``--lang ko`` and, without it, the same
English line as before."""

import pickle
import re
from pathlib import Path

import numpy as np
import pytest

import badak
from badak import i18n
from badak.i18n.localized import Localized, Phrase, joined
from badak.interfaces.cli import main
from badak.lecture.expr import FUNCTIONS, ExpressionError, parse
from badak.persistence import ModelFileError
from badak.training import DivergenceError

SRC = Path(__file__).resolve().parent.parent / "src" / "badak"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)           # relative file names: the line is all message
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def error_line(capsys, argv: list[str]) -> str:
    """Run ``badak argv``; return its one-line error (exit code 2)."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.splitlines()
    assert lines and lines[-1].startswith("badak: "), err
    return lines[-1]


def korean_and_english(capsys, argv: list[str], korean: str, english: str) -> None:
    """``argv --lang ko`` is a Korean line holding ``korean``; without --lang the English line
    holds ``english`` and no Hangul."""
    ko = error_line(capsys, [*argv, "--lang", "ko"])
    assert ko.startswith("badak: 오류: ") and korean in ko, ko
    # quoted values (file, entry and column names, the formula) are the user's, never
    # translated, and options and function names are code: measure the words around them
    words = re.sub(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\S+\.(npz|pkl|csv)\b|--\w+|badak|"
                   + "|".join(rf"\b{name}\b" for name in FUNCTIONS), "", ko)
    assert i18n.hangul_share(words) > 0.5, ko
    en = error_line(capsys, argv)
    assert en.startswith("badak: error: ") and english in en, en
    assert i18n.hangul_share(en) == 0, en


# ------------------------------------------------------------------ (1) badak predict
@pytest.fixture
def rows():
    Path("rows.csv").write_text("u,v\n0.5,1.5\n", encoding="utf-8")
    return "rows.csv"


def _saved(name: str = "m.npz", metadata: dict | None = None) -> bytes:
    badak.save(badak.nn.MLP([2, 4, 2], rng=0), name, metadata=metadata)
    return Path(name).read_bytes()


def test_a_truncated_model_file(capsys, rows):
    data = _saved()
    Path("cut.npz").write_bytes(data[:len(data) // 2])
    korean_and_english(capsys, ["predict", "cut.npz", "--data", rows],
                       "cut.npz이(가) 잘렸거나 손상되었습니다: zip 디렉터리",
                       "cut.npz is truncated or corrupted: its zip directory (at the end of "
                       "the file) is missing")


def test_a_corrupted_model_file(capsys, rows):
    data = bytearray(_saved())
    data[len(data) // 2] ^= 0xFF                  # one flipped byte inside an array
    Path("flip.npz").write_bytes(bytes(data))
    korean_and_english(capsys, ["predict", "flip.npz", "--data", rows],
                       "CRC-32가 맞지 않습니다", "flip.npz is truncated or corrupted: Bad CRC-32")


def test_a_foreign_model_file(capsys, rows):
    with open("model.pkl", "wb") as f:
        pickle.dump({"weights": [1.0, 2.0]}, f)
    korean_and_english(capsys, ["predict", "model.pkl", "--data", rows],
                       "badak 모델 파일이 아닙니다: 파이썬 피클(프로토콜",
                       "model.pkl is not a badak model file: it looks like a Python pickle "
                       "(protocol")
    Path("empty.npz").write_bytes(b"")
    korean_and_english(capsys, ["predict", "empty.npz", "--data", rows],
                       "비어 있습니다(0바이트)", "it is empty (0 bytes)")


def test_a_model_file_holding_nan(capsys, rows):
    model = badak.nn.MLP([2, 4, 2], rng=0)
    next(iter(model.parameters())).data[0, 0] = np.nan
    badak.save(model, "nan.npz")
    korean_and_english(capsys, ["predict", "nan.npz", "--data", rows],
                       "매개변수 '0.weight'의 값 8개 중 1개가 NaN이거나 무한대입니다",
                       "nan.npz: parameter '0.weight' holds 1 NaN or infinite value(s) out of 8")


GOOD = {"data": "kinds.csv", "task": "classification", "features": ["u", "v"],
        "target": "kind", "classes": [3.0, 7.0], "mean": [0.0, 0.0], "scale": [1.0, 1.0]}

BAD_METADATA = {
    "a list": ([1, 2], "JSON 객체여야 합니다", "must be a JSON object; received list"),
    "four classes for two outputs": ({**GOOD, "classes": [1, 2, 3, 4]},
                                     "모델의 출력 2개마다 레이블 하나(이)어야 합니다. 받은 값: "
                                     "레이블 4개 [1, 2, 3, 4]",
                                     "one label for each of the model's 2 outputs; received "
                                     "4 labels [1, 2, 3, 4]"),
    "one column twice": ({**GOOD, "features": ["u", "u"]}, "받은 값: 'u'이(가) 두 번",
                         "received 'u' twice"),
    "unknown task": ({**GOOD, "task": "ranking"}, "중 하나(이)어야 합니다",
                     "'task' must be one of"),
    "mean of the wrong length": ({**GOOD, "mean": [0.0]}, "유한한 숫자 2개의 리스트",
                                 "'mean' must be a list of 2 finite numbers"),
    "missing keys": ({"data": "kinds.csv"}, "키 ['data', 'task'",
                     "must have the keys ['data', 'task'"),
}


@pytest.mark.parametrize("meta, korean, english", BAD_METADATA.values(),
                         ids=BAD_METADATA.keys())
def test_malformed_cli_metadata(capsys, rows, meta, korean, english):
    _saved(metadata={"badak_cli": meta})
    korean_and_english(capsys, ["predict", "m.npz", "--data", rows],
                       "m.npz: 'badak_cli' 메타데이터 항목", "m.npz: ")
    korean_and_english(capsys, ["predict", "m.npz", "--data", rows], korean, english)


# ------------------------------------------------------------------ (2) a refused formula
REFUSED = {
    "indexing": (["graph", "x[0]", "--var", "x=1"],
                 "인덱싱이나 슬라이싱([...])은(는) 쓸 수 없습니다(2번째 열에서)",
                 "indexing or slicing ([...]) is not allowed at column 2; allowed are numbers"),
    "unknown name": (["graph", "y * 2", "--var", "x=1"],
                     "알 수 없는 이름 'y'(1번째 열에서): 선언된 변수는 x입니다",
                     "unknown name 'y' at column 1: declared variables are x (declare each"),
    "a function used as a name": (["graph", "exp * 2", "--var", "x=1"],
                                  "'exp'은(는) 함수입니다: exp(x)처럼 호출하세요",
                                  "'exp' is a function: call it, e.g. exp(x)"),
    "an unknown function": (["gd", "__import__('os')", "--x0", "1"],
                            "알 수 없는 함수 '__import__'(1번째 열에서)",
                            "unknown function '__import__' at column 1: allowed functions are"),
    "attribute access": (["gd", "x.real", "--x0", "1"],
                         "속성 접근(.real)은(는) 쓸 수 없습니다(2번째 열에서)",
                         "attribute access (.real) is not allowed at column 2"),
    "a syntax error": (["gd", "x +", "--x0", "1"], "'x +'의 구문이 잘못되었습니다",
                       "invalid syntax in 'x +'"),
}


@pytest.mark.parametrize("argv, korean, english", REFUSED.values(), ids=REFUSED.keys())
def test_a_refused_formula(capsys, argv, korean, english):
    korean_and_english(capsys, argv, "수식 ", "the expression ")
    korean_and_english(capsys, argv, korean, english)


def test_a_variable_named_like_a_function(capsys):
    korean_and_english(capsys, ["graph", "exp + 1", "--var", "exp=1"],
                       "--var: 변수 이름이 함수 이름과 같으면 안 됩니다. 받은 값: 'exp'",
                       "--var: variables must not be named like a function; received 'exp'")


def test_gradient_descent_from_a_point_where_f_is_not_finite(capsys):
    korean_and_english(capsys, ["gd", "log(x)", "--x0", "-1"],
                       "f(x0)가 유한하지 않습니다 (f(x0)=nan). 다른 x0을 고르세요",
                       "f(x0) is not finite (f(x0)=nan); choose another x0")


# ------------------------------------------------------------------ (3) divergence
def test_a_diverging_training_run(capsys):
    argv = ["train", "--data", "moons", "--optimizer", "sgd", "--lr", "1e30", "--epochs", "2",
            "--samples", "40", "-q"]
    korean_and_english(capsys, argv, "학습이 발산했습니다: 에폭 ",
                       "training diverged: the loss became nan at epoch ")
    ko = error_line(capsys, [*argv, "--lang", "ko"])
    assert "더 작은 학습률(lr=1e+30보다 작게)" in ko and "기울기" in ko and "손실" in ko


# ------------------------------------------------------------------ the machinery
def test_library_errors_keep_english_and_their_attributes():
    with pytest.raises(ExpressionError) as info:
        parse("x % 2", ["x"])
    error = info.value
    assert isinstance(error, ValueError) and isinstance(error, Localized)
    assert str(error).startswith("the operator '%' is not allowed at column 1; allowed are")
    assert error.in_language("en") == str(error)
    assert error.in_language("ko").startswith("연산자 '%'은(는) 쓸 수 없습니다(1번째 열에서). ")
    # a plain message, as code outside badak may raise it, is its own English template
    plain = ModelFileError("odd {braces} file")
    assert str(plain) == "odd {braces} file" == plain.in_language("ko")
    diverged = DivergenceError("the loss is nan", 3, 2, float("nan"))
    assert (str(diverged), diverged.epoch, diverged.step) == ("the loss is nan", 3, 2)
    assert diverged.in_language("ko") == "the loss is nan"


def test_fields_that_are_phrases_or_errors_are_translated_with_the_message():
    inner = ModelFileError("{where} is truncated or corrupted: {error}", where="m.npz",
                           error=ExpressionError("the expression is empty"))
    assert str(inner) == "m.npz is truncated or corrupted: the expression is empty"
    assert inner.in_language("ko") == "m.npz이(가) 잘렸거나 손상되었습니다: 수식이 비어 있습니다"
    both = joined([Phrase("a string"), "x"])
    assert both == "a string, x" and both.in_language("ko") == "문자열, x"


LIBRARY_FILES = ["lecture/expr.py", "lecture/viz.py", "training/fit.py",
                 *(f"persistence/{p.name}" for p in (SRC / "persistence").glob("*.py"))]


def test_no_library_message_shown_by_the_command_line_is_an_f_string():
    """ModelFileError, ZipLayoutError, ExpressionError, DivergenceError and the Graphviz errors
    take an ``N_`` template (an f-string would be printed in English under --lang ko)."""
    offenders = []
    for name in LIBRARY_FILES:
        text = (SRC / name).read_text(encoding="utf-8")
        for match in re.finditer(r"(ModelFileError|ZipLayoutError|ExpressionError|"
                                 r"DivergenceError|GraphvizNotFoundError|_GraphvizFailed|"
                                 r"_VariablesError)"
                                 r"\(\s*(?!N_\(|message)(f?\")", text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{name}:{line}")
    assert offenders == []
