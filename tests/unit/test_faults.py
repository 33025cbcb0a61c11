"""The fault harness: read from OMS_FAULTS, seeded, scripted, and faithful to AWS's answers."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from infra.faults import Fault, Faults, FaultsUnreadable, ProcessDied, injected


def test_all_sets_every_rate_and_later_pairs_override_it():
    faults = Faults.parse("seed=7, all=0.01, duplicate=0.05")

    assert faults.seed == 7
    assert faults.rates[Fault.CONFLICT] == 0.01 and faults.rates[Fault.DUPLICATE] == 0.05
    assert set(faults.rates) == set(Fault)


@pytest.mark.parametrize("text", ["conflict=2", "sideways=0.1", "seed=x", "throttle"])
def test_an_unreadable_spec_names_what_it_could_not_read(text):
    with pytest.raises(FaultsUnreadable, match="OMS_FAULTS"):
        Faults.parse(text)


def draws(faults: Faults, calls: int = 400) -> list:
    return [faults.choose("dynamodb", "PutItem", {}) for _ in range(calls)]


def test_one_seed_gives_the_same_faults_every_time_and_counts_them():
    first, again = Faults.parse("seed=3,all=0.05"), Faults.parse("seed=3,all=0.05")

    assert draws(first) == draws(again)
    assert 0 < first.injected.total() < 400
    assert draws(Faults.parse("seed=4,all=0.05")) != draws(Faults.parse("seed=3,all=0.05"))


def test_scripted_faults_come_first_only_where_they_apply_and_pause():
    faults = Faults().next(Fault.CONFLICT, "TransactWriteItems", times=2).next(Fault.SQS_FAILED)

    assert faults.choose("dynamodb", "GetItem", {}) is None  # a read never conflicts
    with faults.paused():
        assert faults.choose("dynamodb", "TransactWriteItems", {}) is None
    assert [faults.choose("dynamodb", "TransactWriteItems", {}) for _ in range(3)] == [Fault.CONFLICT] * 2 + [None]
    assert faults.chosen_for_call(Fault.SQS_FAILED, "sqs", "SendMessageBatch")


def test_event_sources_are_told_which_batches_to_deliver_twice():
    faults = Faults.parse("seed=1,duplicate=0.5")

    assert 50 < sum(faults.duplicated("OrdersStream") for _ in range(200)) < 150
    assert faults.choose("dynamodb", "PutItem", {}) is None  # a duplicate is not an AWS fault


@pytest.fixture
def table():
    with mock_aws():
        client = boto3.client("dynamodb")
        client.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                            BillingMode="PAY_PER_REQUEST")
        yield client


def put(key: str) -> dict:
    return {"Put": {"TableName": "t", "Item": {"pk": {"S": key}}, "ConditionExpression": "attribute_not_exists(pk)"}}


def test_a_transaction_conflict_is_a_cancellation_naming_one_item(table):
    with injected(Faults().next(Fault.CONFLICT, "TransactWriteItems")):
        with pytest.raises(table.exceptions.TransactionCanceledException) as cancelled:
            table.transact_write_items(TransactItems=[put("a"), put("b")])

    codes = [reason["Code"] for reason in cancelled.value.response["CancellationReasons"]]
    assert sorted(codes) == ["None", "TransactionConflict"]
    assert table.scan(TableName="t")["Count"] == 0  # nothing written


def test_a_condition_failure_names_a_conditioned_item(table):
    plain = {"Put": {"TableName": "t", "Item": {"pk": {"S": "p"}}}}
    with injected(Faults().next(Fault.CONDITION)):
        with pytest.raises(table.exceptions.TransactionCanceledException) as cancelled:
            table.transact_write_items(TransactItems=[plain, put("a")])

    assert [r["Code"] for r in cancelled.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]


def test_a_single_write_meets_a_conflict_and_botocore_retries_throttling(table):
    with injected(Faults().next(Fault.CONFLICT, "PutItem").next(Fault.THROTTLE, "GetItem", times=2)) as faults:
        with pytest.raises(table.exceptions.TransactionConflictException):
            table.put_item(TableName="t", Item={"pk": {"S": "a"}})
        assert "Item" not in table.get_item(TableName="t", Key={"pk": {"S": "a"}})

    assert faults.injected == {Fault.CONFLICT: 1, Fault.THROTTLE: 2}


def test_a_lost_answer_was_carried_out_and_its_transaction_replays_as_done(table):
    with injected(Faults().next(Fault.LOST_ANSWER, "TransactWriteItems")):
        table.transact_write_items(TransactItems=[put("a")])  # the retry carries the same token

    assert table.scan(TableName="t")["Count"] == 1


def test_a_lost_answer_to_a_conditioned_put_meets_its_own_write(table):
    with injected(Faults().next(Fault.LOST_ANSWER, "PutItem")):
        with pytest.raises(table.exceptions.ConditionalCheckFailedException):
            table.put_item(TableName="t", Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)")

    assert table.scan(TableName="t")["Count"] == 1


def test_a_process_dies_before_the_call_and_nothing_is_done(table):
    with injected(Faults().next(Fault.DIE, "PutItem")):
        with pytest.raises(ProcessDied):
            table.put_item(TableName="t", Item={"pk": {"S": "a"}})

    assert table.scan(TableName="t")["Count"] == 0


def test_sqs_reports_some_entries_failed_and_sends_the_others():
    with mock_aws():
        sqs = boto3.client("sqs")
        queue = sqs.create_queue(QueueName="q")["QueueUrl"]
        entries = [{"Id": str(number), "MessageBody": f"m{number}"} for number in range(6)]
        with injected(Faults(seed=2).next(Fault.SQS_FAILED)):
            sent = sqs.send_message_batch(QueueUrl=queue, Entries=entries)
        with injected(Faults().next(Fault.SQS_FAILED)):
            alone = sqs.send_message_batch(QueueUrl=queue, Entries=entries[:1])
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]

    failed = {entry["Id"] for entry in sent["Failed"]}
    assert failed and {entry["Id"] for entry in sent["Successful"]} == {e["Id"] for e in entries} - failed
    assert all(entry["SenderFault"] is False for entry in sent["Failed"])
    assert alone["Successful"] == [] and [entry["Id"] for entry in alone["Failed"]] == ["0"]
    assert len(received) == len(entries) - len(failed)


def test_the_clients_playing_aws_own_part_are_passed_by(table):
    from botocore.config import Config

    lambda_side = boto3.client("dynamodb", config=Config(user_agent_extra="oms-local-aws-side"))
    with injected(Faults.parse("seed=1,all=1")) as faults:
        lambda_side.put_item(TableName="t", Item={"pk": {"S": "a"}})

    assert faults.injected.total() == 0
