"""Replenishment: reorder points and safety stock per location from the demand forecast, transfers
from where stock is spare to where it runs short, and purchases for what transfers cannot cover.

Pure and deterministic: the planner reads stock, forecasts and suppliers, calls `plan_sku` per
SKU (with the classes `sku_classes` gives), collects the shortfalls and calls `purchases` once.
"""

from __future__ import annotations

from oms.replenishment.classes import demand_values, sku_classes
from oms.replenishment.plans import SkuPlan, plan_sku
from oms.replenishment.proposal_ids import proposal_id
from oms.replenishment.purchases import PurchasePlan, Shortfall, Unbought, purchases
from oms.replenishment.rules import PlanningRules
from oms.replenishment.targets import Kept, StockPosition, Target, expected_short, kept, lead_time_days, target

__all__ = ["Kept", "PlanningRules", "PurchasePlan", "Shortfall", "SkuPlan", "StockPosition", "Target", "Unbought",
           "demand_values", "expected_short", "kept", "lead_time_days", "plan_sku", "proposal_id", "purchases",
           "sku_classes", "target"]
