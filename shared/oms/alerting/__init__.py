"""Turning what happens to orders, stock and chat into alerts ops can act on, without a storm.

A *signal* says a condition holds (or no longer holds) for one member: an order, a SKU, a
shipment, a case. Signals of one kind and scope share a *condition* ("backordered on SKU X"):
the first member to join it alerts at once, later members are summed up in one summary at most
every few minutes, and the condition alerts again only after it has cleared.
"""
