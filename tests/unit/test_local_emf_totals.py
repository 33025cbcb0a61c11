"""`oms metrics`: powertools' own EMF output, summed and tabled."""

from __future__ import annotations

import pytest
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from infra.local.emf_totals import MetricKey, metric_totals, metrics_table


@pytest.fixture
def emitted(capsys) -> list[str]:
    """What two functions' powertools Metrics print, as `oms local` logs it, with other lines between."""
    for channel in ("web", "web", "shopify"):
        with single_metric(name="OrdersReceived", unit=MetricUnit.Count, value=1, namespace="OMS") as metric:
            metric.add_dimension(name="channel", value=channel)
    alerts = Metrics(namespace="OMS", service="alerts")
    alerts.add_metric(name="AlertsSent", unit=MetricUnit.Count, value=2)
    alerts.add_metric(name="AlertsSent", unit=MetricUnit.Count, value=3)  # one record, a list of values
    alerts.add_metric(name="SweepSeconds", unit=MetricUnit.Seconds, value=0.25)
    alerts.flush_metrics()
    alerts.add_metric(name="AlertsSent", unit=MetricUnit.Count, value=1)
    alerts.flush_metrics()
    print('{"level": "INFO", "message": "order received", "service": "intake"}')
    print("not json at all")
    return capsys.readouterr().out.splitlines()


def test_values_are_summed_by_namespace_metric_and_dimension_set(emitted):
    assert metric_totals(emitted) == {
        MetricKey("OrdersReceived", "OMS", (("channel", "web"),), "Count"): 2,
        MetricKey("OrdersReceived", "OMS", (("channel", "shopify"),), "Count"): 1,
        MetricKey("AlertsSent", "OMS", (("service", "alerts"),), "Count"): 6,
        MetricKey("SweepSeconds", "OMS", (("service", "alerts"),), "Seconds"): 0.25,
    }


def test_the_table_is_aligned_and_sorted_by_metric_name(emitted):
    assert metrics_table(metric_totals(emitted)).splitlines() == [
        "METRIC          DIMENSIONS       TOTAL  UNIT     NAMESPACE",
        "AlertsSent      service=alerts   6      Count    OMS",
        "OrdersReceived  channel=shopify  1      Count    OMS",
        "OrdersReceived  channel=web      2      Count    OMS",
        "SweepSeconds    service=alerts   0.25   Seconds  OMS",
    ]


def test_a_metric_counts_under_each_of_its_dimension_sets_and_a_set_without_values_is_dropped():
    line = ('{"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "OMS", '
            '"Dimensions": [["service"], ["service", "channel"], [], ["missing"]], '
            '"Metrics": [{"Name": "OrdersReceived", "Unit": "Count"}]}]}, '
            '"service": "intake", "channel": "web", "OrdersReceived": 4}')

    assert metric_totals([line]) == {
        MetricKey("OrdersReceived", "OMS", (), "Count"): 4,
        MetricKey("OrdersReceived", "OMS", (("service", "intake"),), "Count"): 4,
        MetricKey("OrdersReceived", "OMS", (("service", "intake"), ("channel", "web")), "Count"): 4,
    }
    assert metrics_table(metric_totals([line])).splitlines()[1] == "OrdersReceived  -                           4      Count  OMS"
