"""The ``badak`` command in Korean (issue 14): the help of every command, argparse's own words
and badak's errors under ``--lang ko`` or a Korean locale; English stays the default and
unchanged."""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from badak import i18n
from badak.interfaces.cli import build_parser, main
from badak.interfaces.cli.app import language_in
from badak.interfaces.cli.arguments import Phrase, UserError
from badak.interfaces.cli.commands import COMMANDS

CLI_DIR = Path(__file__).resolve().parent.parent / "src" / "badak" / "interfaces" / "cli"


def _korean_locale(monkeypatch):
    for key in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")


def _subparsers(parser):
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


# ------------------------------------------------------------------ help
def test_top_level_help_is_korean_with_lang_ko(capsys):
    assert main(["--lang", "ko", "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("사용법: badak ")
    assert "\n옵션:\n" in text and "\n명령:\n" in text and "\n예:\n" in text
    assert "밑바닥부터 만드는 신경망" in text
    assert i18n.hangul_share(text) > 0.45
    # the one-line summary of every command is translated
    for command in COMMANDS:
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(command.NAME + " "))
        assert i18n.hangul_share(line) > 0.3, line


def test_every_option_of_every_command_has_korean_help():
    parser = build_parser("ko")
    commands = _subparsers(parser)
    assert set(commands) == {c.NAME for c in COMMANDS}
    for name, sub in commands.items():
        assert i18n.hangul_share(sub.description) > 0.5, name
        helps = [a.help for a in sub._actions if a.help]
        assert len(helps) >= 3, name                 # -h, -q, --lang at least
        untranslated = [h for h in helps if i18n.hangul_share(h) == 0]
        assert not untranslated, (name, untranslated)
        assert any("--lang" in a.option_strings for a in sub._actions), name


def test_train_help_under_a_korean_locale_in_a_real_process():
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "ko_KR.UTF-8"
    done = subprocess.run([sys.executable, "-m", "badak", "train", "--help"], env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    text = done.stdout
    assert text.startswith("사용법: badak train ")
    assert "다층 퍼셉트론을 학습하고 그림과 함께 저장합니다." in text
    assert "은닉층의 크기, 쉼표로 구분 (기본값: 64,64)" in text
    assert "학습률 (기본값: 옵티마이저의 기본값, adam은 1e-3)" in text
    assert "xor, spiral, moons, circles, gaussian, boston, mnist5k" in text  # filled in


def test_english_help_is_unchanged_under_an_english_locale(capsys):
    assert main(["train", "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: badak train ")
    assert "\noptions:\n" in text and "hidden layer sizes, comma-separated" in text
    assert i18n.hangul_share(text) == 0
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "\ncommands:\n" in text and i18n.hangul_share(text) == 0


@pytest.mark.parametrize("argv", [["--lang", "ko", "gd", "--help"],
                                  ["gd", "--help", "--lang", "ko"],
                                  ["gd", "--lang=ko", "--help"]])
def test_lang_anywhere_on_the_line_chooses_the_help_language(argv, capsys):
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith("사용법: badak gd ")


def test_language_in_reads_only_valid_values_before_a_double_dash():
    assert language_in(["train", "--lang", "ko"]) == "ko"
    assert language_in(["--lang=en", "train"]) == "en"
    assert language_in(["train", "--lang", "fr"]) is None       # argparse reports it
    assert language_in(["graph", "--", "--lang", "ko"]) is None
    assert language_in(["--lang"]) is None
    assert language_in(["--lang", "ko", "gd", "--lang", "en"]) == "en"    # argparse: the last


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("argv, korean, english", [
    (["train", "--data", "moons", "--lr", "-1"],
     "badak: 오류: 인자 --lr: 0보다 큰 숫자가 필요합니다. 받은 값: -1 ('badak train --help' 참고)",
     "badak: error: argument --lr: expected a number > 0; received -1 "
     "(see 'badak train --help')"),
    (["train", "--data", "moons", "--epochs", "two"],
     "badak: 오류: 인자 --epochs: 양의 정수이(가) 필요합니다. 받은 값: 'two' "
     "('badak train --help' 참고)",
     "badak: error: argument --epochs: expected a positive integer; received 'two' "
     "(see 'badak train --help')"),
    (["gd", "x**2", "--x0", "1", "--method", "adam"],
     "badak: 오류: 인자 --method: 잘못된 선택: 'adam' (다음 중에서 고르세요: 'gd', 'newton') "
     "('badak gd --help' 참고)",
     "badak: error: argument --method: invalid choice: 'adam' (choose from 'gd', 'newton') "
     "(see 'badak gd --help')"),
    (["gd", "x**2"],
     "badak: 오류: 다음 인자가 필요합니다: --x0 ('badak gd --help' 참고)",
     "badak: error: the following arguments are required: --x0 (see 'badak gd --help')"),
    (["boston", "--folds", "1"],
     "badak: 오류: --folds는 2 이상이어야 합니다. 받은 값: 1",
     "badak: error: --folds must be at least 2; received 1"),
    (["graph", "x + y", "--var", "x=1", "--var", "x=2"],
     "badak: 오류: --var에 'x'이(가) 두 번 이상 있습니다",
     "badak: error: --var gives 'x' more than once"),
    (["playground", "--port", "0"],
     "badak: 오류: 인자 --port: [1, 65535] 범위의 포트 번호가 필요합니다. 받은 값: '0' "
     "('badak playground --help' 참고)",
     "badak: error: argument --port: expected a port number in [1, 65535]; received '0' "
     "(see 'badak playground --help')"),
])
def test_errors_in_korean_and_unchanged_in_english(argv, korean, english, capsys, monkeypatch):
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == english
    assert main([*argv, "--lang", "ko"]) == 2
    assert capsys.readouterr().err.strip() == korean
    _korean_locale(monkeypatch)                   # the locale alone gives the same
    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == korean
    assert main([*argv, "--lang", "en"]) == 2     # and --lang en undoes it
    assert capsys.readouterr().err.strip() == english


def test_a_missing_file_is_reported_in_korean_with_the_file_named(tmp_path, capsys):
    missing = tmp_path / "nope.npz"
    assert main(["predict", str(missing), "--data", "x.csv", "--lang", "ko"]) == 2
    assert capsys.readouterr().err.strip() == \
        f"badak: 오류: 모델 파일 {str(missing)!r}이(가) 없습니다"
    folder = tmp_path / "rows.csv"
    folder.mkdir()
    assert main(["train", "--data", str(folder), "--target", "y", "--lang", "ko",
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"badak: 오류: CSV 파일 {str(folder)!r}은(는) 폴더입니다. 일반 파일이어야 합니다"


def test_a_bad_csv_is_reported_in_korean(tmp_path, capsys):
    data = tmp_path / "houses.csv"
    data.write_text("size,price\n50,1\n60,two\n70,3\n80,4\n90,5\n", encoding="utf-8")
    assert main(["train", "--data", str(data), "--target", "price", "--task", "regression",
                 "--lang", "ko", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("badak: 오류: --task regression(회귀)에는 열 'price'이(가) 숫자여야 합니다. "
                   "3번째 줄의 값은 'two'입니다")


def test_a_command_is_required_in_korean(capsys):
    assert main(["--lang", "ko"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("사용법: badak ")
    assert err.strip().endswith("badak: 오류: 명령이 필요합니다 ('badak --help' 참고)")


def test_user_error_keeps_its_template_and_translates_phrases_only():
    error = UserError("{what} {path!r} does not exist", what=Phrase("the CSV file"),
                      path="the CSV file")
    assert str(error) == "the CSV file 'the CSV file' does not exist"
    # the Phrase is translated, the plain value (a user's file name) never is
    assert error.in_language("ko") == "CSV 파일 'the CSV file'이(가) 없습니다"
    assert error.in_language("en") == str(error)
    # a message outside the catalog stays English, braces and all
    assert UserError("odd {braces}").in_language("ko") == "odd {braces}"
    nested = Phrase("the network {sizes}", sizes="2-3-1")
    assert nested == "the network 2-3-1" and nested.in_language("ko") == "신경망 2-3-1"


def test_no_message_of_the_command_line_is_built_without_the_catalog():
    """Every UserError and BadValue raised in badak/interfaces/cli takes an ``N_`` template (an
    f-string message would be printed in English under --lang ko)."""
    offenders = []
    paths = sorted(CLI_DIR.rglob("*.py"))
    assert len(paths) > 10, CLI_DIR       # the scan must see the command line's sources
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"raise (UserError|BadValue|ValueError|"
                                 r"argparse\.ArgumentTypeError)\((?!N_\(|template|"
                                 r"e\.in_language\(lang\)|str\(err\)\) from None  # library)",
                                 text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.name}:{line}")
    assert offenders == []


# ------------------------------------------------------------------ output language
def test_a_global_lang_sets_the_commands_output(capsys, tmp_path):
    assert main(["--lang", "ko", "perceptron", "--gate", "and"]) == 0
    assert "에폭 만에 수렴" in capsys.readouterr().out
    assert main(["--lang", "ko", "graph", "x * y", "--var", "x=2", "--var", "y=3",
                 "--format", "dot", "--out", str(tmp_path)]) == 0
    assert f"계산 그래프 (DOT): {tmp_path / 'graph.dot'}" in capsys.readouterr().out


def test_playground_pages_follow_an_explicit_lang_only():
    assert build_parser("ko").parse_args(["playground"]).lang == "ko"
    assert build_parser("en").parse_args(["playground", "--lang", "ko"]).lang == "ko"
    assert build_parser().parse_args(["playground"]).lang is None   # the browser's
    assert build_parser().parse_args(["gd", "x", "--x0", "1"]).lang == "en"


def test_train_prints_in_korean(tmp_path, capsys):
    assert main(["train", "--data", "xor", "--hidden", "4", "--epochs", "2", "--samples", "40",
                 "--lang", "ko", "--quiet", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "다층 퍼셉트론 2-4-2 (relu) 학습, 데이터 xor: 훈련 32행과 검증 8행, 분류" in out
    assert f"모델: {tmp_path / 'model.npz'}" in out and "최종: " in out
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2,label\n0.1,0.9,1\n0.9,0.9,0\n", encoding="utf-8")
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(tmp_path / "model.npz"), "--data", str(rows),
                 "--output", str(preds), "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert f"행 2개의 예측: {preds}" in out and f"{rows}에서의 정확도: " in out


def test_boston_prints_in_korean(tmp_path, capsys):
    assert main(["boston", "--folds", "2", "--epochs", "1", "--batch-size", "101", "--quiet",
                 "--lang", "ko", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2-겹 교차 검증" in out and "폴드 1: 최종 검증 평균 절대 오차" in out
    assert f"곡선: {tmp_path / 'boston_cv.png'}" in out


def test_graph_prints_its_backward_trace_in_korean(tmp_path, capsys):
    argv = ["graph", "apple * count", "--var", "apple=100", "--var", "count=2",
            "--format", "dot", "--out", str(tmp_path)]
    assert main([*argv, "--lang", "ko"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "out = 200의 역전파 추적"
    assert lines[1].split() == ["#", "연산", "출력", "상류", "기울기", "입력", "국소적", "미분",
                                "전해지는", "기울기", "=", "상류", "×", "국소적", "미분"]
    # Hangul takes two columns: the dashes under each heading are as wide as it looks
    assert lines[2].split()[1] == "----" and "잎에 도달한 기울기:" in lines
    assert main([*argv, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("backward trace of out = 200\n#  op   output") and \
        "gradients at the leaves:" in text


def test_trace_markdown_in_korean_names_the_rule_of_a_matrix_op():
    import badak
    from badak.lecture.explain import trace

    x = badak.tensor([[1.0, 2.0]], requires_grad=True)
    x.name = "x"
    md = trace(x.sum()).to_markdown(lang="ko")
    assert md.startswith("`t1` = 3의 역전파 추적")
    assert "| gy를 합한 모든 원소에 복사 |" in md
    assert "gy copied to every summed element" in trace(x.sum()).to_markdown()


@pytest.mark.parametrize("command", [c.NAME for c in COMMANDS])
def test_korean_option_help_fits_the_terminal(command, capsys, monkeypatch):
    """argparse wraps by characters; a Hangul syllable takes two columns, so badak's Korean
    help wraps by columns (COLUMNS=80 here)."""
    from badak.interfaces.cli.app import _columns

    monkeypatch.setenv("COLUMNS", "80")
    assert main([command, "--help", "--lang", "ko"]) == 0
    text = capsys.readouterr().out
    options = text.split("\n옵션:\n")[1].split("\n\n")[0].splitlines()
    assert len(options) >= 3
    assert [line for line in options if _columns(line) > 80] == []
    assert max(_columns(line) for line in text.splitlines() if "badak" not in line) <= 100
