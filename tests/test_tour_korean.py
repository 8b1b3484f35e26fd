"""The lecture in Korean and English (issue 14): every message translated, the Korean report
written in Korean, Hangul in pictures with real glyphs, and each experiment's numbers
recomputed here and found in the report of both languages."""

import io
import re
import string
import warnings
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest

from badak import i18n
from badak.interfaces.cli import main

pytest.importorskip("matplotlib")
babel = pytest.importorskip("babel")


def _run_tour(out, *argv):
    stdout, stderr = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(record=True) as caught, redirect_stdout(stdout), \
            redirect_stderr(stderr):
        warnings.simplefilter("always")
        code = main(["tour", "--quick", "--out", str(out), *argv])
    assert code == 0, stderr.getvalue()
    return (out / "report.md").read_text(encoding="utf-8"), stdout.getvalue(), \
        [str(w.message) for w in caught]


@pytest.fixture(scope="module")
def tours(tmp_path_factory):
    """The quick tour in English, and in Korean chosen by the locale (LANG=ko_KR.UTF-8)."""
    en_out = tmp_path_factory.mktemp("tour_en")
    ko_out = tmp_path_factory.mktemp("tour_ko")
    en = _run_tour(en_out, "--lang", "en")
    with pytest.MonkeyPatch.context() as mp:
        for key in ("LC_ALL", "LC_MESSAGES"):
            mp.delenv(key, raising=False)
        mp.setenv("LANG", "ko_KR.UTF-8")
        ko = _run_tour(ko_out)
    return {"en": (en_out, *en), "ko": (ko_out, *ko)}


def _prose(report: str) -> list[str]:
    """The report's prose lines: no tables, code, pictures, headings or empty lines."""
    lines, code = [], False
    for line in report.splitlines():
        if line.startswith("```"):
            code = not code
            continue
        stripped = line.strip().lstrip(">").strip()
        if code or not stripped or stripped.startswith(("|", "![", "#", "*(")):
            continue
        lines.append(stripped)
    return lines


# ------------------------------------------------------------------ the catalog
def test_every_message_has_a_korean_translation_and_the_mo_is_current():
    from badak.i18n import catalog

    assert catalog.problems() == []


def test_translations_keep_every_placeholder():
    from badak.i18n import catalog

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)

    messages = [m for m in catalog.read_catalog() if m.id]
    assert len(messages) > 200
    for m in messages:
        assert fields(m.id) == fields(m.string), m.id
        assert i18n.gettext(m.id, "ko") == m.string      # the compiled .mo says the same
        assert i18n.gettext(m.id, "en") == m.id


def test_language_choice():
    assert i18n.language_from_env({"LANG": "ko_KR.UTF-8"}) == "ko"
    assert i18n.language_from_env({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}) == "en"
    assert i18n.language_from_env({"LC_MESSAGES": "ko", "LANG": "C"}) == "ko"
    assert i18n.language_from_env({}) == "en"
    with pytest.raises(ValueError, match=r"lang must be one of \{'en', 'ko'\}; received "
                                         r"lang='fr'"):
        i18n.translator("fr")


def test_glossary_holds_the_lecture_terms():
    terms = {e.ko: e for e in i18n.glossary()}
    for ko in ("순전파", "역전파", "계산 그래프", "국소적 계산", "국소적 미분", "연쇄 법칙",
               "덧셈 노드", "곱셈 노드", "기울기 소실", "임계값", "편향", "가중치", "학습률",
               "경사하강법", "테일러 급수", "다층 퍼셉트론", "은닉층", "활성화 함수", "과적합",
               "과소적합", "교차 검증", "평균 절대 오차"):
        assert ko in terms and terms[ko].en, ko
    assert terms["역전파"].en == "backpropagation"
    assert terms["편향"].badak.startswith("Linear.bias")


# ------------------------------------------------------------------ the Korean report
def test_the_korean_report_is_written_in_korean(tours):
    out, report, stdout, _warnings = tours["ko"]
    prose = _prose(report)
    assert len(prose) > 60
    assert i18n.hangul_share(" ".join(prose)) > 0.6
    # every paragraph of prose with real words is mostly Hangul, not English with a heading
    wordy = [line for line in prose if sum(c.isascii() and c.isalpha() for c in line) > 40]
    assert all(i18n.hangul_share(line) > 0.25 for line in wordy), \
        [line for line in wordy if i18n.hangul_share(line) <= 0.25]
    headings = re.findall(r"^## (.+)$", report, flags=re.MULTILINE)
    assert headings[0] == "차례" and all(i18n.hangul_share(h) > 0.3 for h in headings)
    assert "보고서:" in stdout
    assert (out / "glossary.md").read_text(encoding="utf-8").count("\n|") > 40


