"""The search for the set of locations to ship from: a first plan (whole lines grouped by dynamic
programming, or a greedy cover), a branch and bound that proves it or finds the optimum within a
budget, and a local search that improves a plan the budget cut short."""

from __future__ import annotations

import math
from typing import Literal

from oms.sourcing.pricing import EPSILON, Instance

# Sets of locations the branch and bound may price. On the benchmark (tests/bench/sourcing_quality.py)
# it proves 199 of 200 orders optimal at about 1.1 ms an order; a budget of 100 proves 193.
NODE_BUDGET = 400
# Whole lines are grouped onto locations by dynamic programming up to this many lines (3^8 steps).
GROUPED_LINES = 8


class Search:
    """The chosen candidates, whether they are proven best, and for every other candidate the
    best plan found that uses it (for the trace)."""

    def __init__(self, instance: Instance, node_budget: int):
        self.instance = instance
        self.outcome: Literal["exact", "heuristic", "none"] = "none"
        self.rivals: dict[int, tuple[float, tuple[int, ...]]] = {}
        self.chosen: tuple[int, ...] = ()
        if not instance.size or instance.least_short == sum(instance.quantity):
            self.evaluated = len(instance.memo)
            return
        first = self._topped_up(self._grouped() if self._groupable() else self._greedy_cover())
        best, proven = BranchAndBound(instance, first, node_budget).run()
        self.chosen = self._local_search(best)
        self.outcome = "exact" if proven else "heuristic"
        self.evaluated = len(instance.memo)

    def _groupable(self) -> bool:
        return not self.instance.competing and len(self.instance.quantity) <= GROUPED_LINES

    def _grouped(self) -> tuple[int, ...]:
        """The cheapest grouping of whole lines onto single locations, by dynamic programming over
        subsets of lines; lines no single location can fill are left to the top-up."""
        inst = self.instance
        whole = [i for i, target in enumerate(inst.target)
                 if target and any(stock >= target for stock in inst.stock[i])]
        count = len(whole)
        block: list[tuple[float, int]] = [(math.inf, -1)] * (1 << count)
        for j in range(inst.size):
            fills = [bit for bit, i in enumerate(whole) if inst.stock[i][j] >= inst.target[i]]
            # Every group of the lines it fills, grown one line at a time from a smaller group.
            cost, group = [inst.shipment_cost], [0]
            for index in range(1, 1 << len(fills)):
                low = index & -index
                bit = fills[low.bit_length() - 1]
                cost.append(cost[index ^ low] + inst.target[whole[bit]] * inst.cost[whole[bit]][j])
                group.append(group[index ^ low] | 1 << bit)
                if cost[index] < block[group[index]][0] - EPSILON:
                    block[group[index]] = (cost[index], j)
        best: list[tuple[float, tuple[int, ...]]] = [(0.0, ())] + [(math.inf, ())] * ((1 << count) - 1)
        for mask in range(1, 1 << count):
            low = mask & -mask
            rest = mask ^ low
            sub = rest
            while True:
                group = sub | low
                cost, j = block[group]
                if j >= 0 and cost + best[mask ^ group][0] < best[mask][0] - EPSILON:
                    best[mask] = (cost + best[mask ^ group][0], (*best[mask ^ group][1], j))
                if not sub:
                    break
                sub = (sub - 1) & rest
        return tuple(sorted(set(best[(1 << count) - 1][1])))

    def _greedy_cover(self) -> tuple[int, ...]:
        """Fewest locations for most units: the one giving most of what is still missing first,
        the cheaper per unit on a tie."""
        inst = self.instance
        need = list(inst.quantity)
        chosen: list[int] = []
        while True:
            best = None
            for j in range(inst.size):
                if j in chosen:
                    continue
                room, units, cost = inst.capacity[j], 0, inst.shipment_cost
                for i, missing in enumerate(need):
                    take = min(missing, inst.stock[i][j], room)
                    room -= take
                    units += take
                    cost += take * inst.cost[i][j]
                if units and (best is None or (-units, cost / units, j) < best[0]):
                    best = ((-units, cost / units, j), j)
            if best is None:
                return tuple(sorted(chosen))
            j = best[1]
            chosen.append(j)
            room = inst.capacity[j]
            for i in range(len(need)):
                take = min(need[i], inst.stock[i][j], room)
                need[i] -= take
                room -= take

    def _topped_up(self, members: tuple[int, ...]) -> tuple[int, ...]:
        """Adds the location that fills most of what can still be filled until nothing can."""
        inst = self.instance
        while inst.price(members)[0] > inst.least_short:
            members = min((tuple(sorted((*members, j))) for j in range(inst.size) if j not in members),
                          key=self.instance.key)
        return inst.price(members)[2]

    def _local_search(self, members: tuple[int, ...]) -> tuple[int, ...]:
        """Moves to the best plan one drop, add or swap away until none is better. The last
        round's plans are, for every candidate left out, the best plan found that uses it."""
        inst = self.instance
        while True:
            current = self.instance.key(members)
            moves = [tuple(m for m in members if m != s) for s in members]
            rivals: dict[int, tuple[int, float, tuple[int, ...]]] = {}  # filling as much, using j
            for j in range(inst.size):
                if j in members:
                    continue
                for s in (None, *members):
                    move = tuple(sorted((*(m for m in members if m != s), j)))
                    moves.append(move)
                    key = self.instance.key(move)
                    if j in key[2] and key[0] == current[0] and (j not in rivals or key < rivals[j]):
                        rivals[j] = key
            better = min(moves, key=self.instance.key)
            if self.instance.key(better) >= current:
                self.rivals = {j: (key[1] - current[1], tuple(s for s in members if s not in key[2]))
                               for j, key in rivals.items()}
                return members
            members = inst.price(better)[2]


