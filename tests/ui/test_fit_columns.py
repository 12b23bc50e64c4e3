"""Which columns a narrow terminal shows, and how wide: `fit_columns`, a pure function."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from k9lite.ui.widgets.table_lines import GAP, MARGIN, Column, fit, fit_columns

# The Services view at 80 and 120 columns, with the default scenario's widths.
SERVICES = (
    Column("name", "NAME", min_width=18),
    Column("type", "TYPE"),
    Column("cluster_ip", "CLUSTER-IP"),
    Column("external_ip", "EXTERNAL-IP", priority=1),
    Column("ports", "PORT(S)"),
    Column("endpoints", "ENDPOINTS", min_width=10, rest_priority=1),
    Column("selector", "SELECTOR", priority=2, min_width=12),
    Column("age", "AGE", priority=3),
)
SERVICE_WIDTHS = (26, 12, 14, 11, 14, 43, 19, 4)


def shown(columns: tuple[Column, ...], widths: tuple[int, ...], available: int) -> dict[str, int]:
    return {columns[p].key: w for p, w in fit_columns(columns, widths, available)}


def test_services_at_80_keep_ports_whole_and_endpoints_counts() -> None:
    layout = shown(SERVICES, SERVICE_WIDTHS, 80)
    assert list(layout) == ["name", "type", "cluster_ip", "ports", "endpoints"]
    assert layout["ports"] == 14 and layout["type"] == 12 and layout["cluster_ip"] == 14
    assert layout["endpoints"] == 10, "room for `2 ready ·…` and `? unknown…`"
    assert sum(layout.values()) + GAP * (len(layout) - 1) + 2 * MARGIN <= 80


def test_services_at_120_show_the_external_ip_before_the_endpoint_list() -> None:
    layout = shown(SERVICES, SERVICE_WIDTHS, 120)
    assert list(layout) == ["name", "type", "cluster_ip", "external_ip", "ports", "endpoints"]
    assert layout["name"] == 26 and 10 < layout["endpoints"] < 43


def test_wide_enough_shows_everything_whole() -> None:
    assert shown(SERVICES, SERVICE_WIDTHS, 200) == dict(
        zip([c.key for c in SERVICES], SERVICE_WIDTHS, strict=True)
    )


def test_pods_drop_restarts_then_age_before_cutting_a_name() -> None:
    pods = (
        Column("name", "NAME", min_width=18, cut="middle"),
        Column("ready", "READY"),
        Column("status", "STATUS"),
        Column("restarts", "RESTARTS", priority=2),
        Column("age", "AGE", priority=1),
        Column("ip", "IP"),
        Column("node", "NODE", min_width=12, cut="middle"),
    )
    widths = (31, 5, 7, 8, 4, 11, 7)
    assert list(shown(pods, widths, 80)) == ["name", "ready", "status", "age", "ip", "node"]
    assert shown(pods, widths, 80)["name"] == 31
    assert list(shown(pods, widths, 74)) == ["name", "ready", "status", "ip", "node"]
    assert shown(pods, widths, 60)["name"] == 60 - 2 - 8 - (5 + 7 + 11 + 7)


def test_a_middle_cut_keeps_the_pod_suffix() -> None:
    assert fit("hostname-server-54dd5f4bf-2q8jf", 18, "left", "middle") == "hostname-…bf-2q8jf"
    assert fit("clusterip-hostname-service", 12, "left") == "clusterip-h…"


COLUMNS = st.lists(
    st.tuples(
        st.integers(0, 3),  # priority
        st.integers(1, 40),  # width
        st.one_of(st.none(), st.integers(1, 20)),  # min width
        st.one_of(st.none(), st.integers(0, 3)),  # rest priority
    ),
    min_size=1,
    max_size=9,
)


@given(COLUMNS, st.integers(10, 200))
def test_fitted_columns_keep_order_fit_and_never_drop_priority_zero(
    specs: list[tuple[int, int, int | None, int | None]], available: int
) -> None:
    columns = tuple(
        Column(f"c{i}", f"C{i}", priority=p, min_width=m, rest_priority=r)
        for i, (p, _, m, r) in enumerate(specs)
    )
    widths = tuple(w for _, w, _, _ in specs)
    layout = fit_columns(columns, widths, available)
    positions = [p for p, _ in layout]
    assert positions == sorted(positions)
    assert {i for i, c in enumerate(columns) if c.priority == 0} <= set(positions)
    for position, width in layout:
        floor = min(columns[position].min_width or widths[position], widths[position])
        assert floor <= width <= widths[position]
    total = sum(w for _, w in layout) + GAP * (len(layout) - 1) + 2 * MARGIN
    essentials = [
        min(c.min_width or widths[i], widths[i]) for i, c in enumerate(columns) if c.priority == 0
    ]
    if sum(essentials) + GAP * (len(essentials) - 1) + 2 * MARGIN <= available:
        assert total <= available
