"""The ``badak`` command (for now a short demo of the engine; ``badak tour`` comes later)."""

from __future__ import annotations

import sys


def demo() -> None:
    """Print the lecture's apple example: forward values and every gradient."""
    import badak

    price = badak.tensor(100.0, requires_grad=True)
    count = badak.tensor(2.0, requires_grad=True)
    tax = badak.tensor(1.1, requires_grad=True)
    total = price * count * tax
    total.backward()
    print("apple 100 x 2 x tax 1.1")
    print(f"  total            = {total.item():.1f}")
    print(f"  d total/d price  = {price.grad.item():.1f}")
    print(f"  d total/d count  = {count.grad.item():.1f}")
    print(f"  d total/d tax    = {tax.grad.item():.1f}")
    x = badak.tensor(2.0, requires_grad=True)
    (g,) = badak.grad(x ** 3, x, create_graph=True)
    (gg,) = badak.grad(g, x)
    print(f"d/dx x^3 at 2 = {g.item():.1f}, d2/dx2 = {gg.item():.1f}")


def main(argv: list[str] | None = None) -> int:
    demo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
