"""Charts as PNG images, drawn headless with matplotlib's object API (no pyplot, no display,
no global state), sized for a phone: about 900 px wide, large type, at most ten bars a panel.

Labels come in already translated; emoji are dropped from them (the chart's font has none).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

MAX_BARS = 10
WIDTH_INCHES = 7.0
DPI = 130  # 910 px wide
COLOURS = ("#1f6f8b", "#e07a5f", "#3d405b", "#81b29a", "#f2cc8f")


@dataclass(frozen=True)
class Panel:
    """One horizontal bar chart: a title, and (label, value, value as shown) per bar."""

    title: str
    bars: Sequence[tuple[str, float, str]]


def plain(label: str) -> str:
    """The label without emoji and other symbols the chart's font cannot draw."""
    kept = "".join(c for c in label if unicodedata.category(c)[0] in "LNPZ" or c in "+-%")
    return " ".join(kept.split())


def draw(title: str, panels: Sequence[Panel]) -> bytes:
    """A PNG of the panels stacked under the title (panels without bars are left out)."""
    # Imported here: matplotlib costs the bot's start-up time and memory until a chart is asked.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = [p for p in panels if p.bars]
    if not shown:
        raise ValueError("nothing to draw")
    heights = [0.9 + 0.42 * min(len(p.bars), MAX_BARS) for p in shown]
    figure = Figure(figsize=(WIDTH_INCHES, 0.8 + sum(heights)), dpi=DPI)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(len(shown), 1, height_ratios=heights)
    for index, panel in enumerate(shown):
        axes = figure.add_subplot(grid[index])
        bars = list(panel.bars)[:MAX_BARS]
        labels = [plain(label) for label, _, _ in bars][::-1]
        values = [value for _, value, _ in bars][::-1]
        texts = [text for _, _, text in bars][::-1]
        drawn = axes.barh(labels, values, color=COLOURS[index % len(COLOURS)], height=0.7)
        axes.bar_label(drawn, labels=texts, padding=4, fontsize=12)
        axes.set_title(plain(panel.title), loc="left", fontsize=14, fontweight="bold")
        axes.tick_params(axis="y", labelsize=12, length=0)
        axes.set_xticks([])
        axes.set_xlim(0, (max(values) or 1) * 1.35)
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
    figure.suptitle(plain(title), fontsize=16, fontweight="bold", x=0.02, ha="left")
    figure.tight_layout()
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
