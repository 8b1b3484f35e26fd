"""Section 2 of the tour: gradient descent and the Taylor check (Saito, ch. 4)."""

from __future__ import annotations

import numpy as np

from badak.tour.report import (
    Section,
    _code,
    _md_table,
    _out_dir,
    _picture,
    _warned,
)


def gradient_descent(out_dir, steps: int = 10) -> Section:
    """Gradient descent on x² with the Taylor check, divergence at α = 1.1, and a 2-D path."""
    from badak.gd import minimize

    out = _out_dir(out_dir)
    files: list[str] = []

    def square(x):
        return x ** 2

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

    def bowl(v):  # Saito §6.1: f(x, y) = x²/20 + y², steep in y and flat in x
        return v[0] ** 2 / 20 + v[1] ** 2

    zigzag = minimize(bowl, [-7.0, 2.0], lr=0.9, steps=30)
    newton = minimize(bowl, [-7.0, 2.0], lr=1.0, steps=3, method="newton")

    def draw():
        from badak.gd import plot_path
        from badak.plots import new_figure

        fig, axes = new_figure(1, 3, figsize=(16, 4.4))
        plot_path(run, square, ax=axes[0, 0])
        plot_path(zigzag, bowl, ax=axes[0, 1])
        plot_path(newton, bowl, ax=axes[0, 2])
        fig.tight_layout()
        return fig

    picture = _picture(out, "gradient_descent.png", files, "Gradient descent on x², the "
                       "zig-zag on x²/20 + y², and Newton's step", draw)

    md = f"""Gradient descent steps against the gradient, x ← x - α f'(x). Taylor's theorem says
why it goes downhill: f(x - αg) ≈ f(x) - α g² (first order), with an error of order α² (the
second-order term (α²/2) g² f''(x)). On f(x) = x² from x₀ = 3 with α = 0.1 each step multiplies
x by 1 - 2α = 0.8, so x_k = 3·0.8^k (largest gap to the closed form over {len(run.xs)} points:
{gap:.2g}). Each row shows f(x_new) beside its first-order prediction:

{_code(run.table())}

The error of the first-order prediction shrinks like α² (halving α quarters it; on x² the
error is exactly the second-order term, 36 α² at x = 3):

{_md_table(("α", "f(x₁)", "first-order prediction", "error", "error / α²",
            "second-order term"), taylor_rows)}

With α = 1.1 every step multiplies x by 1 - 2.2 = -1.2: the iterates run away. badak warns and
stops before any inf or NaN:

> {big.stopped_reason}{(chr(10) + '> ' + big_warnings[0]) if big_warnings else ''}

On f(x, y) = x²/20 + y² (Saito §6.1) the gradient points mostly along y, so gradient descent
zig-zags (α = 0.9, {len(zigzag.steps)} steps, f = {zigzag.f:.3g}), while Newton's method, which
rescales each direction by the curvature, lands on the minimum of this quadratic in one step
(f = {newton.f:.3g}):

{picture}
"""
    results = {"closed_form_gap": gap, "diverged": big.diverged,
               "taylor_error_over_lr2": [float(r[4]) for r in taylor_rows],
               "zigzag_f": zigzag.f, "newton_f": newton.f}
    summary = [f"gradient descent: x_k = 3·0.8^k to {gap:.1g}; α = 1.1 "
               f"{'diverges' if big.diverged else 'grows'}; Newton solves x²/20 + y² in one step"]
    return Section("Gradient descent and the Taylor check", md, files, summary, results)
