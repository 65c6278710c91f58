"""Maps drawn on the server as SVG: no tiles, no script, no third-party origin.

Country outlines come from Natural Earth (public domain) as the npm package `world-atlas`
ships them (TopoJSON). `manage.py build_map_data` projects and simplifies them once into
`events/fixtures/map_outlines.json`, committed, so the site never needs npm or the network to
draw a map (docs/places.md). At run time this module only reads that file, projects each
place's published coordinates with the same projection, and hands the templates plain data:
outline paths, markers and view boxes.

Two views: the world (Natural Earth I projection, countries at 1:110m) and an inset of the
North Caucasus and Moscow (equirectangular at 49°N, countries at 1:50m), where most of the
story happened. A locator map is a window of one of them around one place.
"""

import functools
import json
import math
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

OUTLINES_PATH = Path(__file__).resolve().parent / "fixtures" / "map_outlines.json"

# The world view: Natural Earth I, 960 units wide, cut at 58°S (no event is further south).
WORLD = {
    "name": "world", "width": 960, "scale": 960 / (2 * 2.73539), "south": -58, "north": 84,
}
# The inset: the North Caucasus and Moscow.
INSET = {
    "name": "inset", "west": 35.0, "east": 49.5, "south": 41.0, "north": 57.0,
    "parallel": 49.0, "width": 320,
}


def natural_earth(longitude, latitude):
    """Natural Earth I projection (Šavrič, Jenny, Patterson, Petrovič and Hurni, 2011), in
    radians of the unit sphere: (x, y) with y up."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2
                                                                        - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2
                                                      - 0.005916 * phi4)))
    return x, y


def _world_top():
    return natural_earth(0, WORLD["north"])[1]


def world_height():
    return round((_world_top() - natural_earth(0, WORLD["south"])[1]) * WORLD["scale"])


def project_world(longitude, latitude):
    x, y = natural_earth(longitude, latitude)
    return (x * WORLD["scale"] + WORLD["width"] / 2, (_world_top() - y) * WORLD["scale"])


def _inset_scale():
    span = (INSET["east"] - INSET["west"]) * math.cos(math.radians(INSET["parallel"]))
    return INSET["width"] / span


def inset_height():
    return round((INSET["north"] - INSET["south"]) * _inset_scale())


def project_inset(longitude, latitude):
    scale = _inset_scale()
    x = (longitude - INSET["west"]) * math.cos(math.radians(INSET["parallel"])) * scale
    return x, (INSET["north"] - latitude) * scale


def in_inset(longitude, latitude):
    return (INSET["west"] <= longitude <= INSET["east"]
            and INSET["south"] <= latitude <= INSET["north"])


# Building the outlines from world-atlas (manage.py build_map_data) ----------------------------


def decode_arcs(topology):
    """Each arc of a quantised TopoJSON topology as [(longitude, latitude), ...]."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def country_rings(topology, skip_ids=()):
    """Every ring (outer and holes) of every country, as lists of (longitude, latitude)."""
    arcs = decode_arcs(topology)
    rings = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") in skip_ids:
            continue
        polygons = {"Polygon": [geometry.get("arcs", [])],
                    "MultiPolygon": geometry.get("arcs", [])}.get(geometry["type"], [])
        for polygon in polygons:
            rings.extend(_ring(arcs, ring) for ring in polygon)
    return rings


def clip_ring(points, left, top, right, bottom):
    """Sutherland-Hodgman: the ring cut to a rectangle (enough for filled outlines)."""
    edges = [
        (lambda p: p[0] >= left, lambda a, b: _cross_x(a, b, left)),
        (lambda p: p[0] <= right, lambda a, b: _cross_x(a, b, right)),
        (lambda p: p[1] >= top, lambda a, b: _cross_y(a, b, top)),
        (lambda p: p[1] <= bottom, lambda a, b: _cross_y(a, b, bottom)),
    ]
    for inside, cross in edges:
        if not points:
            return []
        result = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    result.append(cross(previous, point))
                result.append(point)
            elif inside(previous):
                result.append(cross(previous, point))
            previous = point
        points = result
    return points


def _cross_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def _quantised(points, step):
    """Points on a grid of `step` units, consecutive duplicates dropped: the simplification
    (nothing finer than the grid can show at the map's size). A ring that collapses to fewer
    than three points is dropped."""
    out = []
    for x, y in points:
        point = (round(x / step), round(y / step))
        if not out or point != out[-1]:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out if len(out) >= 3 else None


