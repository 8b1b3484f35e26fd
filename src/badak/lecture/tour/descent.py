"""Section 2 of the tour: gradient descent and the Taylor check (Saito, ch. 4), with what the
lecture note gets wrong about it measured."""

from __future__ import annotations

import numpy as np

from badak.i18n import translator
from badak.lecture.tour.report import (
    Section,
    _box,
    _code,
    _md_table,
    _out_dir,
    _picture,
    _warned,
)


def typo_stopping_rule(x0: float, lr: float, steps: int) -> list[float]:
    """The note's loop with its typo ``x_new = x_new``: x_old is never replaced.

    Each pass computes x_new = x_old - lr·f'(x_old) for f = x² from the same x_old, so the
    iterates never move past the first step. Returns the x_new of every pass.
    """
    x_old, seen = float(x0), []
    for _ in range(steps):
        x_new = x_old - lr * 2 * x_old   # f'(x) = 2x
        x_new = x_new                    # the note's typo (should be x_old = x_new)
        seen.append(x_new)
    return seen


def gradient_descent(out_dir, steps: int = 10, lang: str = "en") -> Section:
    """Gradient descent on x² with the Taylor check, divergence at α = 1.1, and a 2-D path."""
    from badak.lecture.gd import minimize

    _ = translator(lang)
    out = _out_dir(out_dir)
    files: list[str] = []

    def square(x):
        return x ** 2

    def steep(x):  # 10x²: f'' = 20, so α must stay below 2/20 = 0.1
        return 10 * x ** 2

    run = minimize(square, 3.0, lr=0.1, steps=steps)
    closed = 3.0 * 0.8 ** np.arange(len(run.xs))
    gap = float(np.max(np.abs(run.xs - closed)))

    taylor_rows = []
    for lr in (0.2, 0.1, 0.05, 0.025):
        first = minimize(square, 3.0, lr=lr, steps=1).steps[0]
        taylor_rows.append((lr, f"{first.f_new:.6g}", f"{first.taylor1:.6g}",
                            f"{first.taylor1_error:.6g}", f"{first.taylor1_error / lr ** 2:.4g}",
                            f"{first.second_order_term:.6g}"))
    big, big_warnings = _warned(minimize, square, 3.0, lr=1.1, steps=200)
    left = minimize(square, -3.0, lr=0.1, steps=1).steps[0]
    steep_run, _w = _warned(minimize, steep, 1.0, lr=0.5, steps=200)
    steep_ok = minimize(steep, 1.0, lr=0.09, steps=200)
    typo = typo_stopping_rule(3.0, 0.1, 5)

    def bowl(v):  # Saito §6.1: f(x, y) = x²/20 + y², steep in y and flat in x
        return v[0] ** 2 / 20 + v[1] ** 2

    zigzag = minimize(bowl, [-7.0, 2.0], lr=0.9, steps=30)
    newton = minimize(bowl, [-7.0, 2.0], lr=1.0, steps=3, method="newton")
    first = run.steps[0]

    def draw():
        from badak.lecture.gd import plot_path
        from badak.lecture.plots import new_figure

        fig, axes = new_figure(2, 2, figsize=(13, 9.5))
        ax = axes[0, 0]
        plot_path(run, square, ax=ax, lang=lang)
        grid = np.linspace(0.5, 3.6, 50)
        ax.plot(grid, first.f_old + float(first.grad) * (grid - 3.0), ":", color="tab:green",
                label=_("tangent at x₀ = 3 (first-order Taylor)"))
        ax.plot([float(first.x_new)], [first.taylor1], "v", color="tab:green", ms=9,
                label=_("first-order prediction {p:.3g} (actual {a:.3g})").format(
                    p=first.taylor1, a=first.f_new))
        ax.set_ylim(-0.5, 10)
        ax.legend(loc="upper left", fontsize="small")
        ax = axes[0, 1]
        alphas = np.linspace(0.0, 0.16, 321)
        ax.plot(alphas, np.abs(1 - 20 * alphas), color="tab:purple",
                label=_("|1 - α·f''| on 10x² (f'' = 20): the factor per step"))
        ax.axhline(1, color="0.5", lw=0.8)
        ax.axvline(0.1, color="tab:red", ls="--", label=_("α = 2/f'' = 0.1: the real limit"))
        ax.fill_between(alphas, 0, 3.2, where=alphas > 0.1, color="tab:red", alpha=0.1,
                        label=_("diverges (|factor| > 1)"))
        ax.set_xlabel(_("learning rate α (no unit)"))
        ax.set_ylabel(_("|x_new / x_old| (no unit)"))
        ax.set_ylim(0, 3.2)
        ax.set_title(_("The α limit is 2/f'', not 1 (α = 0.5 on 10x²: factor 9)"))
        ax.legend(loc="upper left", fontsize="small")
        plot_path(zigzag, bowl, ax=axes[1, 0], lang=lang)
        plot_path(newton, bowl, ax=axes[1, 1], lang=lang)
        fig.tight_layout()
        return fig

    picture = _picture(out, "gradient_descent.png", files,
                       _("Gradient descent on x² with the tangent line, the α limit, the "
                         "zig-zag on x²/20 + y², and Newton's step"), draw, lang=lang)

    taylor_table = _md_table(("α", "f(x₁)", _("first-order prediction"), _("error"),
                              _("error / α²"), _("second-order term")), taylor_rows)
    grew = big.steps[0]
    big_md = "> " + _("badak warned at step 1 that f grew from {f0:g} to {f1:.4g} (the learning "
                      "rate is too large) and stopped the run at step {k}, when |f(x)| passed "
                      "1e12, before any inf or NaN.").format(
        f0=grew.f_old, f1=grew.f_new, k=len(big.steps) + 1)
    md = "\n\n".join([
        _("""Gradient descent steps against the gradient, x ← x - α f'(x). Taylor's theorem says
why it goes downhill: f(x - αg) ≈ f(x) - α g² (first order), with an error of order α² (the
second-order term (α²/2) g² f''(x)). On f(x) = x² from x₀ = 3 with α = 0.1 each step multiplies
x by 1 - 2α = 0.8, so x_k = 3·0.8^k (largest gap to the closed form over {n} points: {gap:.2g}).
Each row shows f(x_new) beside its first-order prediction:""").format(n=len(run.xs), gap=gap),
        _code(run.table()),
        _("""The error of the first-order prediction shrinks like α² (halving α quarters it; on x²
the error is exactly the second-order term, 36 α² at x = 3):"""),
        taylor_table,
        _("""With α = 1.1 every step multiplies x by 1 - 2.2 = -1.2: the iterates run away. badak
warns and stops before any inf or NaN:"""),
        big_md,
        _box(_, _("f(x_new) - f(x_old) ≈ -α f'(x_old) · f'(x_old) < 0 because f'(x_old) is "
                  "always positive."),
             _("f'(x_old) can be negative; what is never negative is the product "
               "[f'(x_old)]² ≥ 0. From x₀ = -3 on x²: f'(-3) = {g:g} < 0, and still f falls "
               "from {f0:g} to {f1:.4g} (first-order prediction {t1:.4g} = 9 - 0.1·(-6)²).").format(
                 g=float(left.grad), f0=left.f_old, f1=left.f_new, t1=left.taylor1)),
        _box(_, _("The learning rate must satisfy 0 < α < 1."),
             _("The limit depends on the curvature: on a quadratic, gradient descent converges "
               "exactly when 0 < α < 2/f''. On 10x² (f'' = 20) that is α < 0.1, so α = 0.5, "
               "inside the note's range, multiplies x by 1 - 0.5·20 = -9 each step and badak stops "
               "it as diverging at step {k}. "
               "α = 0.09 ends at |x| = {x_ok:.2g} after {n_ok} steps. On x² (f'' = 2) any "
               "α < 1 works, which is where 1 comes from.").format(
                 k=len(steep_run.steps) + 1, x_ok=abs(steep_ok.x),
                 n_ok=len(steep_ok.steps))),
        _box(_, _("Repeat x_new = x_old - α f'(x_old); x_new = x_new until |x_new - x_old| < ε."),
             _("`x_new = x_new` is a typo for `x_old = x_new`. As written x_old never changes: "
               "five passes from x₀ = 3 with α = 0.1 give x_new = {seen}, the same number "
               "every time, and the stopping test |x_new - x_old| = {gap:g} never passes.").format(
                 seen=", ".join(f"{v:g}" for v in typo), gap=abs(typo[-1] - 3.0))),
        _("""On f(x, y) = x²/20 + y² (Saito §6.1) the gradient points mostly along y, so gradient
descent zig-zags (α = 0.9, {n} steps, f = {zf:.3g}), while Newton's method, which rescales each
direction by the curvature, lands on the minimum of this quadratic in one step
(f = {nf:.3g}):""").format(n=len(zigzag.steps), zf=zigzag.f, nf=newton.f),
        picture,
    ]) + "\n"
    results = {"closed_form_gap": gap, "diverged": big.diverged,
               "diverged_at": len(big.steps) + 1, "steep_diverged_at": len(steep_run.steps) + 1,
               "taylor_error_over_lr2": [float(r[4]) for r in taylor_rows],
               "zigzag_f": zigzag.f, "newton_f": newton.f,
               "left_start": {"grad": float(left.grad), "f_old": left.f_old,
                              "f_new": left.f_new, "taylor1": left.taylor1},
               "steep_diverged": steep_run.diverged, "steep_ok_x": steep_ok.x,
               "typo": typo}
    summary = [_("gradient descent: x_k = 3·0.8^k to {gap:.1g}; α = 1.1 diverges on x², α = 0.5 "
                 "on 10x²; Newton solves x²/20 + y² in one step").format(gap=gap)]
    return Section(_("Gradient descent and the Taylor check"), md, files, summary, results)
