"""The numbers of a sourcing: lines × candidates as unit costs and stock, and the cheapest filling
of the lines from any set of candidates (greedy where lines do not compete, else a min-cost flow)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from oms.sourcing.costs import CostModel
from oms.sourcing.plans import Candidate, Demand

EPSILON = 1e-9  # costs closer than this are a tie, broken by location id


class Instance:
    """Lines × eligible candidates as numbers, and the best filling of lines from a set of them.

    With lines of distinct SKUs and no candidate short of capacity for what it could be asked,
    lines do not compete: each fills greedily from its cheapest offers (exact, and fast). Else
    lines compete for stock or capacity and a small min-cost flow fills them.
    """

    def __init__(self, lines: Sequence[Demand], candidates: Sequence[Candidate], distances: Sequence[float],
                 cost_model: CostModel):
        self.size = len(candidates)
        self.quantity = [demand.quantity for demand in lines]
        self.sku = [demand.sku for demand in lines]
        self.capacity = [candidate.remaining_capacity for candidate in candidates]
        self.shipment_cost = cost_model.shipment_cost
        self.cost = [[cost_model.unit_cost(candidate, distance, demand.unit_weight_kg)
                      for candidate, distance in zip(candidates, distances, strict=True)] for demand in lines]
        self.pool = [{demand.sku: max(0, candidate.available.get(demand.sku, 0)) for demand in lines}
                     for candidate in candidates]
        self.stock = [[min(demand.quantity, pool[demand.sku], capacity)
                       for pool, capacity in zip(self.pool, self.capacity, strict=True)] for demand in lines]
        self.competing = len(set(self.sku)) < len(lines) or any(
            capacity < sum(row[j] for row in self.stock) for j, capacity in enumerate(self.capacity))
        self.memo: dict[tuple[int, ...], tuple[int, float, tuple[int, ...]]] = {}
        everyone = tuple(range(self.size))
        self.least_short = self.price(everyone)[0] if self.size else sum(self.quantity)
        # What the order needs filled, line by line, when lines do not compete.
        self.target = [min(q, sum(row)) for q, row in zip(self.quantity, self.stock, strict=True)]

    def price(self, members: tuple[int, ...]) -> tuple[int, float, tuple[int, ...]]:
        """(units short, cost, members that ship) of the best filling from these candidates."""
        known = self.memo.get(members)
        if known is None:
            short, cost, units = self._fill(members)
            shipping = tuple(sorted({j for _, j in units}))
            known = self.memo[members] = (short, cost + self.shipment_cost * len(shipping), shipping)
        return known

    def key(self, members: tuple[int, ...]) -> tuple[int, float, tuple[int, ...]]:
        """Plans compare by units short, then cost, then the ids of the locations that ship
        (candidates are numbered in id order)."""
        short, cost, shipping = self.price(members)
        return short, round(cost, 6), shipping

    def assignment(self, members: tuple[int, ...]) -> dict[tuple[int, int], int]:
        return self._fill(members)[2]

    def _fill(self, members: tuple[int, ...]) -> tuple[int, float, dict[tuple[int, int], int]]:
        filled = self._greedy(members)
        if self.competing and not self._within_limits(filled[2]):
            return self._flow(members)
        return filled

    def _greedy(self, members: tuple[int, ...]) -> tuple[int, float, dict[tuple[int, int], int]]:
        """Each line from its cheapest offers, as if lines did not compete: exact when they do not,
        and when they do, exact still if no SKU's stock or location's capacity is overdrawn."""
        short, total, units = 0, 0.0, {}
        for i, need in enumerate(self.quantity):
            row_cost, row_stock = self.cost[i], self.stock[i]
            for unit_cost, j in sorted([(row_cost[j], j) for j in members if row_stock[j]]):
                take = min(need, row_stock[j])
                total += take * unit_cost
                units[(i, j)] = take
                need -= take
                if not need:
                    break
            short += need
        return short, total, units

    def _within_limits(self, units: dict[tuple[int, int], int]) -> bool:
        drawn: dict[tuple[str, int], int] = {}
        picked: dict[int, int] = {}
        for (i, j), n in units.items():
            drawn[(self.sku[i], j)] = drawn.get((self.sku[i], j), 0) + n
            picked[j] = picked.get(j, 0) + n
        return (all(n <= self.pool[j][sku] for (sku, j), n in drawn.items())
                and all(n <= self.capacity[j] for j, n in picked.items()))

    def _flow(self, members: tuple[int, ...]) -> tuple[int, float, dict[tuple[int, int], int]]:
        """Successive shortest paths: source -> line -> (SKU at candidate) -> candidate -> sink,
        beside a costly line -> sink arc for units left short, so every unit finds a way."""
        lines = len(self.quantity)
        # Dearer than all units at their dearest offers: one more unit filled always wins.
        short_cost = 1.0 + sum(max((row[j] for j in members), default=0.0) * q
                               for row, q in zip(self.cost, self.quantity, strict=True))
        graph = FlowGraph()
        source, sink = graph.node(), graph.node()
        line_nodes = [graph.node() for _ in range(lines)]
        arcs = {}
        for i, node in enumerate(line_nodes):
            graph.arc(source, node, self.quantity[i], 0.0)
        for j in members:
            at = graph.node()
            graph.arc(at, sink, self.capacity[j], 0.0)
            pools = {}
            for i, node in enumerate(line_nodes):
                if self.stock[i][j]:
                    if self.sku[i] not in pools:
                        pools[self.sku[i]] = graph.node()
                        graph.arc(pools[self.sku[i]], at, self.pool[j][self.sku[i]], 0.0)
                    arcs[(i, j)] = graph.arc(node, pools[self.sku[i]], self.quantity[i], self.cost[i][j])
        for i, node in enumerate(line_nodes):
            graph.arc(node, sink, self.quantity[i], short_cost)
        graph.flow(source, sink)
        units = {key: graph.carried(arc) for key, arc in arcs.items() if graph.carried(arc)}
        filled = [0] * lines
        total = 0.0
        for (i, j), n in units.items():
            filled[i] += n
            total += n * self.cost[i][j]
        return sum(self.quantity) - sum(filled), total, units


class FlowGraph:
    """A residual graph small enough for Bellman-Ford at every augmentation."""

    def __init__(self) -> None:
        self.heads: list[list[int]] = []
        self.to: list[int] = []
        self.room: list[int] = []
        self.cost: list[float] = []

    def node(self) -> int:
        self.heads.append([])
        return len(self.heads) - 1

    def arc(self, tail: int, head: int, capacity: int, cost: float) -> int:
        for a, b, room, price in ((tail, head, capacity, cost), (head, tail, 0, -cost)):
            self.heads[a].append(len(self.to))
            self.to.append(b)
            self.room.append(room)
            self.cost.append(price)
        return len(self.to) - 2

    def carried(self, arc: int) -> int:
        return self.room[arc + 1]

    def flow(self, source: int, sink: int) -> None:
        while True:
            distance = [math.inf] * len(self.heads)
            via = [-1] * len(self.heads)
            distance[source] = 0.0
            for _ in range(len(self.heads)):
                changed = False
                for node, arcs in enumerate(self.heads):
                    if distance[node] == math.inf:
                        continue
                    for arc in arcs:
                        if self.room[arc] and distance[node] + self.cost[arc] < distance[self.to[arc]] - EPSILON:
                            distance[self.to[arc]] = distance[node] + self.cost[arc]
                            via[self.to[arc]] = arc
                            changed = True
                if not changed:
                    break
            if distance[sink] == math.inf:
                return
            path, node = [], sink
            while node != source:
                path.append(via[node])
                node = self.to[via[node] ^ 1]
            push = min(self.room[arc] for arc in path)
            for arc in path:
                self.room[arc] -= push
                self.room[arc ^ 1] += push