def split_at_antimeridian(ring):
    """A ring that crosses 180° (Russia's Chukotka, Fiji) as the rings on each side of it:
    unwrapped to be continuous in longitude, then cut to -180..180 once as it is and once
    shifted by 360°. Other rings are returned as they are."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in zip(ring, ring[1:], strict=False)):
        return [ring]
    unwrapped = [ring[0]]
    for longitude, latitude in ring[1:]:
        previous = unwrapped[-1][0]
        while longitude - previous > 180:
            longitude -= 360
        while longitude - previous < -180:
            longitude += 360
        unwrapped.append((longitude, latitude))
    pieces = []
    for shift in (-360, 0, 360):
        shifted = [(longitude + shift, latitude) for longitude, latitude in unwrapped]
        piece = clip_ring(shifted, -180, -90, 180, 90)
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def _view_rings(rings, project, width, height, step):
    result = []
    for ring in (piece for whole in rings for piece in split_at_antimeridian(whole)):
        projected = clip_ring([project(lon, lat) for lon, lat in ring], 0, 0, width, height)
        quantised = _quantised(projected, step)
        if quantised:
            result.append(quantised)
    return result


# Antarctica: no event there, and it would only stretch the map southwards.
SKIPPED_COUNTRIES = ("010",)
# Grid of the stored outlines, in view units: the world at 0.5 unit, the inset at 0.5.
WORLD_STEP = 0.5
INSET_STEP = 0.5


def build_outlines(world_topology, inset_topology):
    """The committed map data: each view's rings in integer grid units of its step."""
    world = {
        "width": WORLD["width"], "height": world_height(), "step": WORLD_STEP,
        "rings": _view_rings(country_rings(world_topology, SKIPPED_COUNTRIES), project_world,
                             WORLD["width"], world_height(), WORLD_STEP),
    }
    inset = {
        "width": INSET["width"], "height": inset_height(), "step": INSET_STEP,
        "rings": _view_rings(country_rings(inset_topology), project_inset,
                             INSET["width"], inset_height(), INSET_STEP),
    }
    return {
        "source": "Natural Earth 1:110m (world) and 1:50m (inset) countries, public domain "
        "(naturalearthdata.com), from the npm package world-atlas 2.0.2 (ISC licence), "
        "projected and simplified by manage.py build_map_data.",
        "world": world,
        "inset": inset,
    }


def dump_outlines(outlines):
    """The file's exact text, so a rebuild can be compared byte for byte."""
    return json.dumps(outlines, separators=(",", ":"), sort_keys=True) + "\n"


# Drawing -----------------------------------------------------------------------------------


@functools.cache
def outlines():
    return json.loads(OUTLINES_PATH.read_text(encoding="utf-8"))


def _path(rings, step, window=None):
    """SVG path data of rings, in view units, relative moves (compact); cut to `window`
    (left, top, right, bottom) when given."""
    parts = []
    for ring in rings:
        points = [(x * step, y * step) for x, y in ring]
        if window is not None:
            points = clip_ring(points, *window)
            if len(points) < 3:
                continue
        points = [(round(x, 1), round(y, 1)) for x, y in points]
        x0, y0 = points[0]
        moves = [f"M{_n(x0)} {_n(y0)}l"]
        previous = points[0]
        for x, y in points[1:]:
            moves.append(f"{_n(x - previous[0])} {_n(y - previous[1])}")
            previous = (x, y)
        parts.append(" ".join(moves) + "z")
    return "".join(parts)


def _n(value):
    """A number as short as SVG allows: 3, -0.5, .5."""
    text = f"{round(value, 1):g}"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


@functools.cache
def outline_path(view):
    data = outlines()[view]
    return _path(data["rings"], data["step"])


def marker_radius(event_count, smallest=3.0):
    """A marker's area grows with its events: radius by the square root."""
    return round(smallest + 2.2 * math.sqrt(max(event_count, 1) - 1), 1)


def _marker(place, x, y, radius):
    return {"place": place, "x": round(x, 1), "y": round(y, 1), "r": radius}


def _with_markup(markers):
    """Each marker's SVG, written here rather than in the template (events/_svg_map.html): a
    map of a few hundred places spent most of its time rendering the markers' numbers and
    translation tags. Numbers are written as SVG reads them, never localised (a Russian
    decimal comma is not a number to SVG)."""
    for marker in markers:
        place = marker["place"]
        href = getattr(place, "filtered_url", "") or place.get_absolute_url()
        approximate = " map-marker--approximate" if place.sensitive else ""
        markup = (
            f'<a href="{escape(href)}" tabindex="-1"><circle class="map-marker{approximate}" '
            f'cx="{marker["x"]}" cy="{marker["y"]}" r="{marker["r"]}">'
            f"<title>{marker_title(place)}</title></circle></a>"
        )
        if marker.get("label"):
            markup += (f'<text class="map-label" x="{marker["label_x"]}" y="{marker["y"]}" '
                       f'dy=".35em">{escape(marker["label"])}</text>')
        marker["svg"] = mark_safe(markup)  # noqa: S308 -- every text escaped above
    return markers


