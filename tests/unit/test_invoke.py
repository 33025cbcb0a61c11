"""Loading a template function's handler and calling it the way Lambda does."""

from __future__ import annotations

import time
from pathlib import Path

from infra.local.invoke import LambdaContext, LocalLambda, load_handler
from infra.local.template import LocalFunction, Template

FIXTURE_TEMPLATE = Path(__file__).parents[1] / "fixtures" / "pump" / "template.yaml"


def consumer(logical_id: str):
    return Template(FIXTURE_TEMPLATE, {"RecordDir": "/unused"}).function(logical_id)


def test_each_load_is_a_fresh_module_like_a_new_execution_environment():
    # GIVEN a function whose handler keeps state in module globals
    function = consumer("QueueConsumer")

    # WHEN it is loaded twice
    first, second = load_handler(function, {}), load_handler(function, {})

    # THEN each load has its own module, and so its own globals
    assert first is not second
    assert first.__module__ != second.__module__
    assert first.__globals__["misbehaviour"] is not second.__globals__["misbehaviour"]


def test_the_context_carries_the_function_settings_lambda_would_pass():
    # GIVEN a function with MemorySize 256 and Timeout 5 (from Globals)
    function = consumer("StreamConsumer")

    # WHEN a context is made for one invocation
    context = LambdaContext.for_invocation(function)

    # THEN it names the function and counts down from its timeout
    assert context.function_name == "oms-local-StreamConsumer"
    assert context.invoked_function_arn.endswith(":123456789012:function:oms-local-StreamConsumer")
    assert context.memory_limit_in_mb == 256
    assert 4000 < context.get_remaining_time_in_millis() <= 5000
    assert context.aws_request_id != LambdaContext.for_invocation(function).aws_request_id


def test_invoke_passes_the_event_and_a_context():
    # GIVEN a function with a stand-in handler
    seen = []
    def handler(event, context):
        seen.append((event, context))
        return "ok"

    function = LocalLambda(consumer("QueueConsumer"), {}, handler=handler)

    # WHEN it is invoked
    started = time.monotonic()
    result = function.invoke({"Records": []})

    # THEN the handler got the event and a fresh context, and its answer comes back
    assert result == "ok"
    [(event, context)] = seen
    assert event == {"Records": []}
    assert context.function_name == function.name
    assert context.deadline > started



def test_a_function_sees_its_own_environment_while_its_module_loads(tmp_path, monkeypatch):
    # GIVEN a function that reads a variable at import, which the process lacks
    monkeypatch.delenv("OMS_TEST_ONLY", raising=False)
    (tmp_path / "app.py").write_text(
        "import os\nSEEN_AT_IMPORT = os.environ.get('OMS_TEST_ONLY')\n"
        "def handler(event, context):\n    return SEEN_AT_IMPORT, os.environ.get('OMS_TEST_ONLY')\n"
    )
    function = LocalFunction("EnvProbe", tmp_path, "app.handler", {}, ())

    # WHEN it is loaded with the variable in its environment and then invoked
    seen_at_import, seen_later = LocalLambda(function, {"OMS_TEST_ONLY": "set"}).invoke({})

    # THEN the import saw it, and the process did not keep it for other functions
    assert (seen_at_import, seen_later) == ("set", None)
