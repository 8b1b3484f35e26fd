"""Section 1 of the tour: logic gates and the perceptron (Saito, ch. 2)."""

from __future__ import annotations

from badak.tour.report import (
    Section,
    _md_table,
    _out_dir,
    _picture,
    _warned,
)


def gates_and_perceptron(out_dir, max_epochs: int = 20) -> Section:
    """Hand-wired gates, the perceptron rule on AND, OR, NAND, and its failure on XOR."""
    from badak.datasets import logic_gate
    from badak.perceptron import AND, NAND, OR, XOR, Perceptron

    out = _out_dir(out_dir)
    files: list[str] = []
    inputs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    wired = _md_table(("x1", "x2", "AND", "OR", "NAND", "XOR = AND(NAND, OR)"),
                      [(a, b, AND(a, b), OR(a, b), NAND(a, b), XOR(a, b)) for a, b in inputs])
    rows, notes, results, trained = [], [], {}, {}
    for gate in ("and", "or", "nand", "xor"):
        x, y = logic_gate(gate)
        p, caught = _warned(Perceptron(2, lr=0.1, max_epochs=max_epochs).fit, x, y)
        trained[gate] = (p, x, y)
        correct = int((p.predict(x) == y).sum())
        rows.append((gate.upper(), "yes" if p.converged_ else "**no**", p.n_epochs_,
                     " ".join(map(str, p.errors_)), f"{correct}/4",
                     p.describe().splitlines()[0].replace("threshold form: ", "")))
        results[gate] = {"converged": p.converged_, "epochs": p.n_epochs_, "correct": correct}
        notes += caught

    def draw():
        from badak.perceptron import plot_decision_line
        from badak.plots import new_figure

        fig, axes = new_figure(1, 4, figsize=(16, 4))
        for ax, (gate, (p, x, y)) in zip(axes[0], trained.items()):
            plot_decision_line(p, x, y, ax=ax)
            ax.set_title(f"{gate.upper()}: "
                         f"{'converged' if p.converged_ else 'did not converge'} "
                         f"({p.n_epochs_} epochs)", fontsize=10)
        fig.tight_layout()
        return fig

    picture = _picture(out, "perceptron_gates.png", files, "The perceptron's line on each gate",
                       draw)
    learned = _md_table(("gate", "converged", "epochs", "errors per epoch", "right",
                         "learned rule (threshold form)"), rows)
    warning = f"> {notes[0]}" if notes else ""
    md = f"""A perceptron fires when the weighted sum of its inputs passes a threshold θ:
y = 1 if w1·x1 + w2·x2 > θ (equivalently b + w·x > 0 with the bias b = -θ). The book's
hand-picked weights make AND, OR and NAND, and XOR needs two layers:

{wired}

The perceptron learning rule (w ← w + η(y - ŷ)x, b ← b + η(y - ŷ), η = 0.1, at most
{max_epochs} epochs) learns the first three and stops with errors left on XOR, because no
straight line separates {{(0,1), (1,0)}} from {{(0,0), (1,1)}}:

{learned}

{warning}

{picture}
"""
    summary = [f"perceptron: AND/OR/NAND learned in "
               f"{'/'.join(str(results[g]['epochs']) for g in ('and', 'or', 'nand'))} epochs; "
               f"XOR {'did not converge' if not results['xor']['converged'] else 'converged'} "
               f"({results['xor']['correct']}/4 right)"]
    return Section("Logic gates and the perceptron", md, files, summary, results)
