"""The design space ``msd plan`` searches, as data.

A factory is a top block, optionally fed by level-1 factories (docs/model/two-level.md). Each block is a
protocol on a layout run by a schedule (``BlockOption``); a fed block also has an arrangement
(``TopOption``). Distances range over odd integers; the extensions of
docs/model-extensions.md (per-patch d_z, region widths, per-step d_m, odd and mixed feeder
counts, feeders with several outputs) are explored by the search around the best points.
"""

from __future__ import annotations

from dataclasses import dataclass

OUTPUTS = ("T", "CCZ")


@dataclass(frozen=True)
class BlockOption:
    """One block: a built-in protocol, a layout and where its schedule comes from.

    Attributes:
        protocol: built-in protocol name.
        layout: "litinski", "small-footprint" (published) or "auto" (layouts.planner).
        regions: ancilla regions of an "auto" layout (1 or 2).
        schedule: "consistent" (published, without the departures of docs/model/published-schedules.md) or "cpsat".
    """

    protocol: str
    layout: str = "litinski"
    regions: int = 2
    schedule: str = "consistent"

    def __str__(self) -> str:
        where = f"auto-{self.regions}" if self.layout == "auto" else self.layout
        return f"{self.protocol} on {where} ({self.schedule})"


@dataclass(frozen=True)
class TopOption:
    """A block fed by other factories, with the arrangement that routes their states."""

    block: BlockOption
    arrangement: str = "litinski"

    def __str__(self) -> str:
        return f"{self.block}, {self.arrangement} arrangement"


@dataclass(frozen=True)
class Space:
    """What the planner may build.

    Attributes:
        output: "T" (|m> states) or "CCZ".
        one_level: blocks tried as one-level factories.
        feeders: blocks tried as level-1 factories (they must make T states).
        tops: fed blocks tried at level 2.
        d_max_1, d_max_2: largest distance at level 1 and at level 2.
        n_max: most level-1 factories per level-2 block.
        inner_tops: level-2 blocks of the two-level factories that feed a level 3 (published
            layouts and schedules, so that a three-level search stays within minutes).
        inner_targets: how many intermediate targets (one per decade) those are planned for.
    """

    output: str
    one_level: tuple[BlockOption, ...]
    feeders: tuple[BlockOption, ...]
    tops: tuple[TopOption, ...]
    d_max_1: int = 25
    d_max_2: int = 51
    n_max: int = 16
    inner_tops: tuple[TopOption, ...] = (
        TopOption(BlockOption("15-to-1")),
        TopOption(BlockOption("20-to-4")),
    )
    inner_targets: int = 4


def default_space(output: str = "T", wide: bool = False) -> Space:
    """Every block the tool can cost well, for T or CCZ outputs.

    T: 15-to-1 (published layouts and schedules, CP-SAT schedules, one-region auto layouts) and
    20-to-4 at either level (a 20-to-4 level 1 makes four states per run), and the 26-to-6
    member of the Bravyi-Haah (3k+8)-to-k family (Bravyi and Haah 2012) at level 2; ``wide``
    adds the 32-to-8 member at level 2 (11 patches: each simulated point costs about 20 times
    a 26-to-6 one, so a plan takes minutes). CCZ: 8-to-CCZ at the top, fed by the same level-1
    factories.
    """
    fifteen = BlockOption("15-to-1")
    feeders = (
        fifteen,
        BlockOption("15-to-1", schedule="cpsat"),
        BlockOption("15-to-1", "small-footprint"),
        BlockOption("20-to-4", "auto", 2, "cpsat"),
        BlockOption("20-to-4", "auto", 1, "cpsat"),
    )
    if output == "T":
        one_level = (
            fifteen,
            BlockOption("15-to-1", schedule="cpsat"),
            BlockOption("15-to-1", "small-footprint"),
            BlockOption("15-to-1", "small-footprint", schedule="cpsat"),
            BlockOption("20-to-4", "auto", 2, "cpsat"),
        )
        tops = (
            TopOption(fifteen),
            TopOption(BlockOption("15-to-1", schedule="cpsat")),
            TopOption(BlockOption("15-to-1", "small-footprint"), "small-footprint"),
            TopOption(
                BlockOption("15-to-1", "small-footprint", schedule="cpsat"), "small-footprint"
            ),
            TopOption(BlockOption("20-to-4")),
            TopOption(BlockOption("20-to-4", "auto", 2, "cpsat")),
            TopOption(BlockOption("20-to-4", "auto", 1, "cpsat"), "small-footprint"),
            TopOption(BlockOption("26-to-6", "auto", 2, "cpsat")),
        )
        if wide:
            tops += (TopOption(BlockOption("32-to-8", "auto", 2, "cpsat")),)
    elif output == "CCZ":
        one_level = (BlockOption("8-to-CCZ", "auto", 2, "cpsat"),)
        tops = (
            TopOption(BlockOption("8-to-CCZ")),
            TopOption(BlockOption("8-to-CCZ", "auto", 2, "cpsat")),
            TopOption(BlockOption("8-to-CCZ", "auto", 1, "cpsat"), "small-footprint"),
        )
    else:
        raise ValueError(f"output must be one of {OUTPUTS}, got {output!r}")
    return Space(output, one_level, feeders, tops)