def test_the_english_report_stays_english(tours):
    _out, report, _stdout, _w = tours["en"]
    prose = _prose(report)
    assert i18n.hangul_share(" ".join(prose)) < 0.02


def test_korean_pictures_have_no_missing_glyphs(tours):
    for lang in ("en", "ko"):
        out, _report, _stdout, caught = tours[lang]
        assert not [m for m in caught if "missing from font" in m], lang
        assert len(list(out.glob("*.png"))) >= 12


def test_a_korean_figure_needs_the_hangul_font(tmp_path):
    from badak.lecture.plots import new_figure, plot_history, save_figure

    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plot_history(history, lang="ko", path=tmp_path / "ko.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "훈련 loss" in texts and "에폭 (훈련 데이터를 도는 횟수)" in texts
    # without the fallback the same text has no glyphs in matplotlib's default font
    fig, axes = new_figure()
    axes[0, 0].set_title("뷁똠햏 (rare syllables, never drawn before in this process)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")     # plain matplotlib, no badak help
    assert any("missing from font" in str(w.message) for w in caught)
    assert i18n.use_hangul_font(fig) == 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        save_figure(fig, tmp_path / "fixed.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]


# ------------------------------------------------------------------ the numbers, both languages
def _numbers_in(report: str, *numbers: str) -> None:
    for n in numbers:
        assert n in report, n


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_chain_rule_nodes_and_apples_and_oranges(tours, lang):
    _out, report, _s, _w = tours[lang]
    # z = t², t = x + y at (1, 2): t = 3, z = 9, ∂z/∂x = ∂z/∂y = 2t = 6
    _numbers_in(report, "t = 3, z = 9", "= 2t = 6", "∂z/∂y = 6")
    # a = 5, b = 3, upstream 1.3: add (1.3, 1.3), subtract (1.3, -1.3), multiply (3.9, 6.5)
    _numbers_in(report, "| a + b | 1.3 | 1.3 |", "| a - b | 1.3 | -1.3 |", "| a × b | 3.9 | 6.5 |")
    # 2 apples at 100, 3 oranges at 150, tax 1.1: (200 + 450) · 1.1 = 715
    total = (2 * 100 + 3 * 150) * 1.1
    assert f"{total:.4g}" == "715"
    for book, value in (("2.2", 2 * 1.1), ("110", 100 * 1.1), ("3.3", 3 * 1.1),
                        ("165", 150 * 1.1), ("650", 2 * 100 + 3 * 150)):
        assert f"| {book} | {value:.4g} |" in report


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_gradient_descent_boxes(tours, lang):
    _out, report, _s, _w = tours[lang]
    # x² from -3, α = 0.1: f'(-3) = -6, x₁ = -2.4, f = 5.76; first order 9 - 0.1·36 = 5.4
    _numbers_in(report, "f'(-3) = -6 < 0", "5.76", "5.4 = 9 - 0.1·(-6)²")
    # the typo x_new = x_new: 3 - 0.1·6 = 2.4 every time, and |2.4 - 3| = 0.6
    _numbers_in(report, "2.4, 2.4, 2.4, 2.4, 2.4", "= 0.6")
    # 10x² with α = 0.5: x ← (1 - 10)x = -9x from 1: |x| > 1e12 first at step 13
    k = next(k for k in range(1, 100) if 9.0 ** k > 1e12 or 10 * 81.0 ** k > 1e12)
    assert re.search(rf"\b{k}\s*(단계|\.)", report) or f"step {k}." in report


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_activation_numbers(tours, lang):
    _out, report, _s, _w = tours[lang]
    sig = 1 / (1 + np.exp(-np.array([5.0, 10.0, 20.0, 30.0])))
    for v in sig * (1 - sig):
        assert f"{v:.2e}" in report
    relu = 1 / np.sqrt(2 * np.pi)
    _numbers_in(report, f"ReLU {relu:.3f}", f"{0.99 * relu:.3f}")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_linear_collapse_and_signs(tours, lang):
    _out, report, _s, _w = tours[lang]
    _numbers_in(report, "= c³x", f"{2.0 ** 3:g}·x")
    # sigmoid outputs are all positive: δ·xᵢ all share δ's sign in every sample (100%)
    assert "100%" in report


def test_section_numbers_match_independent_computations(tmp_path):
    from badak.datasets import load_boston
    from badak.lecture import tour
    from badak.lecture.tour.diagnostics import gradient_signs
    from badak.lecture.tour.xor import linear_collapse

    signs = gradient_signs()["same_sign_share"]
    assert signs["sigmoid"] == 1.0 and signs["tanh"] < 0.01
    collapse = linear_collapse()
    assert collapse["three_times"] == 8.0 and collapse["max_difference"] < 1e-5
    r = tour.boston_housing(tmp_path, folds=2, epochs=1, batch_size=128, final=False).results
    (x, y), _ = load_boston()
    design = np.column_stack([np.ones(len(x)), (x - x.mean(0)) / x.std(0)])
    coef = np.linalg.solve(design.T @ design, design.T @ y)
    assert r["linear_train_mae"] == pytest.approx(np.abs(design @ coef - y).mean(), rel=1e-9)
    assert r["linear_bias"] == pytest.approx(y.mean())


def test_korean_sections_carry_the_same_numbers(tmp_path):
    from badak.lecture import tour

    en = tour.gates_and_perceptron(tmp_path / "en", lang="en")
    ko = tour.gates_and_perceptron(tmp_path / "ko", lang="ko")
    assert en.results == ko.results
    for text in (en.markdown, ko.markdown):
        assert "-0.2 x1 - 0.1 x2 > -0.3" in text and "> -0.2" in text   # exact, and floats
        assert "b = 0.3" in text and "5.6e-17" in text
    assert i18n.hangul_share(ko.title) > 0.5 and ko.title == "논리 회로와 퍼셉트론"


def test_the_catalog_check_notices_a_stale_mo(tmp_path, monkeypatch):
    from babel.messages.mofile import write_mo

    from badak.i18n import catalog

    stale = catalog.read_catalog()
    first = next(m for m in stale if m.id)
    first.string = first.string + " (old)"
    path = tmp_path / "badak.mo"
    with path.open("wb") as f:
        write_mo(f, stale)
    monkeypatch.setattr(catalog, "MO_FILE", path)
    assert any("does not match" in p for p in catalog.problems())


@pytest.mark.parametrize("command", ["tour", "gd", "perceptron", "activations"])
def test_command_help_follows_a_korean_locale(command, capsys, monkeypatch):
    for key in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    description = text.split("옵션:")[0].split("\n\n", 1)[1]   # argparse's headings too
    assert i18n.hangul_share(description) > 0.5
    assert "출력과 도움말의 언어" in text
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert main([command, "--help"]) == 0
    assert i18n.hangul_share(capsys.readouterr().out) < 0.05


def test_commands_print_in_korean(capsys, tmp_path):
    assert main(["perceptron", "--gate", "nand", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "6 에폭 만에 수렴: 모든 표본이 맞음" in out and "-0.2 x1 - 0.1 x2 > -0.3" in out
    assert main(["gd", "x**3", "--x0", "0", "--lang", "ko"]) == 0
    assert "정류점 (f' = 0): 변곡점 (극솟값이 아님)" in capsys.readouterr().out
    assert main(["activations", "--lang", "ko", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "N(0, 1)에서의 평균" in out and "그림:" in out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_each_section_prints_the_numbers_it_measured(tmp_path, lang):
    from badak.lecture import tour

    back = tour.apple_backprop(tmp_path, lang=lang)
    cost = back.results["cost"][-1]
    assert f"{cost['numerical_s'] / cost['backprop_s']:.0f}" in back.markdown
    assert all(r["max_difference"] < 1e-6 for r in back.results["cost"])
    act = tour.activation_atlas(tmp_path, lang=lang)
    for key in ("exp_over_max", "sigmoid_over_relu", "tanh_over_relu"):
        assert f"{act.results['exp_cost'][key]:.1f}" in act.markdown, key
    assert f"{act.results['sigmoid_output_accuracy']:.0%}" in act.markdown
    assert act.results["sigmoid_output_accuracy"] > 0.9
    xor = tour.mlp_xor(tmp_path, epochs=10, lang=lang)
    fit = xor.results["fitting"]
    for key in ("over_train_loss", "over_val_loss", "under_train_loss", "under_val_loss"):
        assert f"{fit[key]:.3f}" in xor.markdown, key
    for name, acc in xor.results["activations"].items():
        assert f"{acc:.0%}" in xor.markdown, name
    assert fit["over_val_loss"] > fit["over_best_val_loss"]      # validation rose: overfitting
    diag = tour.diagnostics(tmp_path, width=24, epochs=2, lang=lang)
    for act_name, norm in diag.results["poor_init_first_layer_norm"].items():
        assert f"{norm:.1e}" in diag.markdown, act_name
        assert norm < 1e-3 * diag.results["first_layer_norm"][act_name]