class BranchAndBound:
    """Sets of one candidate, then of two, then three (iterative deepening): the optimum mostly
    ships from few locations, so it is met early and its cost cuts the deeper levels short.
    Within a level, depth first with the most promising candidates first; a set is left out with
    everything above it when the cheapest plan it could hold cannot beat the best found: every
    member ships (a plan where one does not is a smaller set's), and the units every plan fills
    go at the cheapest prices its members, or the candidates still to come, offer.

    When lines do not compete, a member that ships nothing, or stops shipping when another joins,
    never ships in a larger set either (more offers only push a line to cheaper ones), so such a
    set and all above it are left out too.
    """

    def __init__(self, instance: Instance, first: tuple[int, ...], node_budget: int):
        self.inst = instance
        self.budget = node_budget
        self.best, self.best_key = first, instance.key(first)
        self.fill = sum(instance.quantity) - instance.least_short
        self.floors: dict[tuple[tuple[int, ...], int], float] = {}  # each deepening meets the last one's sets
        alone = []
        for j in range(instance.size):
            units = sum(row[j] for row in instance.stock)
            cost = instance.shipment_cost + sum(
                row[j] * prices[j] for row, prices in zip(instance.stock, instance.cost, strict=True))
            alone.append((cost / units if units else math.inf, j))
        self.order = [j for _, j in sorted(alone)]
        # For each line, the cheapest price and the stock among the candidates from position p on.
        lines = range(len(instance.quantity))
        self.cheapest_after = [[math.inf] * (instance.size + 1) for _ in lines]
        self.stock_after = [[0] * (instance.size + 1) for _ in lines]
        for i in lines:
            for p in range(instance.size - 1, -1, -1):
                j = self.order[p]
                offered = instance.cost[i][j] if instance.stock[i][j] else math.inf
                self.cheapest_after[i][p] = min(self.cheapest_after[i][p + 1], offered)
                self.stock_after[i][p] = self.stock_after[i][p + 1] + instance.stock[i][j]

    def run(self) -> tuple[tuple[int, ...], bool]:
        """The best set found, and whether it is proven best."""
        depth = 1
        try:
            while self._visit(0, (), depth):
                depth += 1
        except _BudgetSpent:
            return self.best, False
        return self.best, True

    def _visit(self, start: int, members: tuple[int, ...], depth: int) -> bool:
        """Looks at sets of up to `depth` more candidates; whether larger ones remain worth a look."""
        inst, deeper = self.inst, False
        for p in range(start, inst.size):
            # Any set above `members` drawing from position p on ships once more and buys no cheaper
            # than what those positions offer together; past the first p where that cannot win, no
            # later p can either (fewer offers remain).
            if self._floor(members, p) + inst.shipment_cost > self.best_key[1] + EPSILON:
                break
            grown = tuple(sorted((*members, self.order[p])))
            floor = self._floor(grown, p + 1)
            if floor > self.best_key[1] + EPSILON:
                continue
            if grown not in inst.memo:
                if self.budget <= 0:
                    raise _BudgetSpent
                self.budget -= 1
            key = inst.key(grown)
            if key < self.best_key:
                self.best, self.best_key = key[2], key
            if not inst.competing and key[2] != grown:
                continue
            if p + 1 < inst.size and floor + inst.shipment_cost <= self.best_key[1] + EPSILON:
                deeper = (self._visit(p + 1, grown, depth - 1) if depth > 1 else True) or deeper
        return deeper

    def _floor(self, members: tuple[int, ...], start: int) -> float:
        """The least a plan can cost in which these members all ship and the others come from
        position `start` on; infinite when those cannot fill what must be filled."""
        floor = self.floors.get((members, start))
        if floor is None:
            floor = self.floors[(members, start)] = self._least(members, start)
        return floor

    def _least(self, members: tuple[int, ...], start: int) -> float:
        inst = self.inst
        offers = []
        for i, target in enumerate(inst.target):
            if target:
                prices, stock = inst.cost[i], inst.stock[i]
                offers.extend((prices[j], stock[j], i) for j in members if stock[j])
                if self.stock_after[i][start]:
                    offers.append((self.cheapest_after[i][start], self.stock_after[i][start], i))
        offers.sort()
        floor, need, room = inst.shipment_cost * len(members), self.fill, list(inst.target)
        for unit_cost, stock, i in offers:
            take = min(stock, room[i], need)
            floor += take * unit_cost
            room[i] -= take
            need -= take
            if not need:
                return floor
        return math.inf


class _BudgetSpent(Exception):
    pass