def marker_title(place):
    """A marker's tooltip: the place, its number of events (when counted), and for a
    sensitive place that it is approximate."""
    title = escape(place.name)
    event_count = getattr(place, "event_count", None)
    if event_count:
        title += ": " + ngettext("%(counter)s event", "%(counter)s events", event_count) % {
            "counter": event_count}
    if place.sensitive:
        title += " " + gettext("(approximate, within %(km)s km)") % {
            "km": place.published_radius_km}
    return title


def place_markers(places):
    """Markers for the world view and the inset; `places` carry `event_count` and are drawn
    largest first, so a small place stays clickable on top of a big neighbour."""
    ordered = sorted(places, key=lambda place: (-place.event_count, place.name))
    world, inset = [], []
    for place in ordered:
        latitude, longitude = place.published_coordinates
        radius = marker_radius(place.event_count)
        world.append(_marker(place, *project_world(longitude, latitude), radius))
        if in_inset(longitude, latitude):
            marker = _marker(place, *project_inset(longitude, latitude), radius + 1)
            # The inset names its main cities; a small or approximate place is named only in
            # the list (labels of neighbours would overlap).
            if place.kind == "city" and not place.sensitive and place.event_count >= LABELLED:
                marker["label"] = place.name
                marker["label_x"] = round(marker["x"] + marker["r"] + 3, 1)
            inset.append(marker)
    return _with_markup(world), _with_markup(inset)


LABELLED = 3


def world_map():
    data = outlines()["world"]
    return {"width": data["width"], "height": data["height"], "path": outline_path("world")}


def inset_map():
    data = outlines()["inset"]
    return {"width": data["width"], "height": data["height"], "path": outline_path("inset")}


def inset_frame():
    """The inset's area as a rectangle on the world view (around its four corners: Natural
    Earth bends the meridians)."""
    corners = [project_world(longitude, latitude)
               for longitude in (INSET["west"], INSET["east"])
               for latitude in (INSET["south"], INSET["north"])]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return {"x": round(min(xs), 1), "y": round(min(ys), 1),
            "width": round(max(xs) - min(xs), 1), "height": round(max(ys) - min(ys), 1)}


LOCATOR_SIZE = (240, 160)


def locator(places):
    """A small map around one or more places (a place page, an event page): a window of the
    inset when they all lie in it, else of the world. None without places."""
    points = [(place, *place.published_coordinates) for place in places]
    if not points:
        return None
    use_inset = all(in_inset(longitude, latitude) for _, latitude, longitude in points)
    view, project = ("inset", project_inset) if use_inset else ("world", project_world)
    projected = [(place, *project(longitude, latitude)) for place, latitude, longitude in points]
    return {"view": view, **_window(view, projected)}


@functools.lru_cache(maxsize=512)
def _window_path(view, window):
    data = outlines()[view]
    return _path(data["rings"], data["step"], window)


def _window(view, projected):
    data = outlines()[view]
    width, height = LOCATOR_SIZE
    # Zoom: the inset's units are ~ 4 times finer than the world's.
    zoom = 1.0 if view == "inset" else 2.0
    xs = [x for _, x, _ in projected]
    ys = [y for _, _, y in projected]
    span_x = max(max(xs) - min(xs) + 40, width / zoom)
    span_y = max(max(ys) - min(ys) + 30, height / zoom)
    span_x, span_y = max(span_x, span_y * width / height), max(span_y, span_x * height / width)
    # The window on a coarse grid, so that the clipped paths are few and cached.
    grid = 10
    cx = round((min(xs) + max(xs)) / 2 / grid) * grid
    cy = round((min(ys) + max(ys)) / 2 / grid) * grid
    span_x, span_y = math.ceil(span_x / grid) * grid, math.ceil(span_y / grid) * grid
    left = min(max(cx - span_x / 2, 0), max(data["width"] - span_x, 0))
    top = min(max(cy - span_y / 2, 0), max(data["height"] - span_y, 0))
    window = (left, top, left + span_x, top + span_y)
    markers = _with_markup(
        [_marker(place, x, y, round(span_x / 60, 1)) for place, x, y in projected]
    )
    return {
        "viewbox": f"{_n(left)} {_n(top)} {_n(span_x)} {_n(span_y)}",
        "path": _window_path(view, window),
        "markers": markers,
        "width": width,
        "height": height,
        "stroke": round(span_x / 400, 2),
    }
