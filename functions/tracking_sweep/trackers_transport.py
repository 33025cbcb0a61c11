"""The HTTPS call behind EasyPost's Trackers API: HTTP Basic with the API key as the user."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request
from typing import Any

EASYPOST_API = "https://api.easypost.com"
_TIMEOUT_SECONDS = 10


def easypost_transport(api_key: str):
    authorization = "Basic " + base64.b64encode(f"{api_key}:".encode()).decode()

    def get(path: str, query: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(f"{EASYPOST_API}{path}?{urllib.parse.urlencode(query)}",
                                         headers={"Authorization": authorization, "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            return json.loads(response.read())

    return get
