"""Write the figures of docs/plans.md (changing the plan of a running job) into docs/figures.

Run with: uv run python docs/figures/make_figures.py   (needs matplotlib, in the dev group)

Each figure is drawn from the schedules ``FIGURES`` builds, the same expressions as the
page's examples; ``tests/test_plans_docs.py`` checks that every figure the page shows
is one of them and exists.
"""

from __future__ import annotations

from pathlib import Path

from lrsched import Constant, Cosine, Schedule, Warmup, WarmupCosine, WarmupStableDecay

FIGURES_DIR = Path(__file__).parent

# A curve on a figure: its label, the schedule, the first step drawn and the line style.
Curve = tuple[str, Schedule, int, str]


def cooldowns() -> list[Curve]:
    """Cooldowns of 20% branching off one stable phase, one per checkpoint."""
    stable = Warmup(steps=1000, start_lr=0.0) >> Constant(lr=1e-3)
    curves: list[Curve] = [("stable phase", stable[:20_000], 0, "-")]
    for at in (4000, 8000, 12_000, 16_000):
        curves.append((f"cooldown at {at}", stable.cooldown(at=at, steps=at // 5), at, "--"))
    return curves


def wsd_budget() -> list[Curve]:
    """A WSD run whose budget doubles at step 6000: the stable phase runs on."""
    common = {"peak_lr": 1e-3, "min_lr": 0.0, "start_lr": 0.0, "warmup_steps": 1000}
    planned = WarmupStableDecay(
        **common, total_steps=10_000, decay_fraction=0.2, decay_shape="1-sqrt"
    )
    longer = WarmupStableDecay(
        **common, total_steps=20_000, decay_fraction=0.2, decay_shape="1-sqrt"
    )
    return [("planned, 10,000 steps", planned, 0, "--"), ("longer, 20,000 steps", longer, 0, "-")]


def cosine_budget() -> list[Curve]:
    """A warmup-cosine run whose budget doubles at step 4000: a re-fit decay from the
    rate it has, or the new plan's own curve from there on."""
    at = 4000
    planned = WarmupCosine(
        peak_lr=1e-3, min_lr=1e-5, start_lr=0.0, warmup_steps=1000, total_steps=10_000
    )
    fresh = WarmupCosine(
        peak_lr=1e-3, min_lr=1e-5, start_lr=0.0, warmup_steps=1000, total_steps=20_000
    )
    refit = planned[:at] | Cosine(base_lr=planned(at), min_lr=1e-5, total_steps=20_000 - at)
    return [
        ("planned, 10,000 steps", planned, 0, ":"),
        ("re-fit decay: planned[:4000] | Cosine(base_lr=planned(4000), ...)", refit, at, "-"),
        ("new plan from 4000: planned[:4000] | fresh[4000:]", planned[:at] | fresh[at:], at, "--"),
    ]


FIGURES = {
    "cooldowns": cooldowns,
    "wsd-budget": wsd_budget,
    "cosine-budget": cosine_budget,
}


def draw(name: str, curves: list[Curve], path: Path) -> None:
    from matplotlib.figure import Figure

    end = max(schedule.duration or 20_000 for _, schedule, _, _ in curves)
    figure = Figure(figsize=(7.0, 3.4), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    stride = max(1, end // 1000)
    for label, schedule, start, style in curves:
        stop = schedule.duration if schedule.duration is not None else end
        xs = list(range(start, stop + 1, stride))
        axes.plot(xs, [schedule(k) for k in xs], style, linewidth=1.5, label=label)
    axes.set_xlabel("step", fontsize=9)
    axes.set_ylabel("learning rate", fontsize=9)
    axes.set_xlim(0, end)
    axes.set_ylim(0, None)
    axes.tick_params(labelsize=8)
    axes.grid(True, alpha=0.3)
    figure.legend(fontsize=7, loc="outside lower center", ncols=2, frameon=False)
    # No software version in the file, so a rerun rewrites identical bytes.
    figure.savefig(path, metadata={"Software": None})


def main() -> None:
    for name, curves in FIGURES.items():
        draw(name, curves(), FIGURES_DIR / f"{name}.png")
    print(f"wrote {len(FIGURES)} figures in docs/figures")


if __name__ == "__main__":
    main()
