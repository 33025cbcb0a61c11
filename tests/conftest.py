"""Settings every test shares: fake AWS credentials, never a developer's real account; and
the `faults` fixture, which makes AWS misbehave for the real code (see infra.faults)."""

import os

import pytest

# Imported before any botocore session exists, so every client a test makes can be faulted.
from infra import faults as fault_injection

os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SECURITY_TOKEN="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    # DynamoDB stream reads under in-process moto fail (DescribeStream: Not yet implemented) without this.
    AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
    POWERTOOLS_METRICS_NAMESPACE="OMS",
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)


@pytest.fixture
def faults():
    """No faults until the test asks: `faults.next("conflict", "TransactWriteItems", times=2)`,
    or rates (`faults.rates[Fault.THROTTLE] = 0.1`); seeded by OMS_FAULT_SEED to replay a run."""
    with fault_injection.injected(fault_injection.Faults(seed=int(os.environ.get("OMS_FAULT_SEED", "0")))) as active:
        yield active
