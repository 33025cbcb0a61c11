"""What every carrier adapter shares: the registry, one slug per carrier, and status tables that
cover each provider's documented list exactly."""

import pytest

from oms.carriers import (PROVIDERS, TrackingStatus, adapter, aftership, carrier_slug, easypost, seventeen_track,
                          shippo, ups)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_every_provider_has_an_adapter_that_verifies_and_adapts(provider):
    module = adapter(provider)

    assert callable(module.verify) and callable(module.to_tracking_updates)


def test_a_provider_without_an_adapter_is_refused():
    with pytest.raises(ValueError, match="fedex"):
        adapter("fedex")


@pytest.mark.parametrize(("name", "slug"), [
    ("UPS", "ups"), ("ups", "ups"), ("United Parcel Service", "ups"), ("100002", "ups"),
    ("FedEx", "fedex"), ("fedex", "fedex"), ("FEDEX", "fedex"), ("Fedex", "fedex"), ("FedEx®", "fedex"),
    ("USPS", "usps"), ("usps", "usps"), ("United States Postal Service", "usps"),
    ("DHL", "dhl"), ("DHL Express", "dhl"), ("dhl_express", "dhl"), ("DHLExpress", "dhl"),
    ("DHL Paket", "dhl-paket"), ("dhl-paket", "dhl-paket"), ("dhl_germany", "dhl-paket"), ("dhl-germany", "dhl-paket"),
    ("7041", "dhl-paket"),
    ("DhlEcs", "dhl-ecommerce"), ("dhl_ecommerce", "dhl-ecommerce"), ("dhl-global-mail", "dhl-ecommerce"),
    ("CanadaPost", "canada-post"), ("Canada Post", "canada-post"),
    ("RoyalMail", "royal-mail"), ("Royal Mail", "royal-mail"),
    ("Northway  Couriers", "northway-couriers"),
])
def test_each_carrier_has_one_slug_whatever_the_provider_calls_it(name, slug):
    assert carrier_slug(name) == slug


@pytest.mark.parametrize("name", [None, "", "  ", "®"])
def test_no_name_has_no_slug(name):
    assert carrier_slug(name) is None


# The providers' documented lists (see tests/fixtures/carriers/SOURCES.md), written out here so a
# value dropped from a table, or one added that the provider never documented, fails.
DOCUMENTED = {
    "easypost STATUS": (easypost.STATUS, [
        "unknown", "pre_transit", "in_transit", "out_for_delivery", "delivered", "available_for_pickup",
        "return_to_sender", "failure", "cancelled", "error"]),
    "aftership TAG": (aftership.TAG, [
        "Pending", "InfoReceived", "InTransit", "OutForDelivery", "AttemptFail", "Delivered", "AvailableForPickup",
        "Exception", "Expired"]),
    "shippo STATUS": (shippo.STATUS, ["UNKNOWN", "PRE_TRANSIT", "TRANSIT", "DELIVERED", "RETURNED", "FAILURE"]),
    "shippo SUBSTATUS": (shippo.SUBSTATUS, [
        "information_received", "address_issue", "contact_carrier", "delayed", "delivery_attempted",
        "delivery_rescheduled", "delivery_scheduled", "location_inaccessible", "notice_left", "out_for_delivery",
        "package_accepted", "package_arrived", "package_damaged", "package_departed", "package_forwarded",
        "package_held", "package_processed", "package_processing", "pickup_available", "reschedule_delivery",
        "delivered", "return_to_sender", "package_unclaimed", "package_undeliverable", "package_disposed",
        "package_lost", "other"]),
    "17track MAIN_STATUS": (seventeen_track.MAIN_STATUS, [
        "NotFound", "InfoReceived", "InTransit", "Expired", "AvailableForPickup", "OutForDelivery",
        "DeliveryFailure", "Delivered", "Exception"]),
    "17track SUB_STATUS": (seventeen_track.SUB_STATUS, [
        "NotFound_Other", "NotFound_InvalidCode", "InfoReceived", "InTransit_PickedUp", "InTransit_Other",
        "InTransit_Departure", "InTransit_Arrival", "InTransit_CustomsProcessing", "InTransit_CustomsReleased",
        "InTransit_CustomsRequiringInformation", "Expired_Other", "AvailableForPickup_Other", "OutForDelivery_Other",
        "DeliveryFailure_Other", "DeliveryFailure_NoBody", "DeliveryFailure_Security", "DeliveryFailure_Rejected",
        "DeliveryFailure_InvalidAddress", "Delivered_Other", "Exception_Other", "Exception_Returning",
        "Exception_Returned", "Exception_NoBody", "Exception_Security", "Exception_Damage", "Exception_Rejected",
        "Exception_Delayed", "Exception_Lost", "Exception_Destroyed", "Exception_Cancel"]),
    "17track STAGE": (seventeen_track.STAGE, [
        "InfoReceived", "PickedUp", "Departure", "Arrival", "AvailableForPickup", "OutForDelivery", "Delivered",
        "Returning", "Returned", "NotFound", "InTransit", "Expired", "DeliveryFailure", "Exception"]),
    "ups TYPE": (ups.TYPE, ["D", "I", "M", "MV", "U", "X"]),
}


@pytest.mark.parametrize("table", sorted(DOCUMENTED))
def test_each_status_table_covers_exactly_the_documented_values(table):
    mapping, documented = DOCUMENTED[table]

    assert sorted(mapping) == sorted(documented)
    assert all(isinstance(status, TrackingStatus) or isinstance(status[1], TrackingStatus)
               for status in mapping.values())
