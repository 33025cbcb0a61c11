"""Each location's webhook secrets, a SecureString JSON list in SSM (newest first, two while
rotating) under `OMS_LOCATION_SECRETS_PATH/<location_id>`."""

from __future__ import annotations

import json
import secrets
from typing import Any

# How long a reader trusts what it read: a rotation reaches every signer within this.
MAX_AGE_SECONDS = 300


class LocationSecrets:
    def __init__(self, ssm: Any, path: str):
        self._ssm, self._path = ssm, path.rstrip("/")
        self._cached = None

    def current(self, location_id: str) -> list[str]:
        """The location's secrets, cached for MAX_AGE_SECONDS; none when it has none."""
        from aws_lambda_powertools.utilities.parameters import SSMProvider
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        self._cached = self._cached or SSMProvider(boto3_client=self._ssm)
        try:
            value = self._cached.get(self._name(location_id), max_age=MAX_AGE_SECONDS, transform="json", decrypt=True)
        except GetParameterError:
            return []
        return [value] if isinstance(value, str) else list(value)

    def issue(self, location_id: str, rotate: bool = False) -> str | None:
        """A new secret when the location has none, or when rotating (the newest and the one
        before stay valid); None when it has one already and no rotation was asked."""
        try:
            held = json.loads(self._ssm.get_parameter(Name=self._name(location_id), WithDecryption=True)
                              ["Parameter"]["Value"])
        except self._ssm.exceptions.ParameterNotFound:
            held = []
        if held and not rotate:
            return None
        issued = "whsec_" + secrets.token_urlsafe(32)
        self._ssm.put_parameter(Name=self._name(location_id), Value=json.dumps([issued, *held[:1]]),
                                Type="SecureString", Overwrite=True)
        return issued

    def _name(self, location_id: str) -> str:
        return f"{self._path}/{location_id}"
