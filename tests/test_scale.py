"""scamgeo.scale on a 2-worker LocalCluster: equality with the in-memory path.

The events are synthetic rows in ACLED's export layout (never real ACLED
rows), written as three CSV files; the first file lies wholly in UTM zone 47
while the whole table's centre is in zone 48, so the partitions of that file
must be kept in the whole table's metric CRS to give the same results.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

pytest.importorskip("dask_geopandas")

from scamgeo import datasets, geo, stats
from scamgeo import io as sio
from scamgeo._errors import DataSourceError, ParameterError, SchemaError

# a LocalCluster of two worker processes and 5,000-row files: the slow suite (make test)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("scale")]

N = 5000
BOXES = [(98.0, 12.0, 101.5, 20.0), (102.5, 10.0, 107.0, 15.0), (98.0, 10.0, 107.5, 20.0)]


@pytest.fixture(scope="module")
def scale():
    import scamgeo.scale

    return scamgeo.scale


@pytest.fixture(scope="module")
def cluster(scale):
    with scale.client("local:2") as client:
        yield client


@pytest.fixture(scope="module")
def files(tmp_path_factory, scale):
    from scamgeo.scale._synthetic import write_synthetic_acled

    folder = tmp_path_factory.mktemp("acled")
    return write_synthetic_acled(folder, N, files=3, boxes=BOXES)


@pytest.fixture(scope="module")
def memory(files):
    return pd.concat([sio.read_acled(p) for p in files], ignore_index=True)


@pytest.fixture(scope="module")
def lazy(scale, cluster, files):
    return scale.read_events([str(p) for p in files], blocksize=200_000)


@pytest.fixture(scope="module")
def persisted(lazy, cluster):
    return lazy.persist()


def test_import_scamgeo_stays_free_of_dask_and_names_the_extra():
    code = textwrap.dedent(
        """
        import sys
        import scamgeo
        assert not any(m.split(".")[0] in ("dask", "distributed") for m in sys.modules), "dask loaded"

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("dask", "dask_geopandas", "distributed"):
                    raise ImportError(f"No module named {name!r}", name=name)

        sys.meta_path.insert(0, Block())
        try:
            import scamgeo.scale
        except scamgeo.ScamgeoError as exc:
            print(exc)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert 'pip install "scamgeo[scale]"' in out.stdout
    assert "dask is not installed" in out.stdout


def test_is_dask_needs_no_import(scale, lazy, memory):
    from scamgeo._dask import is_dask

    assert is_dask(lazy) and is_dask(lazy["fatalities"])
    assert not is_dask(memory) and not is_dask(memory["fatalities"]) and not is_dask(None)


def test_read_events_equals_the_in_memory_reader(scale, lazy, memory, files):
    import dask_geopandas

    assert isinstance(lazy, dask_geopandas.GeoDataFrame)
    assert lazy.npartitions >= 6  # several blocks per file
    assert lazy._meta.dtypes.equals(memory.dtypes)
    credit = scale.attrs(lazy)["attribution"]
    for path in files:  # ACLED's credit line for every file read
        assert sio.read_acled(path).attrs["attribution"] in credit
    got = lazy.compute()
    assert len(got) == N
    pd.testing.assert_frame_equal(got.reset_index(drop=True), memory)
    # a glob reads the same files in the same order
    glob = scale.read_events(str(files[0].parent / "synthetic_acled_*.csv"), blocksize=None)
    assert glob.npartitions == 3
    pd.testing.assert_frame_equal(glob.compute().reset_index(drop=True), memory)
    # the filters of the in-memory reader
    kh = scale.read_events([str(p) for p in files], countries="KHM", start="2025-06-01")
    want = memory[(memory["country"] == "KHM") & (memory["event_date"] >= "2025-06-01")]
    pd.testing.assert_frame_equal(kh.compute().reset_index(drop=True), want.reset_index(drop=True))


def test_geometry_equals_the_in_memory_path(scale, lazy, persisted, memory):
    import dask.dataframe as dd

    first_file = int(memory["event_id"].str.startswith("SYN1-").sum())
    assert scale.metric_crs(persisted) == geo.utm_crs(memory) == "EPSG:32648"
    # alone, the first file would be measured in zone 47 and differ: the pinning matters
    alone = geo.distance_to_border_km(memory.iloc[:first_file])
    whole = geo.distance_to_border_km(memory)
    assert (alone != whole.iloc[:first_file]).sum() > 100

    km = scale.distance_to_border_km(lazy)  # from the files, not persisted
    assert isinstance(km, dd.Series)
    pd.testing.assert_series_equal(km.compute().reset_index(drop=True), whole)
    border = datasets.border("THA", "KHM")
    pd.testing.assert_series_equal(
        scale.distance_to_border_km(persisted, border=border).compute().reset_index(drop=True),
        geo.distance_to_border_km(memory, border=border),
    )
    pd.testing.assert_frame_equal(
        scale.assign_province(persisted).compute().reset_index(drop=True),
        geo.assign_province(memory),
    )
    sites = datasets.sites()
    pd.testing.assert_frame_equal(
        scale.nearest_site(persisted, sites, kind="casino_hub").compute().reset_index(drop=True),
        geo.nearest_site(memory, sites, kind="casino_hub"),
    )
    near = scale.within_km(persisted, sites, km=25).compute().reset_index(drop=True)
    pd.testing.assert_series_equal(near, geo.within_km(memory, sites, km=25))
    assert 0 < near.sum() < N


def test_reference_geometry_is_in_the_graph_once(scale, lazy):
    import pickle

    border = datasets.border("THA", "KHM")
    with_border = scale.distance_to_border_km(lazy, border=border, crs="EPSG:32648")
    default = scale.distance_to_border_km(lazy, crs="EPSG:32648")
    graphs = [dict(s.__dask_graph__()) for s in (with_border, default)]
    extra = len(pickle.dumps(graphs[0])) - len(pickle.dumps(graphs[1]))
    assert lazy.npartitions >= 6
    assert 0 < extra < 2 * len(pickle.dumps(border))  # once, not once per partition
    assert sum(str(k).startswith("('GeoDataFrame-") for k in graphs[0]) == 1


def test_counts_equal_the_in_memory_path(scale, persisted, memory):
    for options in (
        {},
        {"freq": "W", "start": "2025-03-01", "end": "2025-08-31", "count": "claims"},
        {"by": "grid", "freq": "M", "cells": geo.grid(cell_km=25), "start": "2025-06-01"},
    ):
        got, want = scale.aggregate(persisted, **options), geo.aggregate(memory, **options)
        pd.testing.assert_frame_equal(got, want)
        assert got.attrs == want.attrs
        assert int(got[want.attrs["count"]].sum()) > 0
    for options in (
        {},
        {"freq": "W", "start": "2025-02-01", "end": "2025-05-01"},
        {"end": "2025-03-01"},
    ):
        got = scale.daily_counts(persisted, **options)
        pd.testing.assert_frame_equal(got, stats.daily_counts(memory, **options))
    assert int(scale.daily_counts(persisted, count="claims")["claims"].sum()) == N
    assert int(scale.daily_counts(persisted)["incidents"].sum()) == N  # each ACLED row an incident


def test_bad_row_named_by_its_file_and_row(scale, cluster, files, tmp_path):
    lines = files[1].read_text(encoding="utf-8").splitlines(keepends=True)
    bad_row = len(lines) - 5  # deep in the file's last block (header = row 1)
    cells = lines[bad_row - 1].split(",")
    cells[1] = "31 Smarch 2025"
    lines[bad_row - 1] = ",".join(cells)
    path = tmp_path / "with_bad_row.csv"
    path.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(SchemaError) as in_memory:
        sio.read_acled(path)
    events = scale.read_events([str(files[0]), str(path)], blocksize=100_000)
    assert events.npartitions > 10
    with pytest.raises(SchemaError) as on_cluster:
        events.compute()
    message = str(on_cluster.value)
    assert str(path) in message and f"row {bad_row}, column event_date" in message
    assert message == str(in_memory.value)


def test_rows_left_out_are_never_silent(scale, files, tmp_path):
    import dask

    lines = files[2].read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[-3].split(",")
    cells[15], cells[17] = "626", "Timor-Leste"  # iso, country: a country scamgeo leaves out
    lines[-3] = ",".join(cells)
    path = tmp_path / "with_timor.csv"
    path.write_text("".join(lines), encoding="utf-8")
    events = scale.read_events(str(path), blocksize=100_000)
    with dask.config.set(scheduler="sync"), pytest.warns(UserWarning) as caught:
        got = events.compute()
    messages = [str(w.message) for w in caught]
    assert any(
        str(path) in m and "1 row(s) left out" in m and "Timor-Leste (1)" in m for m in messages
    )
    assert len(got) == len(lines) - 2


def test_ucdp_files_in_blocks_and_whole(scale, cluster, fixtures, tmp_path):
    import gzip
    import zipfile

    for name in ("ucdp_ged.csv", "ucdp_candidate_noheader.csv"):
        path = fixtures / "io" / name
        want = sio.read_ucdp_ged(path)
        events = scale.read_events(str(path), blocksize=600)
        assert events.npartitions >= 3
        got = events.compute().reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want)
    source = fixtures / "io" / "ucdp_ged.csv"
    zipped = tmp_path / "ged.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(source, "GEDEvent.csv")
    packed = tmp_path / "ged.csv.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    events = scale.read_events([str(zipped), str(packed)])
    assert events.npartitions == 2
    want = sio.read_ucdp_ged(source)
    got = events.compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(got, pd.concat([want, want], ignore_index=True))


def test_unknown_layout_and_bad_options_fail_early(scale, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataSourceError, match="neither an ACLED export nor a UCDP GED file"):
        scale.read_events(str(odd))
    with pytest.raises(DataSourceError, match="no such file"):
        scale.read_events(str(tmp_path / "missing_*.csv"))
    with pytest.raises(ParameterError, match="source="):
        scale.read_events(str(odd), source="gdelt")
    with pytest.raises(ParameterError, match="scheduler"):
        with scale.client("nowhere"):
            pass


def test_geoparquet_round_trip(scale, persisted, memory, files, tmp_path):
    import dask_geopandas

    path = tmp_path / "events.parquet"
    scale.to_geoparquet(persisted, path)
    names = sorted(p.name for p in path.glob("*.parquet"))
    assert len(names) == persisted.npartitions and names[0] == "part.000000.parquet"
    # any reader of the folder (not only dask) gets the rows in order
    ids = pd.read_parquet(path, columns=["event_id"])["event_id"]
    assert ids.tolist() == memory["event_id"].tolist()
    back = scale.read_geoparquet(path)
    assert isinstance(back, dask_geopandas.GeoDataFrame)
    assert scale.attrs(back)["attribution"] == scale.attrs(persisted)["attribution"]
    assert "Armed Conflict Location & Event Data (ACLED)" in scale.attrs(back)["attribution"]
    pd.testing.assert_frame_equal(back.compute().reset_index(drop=True), memory)
    with pytest.raises(ParameterError, match="exists"):
        scale.to_geoparquet(persisted, path)
    # the filters of load_events, lazily and in memory
    want = memory[(memory["country"] == "KHM") & (memory["event_date"] <= "2025-04-30")]
    want = want.reset_index(drop=True)
    for lazy in (True, False):
        kh = scale.read_geoparquet(path, lazy=lazy, countries="KHM", end="2025-04-30")
        kh = kh.compute() if lazy else kh
        pd.testing.assert_frame_equal(kh.reset_index(drop=True), want)
    with pytest.raises(ParameterError, match="countries"):
        scale.read_geoparquet(path, countries="XXX")

    # an in-memory table, with its attribution
    one = sio.read_acled(files[0])
    assert one.attrs["attribution"].startswith("Source: Armed Conflict Location")
    small = tmp_path / "small.parquet"
    scale.to_geoparquet(one, small, rows_per_file=700)
    assert len(list(small.glob("*.parquet"))) == -(-len(one) // 700)
    eager = scale.read_geoparquet(small, lazy=False)
    pd.testing.assert_frame_equal(eager, one)
    assert eager.attrs == one.attrs
    assert eager.crs == one.crs


@pytest.mark.slow
def test_two_briefs_through_the_scheduler(scale, cluster, tmp_path, fixtures):
    import json

    from scamgeo import briefs

    failing = fixtures / "briefs" / "90-fails-on-demand.ipynb"
    jobs = [
        briefs.Job(str(failing), "a", {"label": "A"}),
        briefs.Job(str(failing), "b", {"label": "B"}),
        briefs.Job(str(failing), "c", {"fail": True}),
        briefs.Job(str(failing), "d", {"lable": "typo"}),
    ]
    # the briefs runner takes any concurrent.futures-like executor: the dask client is one
    results = briefs.run_batch(jobs, output_dir=tmp_path, executor=cluster)
    assert [r.run for r in results] == ["a", "b", "c", "d"]
    assert [r.status for r in results] == ["ok", "ok", "failed", "invalid"]
    assert [r.key_figures.get("label") for r in results[:2]] == ["A", "B"]
    assert results[2].failed_cell == 7
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [r["status"] for r in manifest["runs"]] == ["ok", "ok", "failed", "invalid"]
    assert (tmp_path / "a.html").is_file() and not (tmp_path / "c.html").exists()


def test_the_in_memory_functions_hand_dask_frames_to_scale(scale, persisted, memory, tmp_path):
    """geo, stats and load_events accept a dask frame and give the in-memory answer."""
    from scamgeo import geo, io, stats

    lazy_km = geo.distance_to_border_km(persisted)
    assert not isinstance(lazy_km, pd.Series)  # lazy: a dask Series
    pd.testing.assert_series_equal(
        lazy_km.compute().reset_index(drop=True),
        geo.distance_to_border_km(memory).reset_index(drop=True),
    )
    prov = geo.assign_province(persisted).compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(prov, geo.assign_province(memory).reset_index(drop=True))
    counts = stats.daily_counts(persisted, freq="W")
    pd.testing.assert_frame_equal(counts, stats.daily_counts(memory, freq="W"))
    assert counts.attrs["count"] == "incidents"  # ACLED rows: one row, one incident
    path = tmp_path / "events.parquet"
    scale.to_geoparquet(persisted, path)
    back = io.load_events(str(path))
    pd.testing.assert_frame_equal(back.reset_index(drop=True), memory.reset_index(drop=True))


def test_a_dask_frame_before_import_scamgeo_scale_says_to_import_it(tmp_path):
    """geo, stats and io never import scale: scale registers its versions when imported."""
    script = textwrap.dedent(
        """
        import sys
        import dask_geopandas
        from scamgeo import datasets, geo, io, stats
        from scamgeo._errors import ScamgeoError

        lazy = dask_geopandas.from_geopandas(datasets.events(), npartitions=2)
        for call in (
            lambda: geo.distance_to_border_km(lazy),
            lambda: geo.nearest_site(lazy, datasets.sites()),
            lambda: geo.within_km(lazy, datasets.sites(), km=5),
            lambda: geo.assign_province(lazy),
            lambda: geo.aggregate(lazy),
            lambda: stats.daily_counts(lazy),
            lambda: io.load_events("events.parquet"),
        ):
            try:
                call()
            except ScamgeoError as exc:
                message = str(exc)
                assert "\\n" not in message and "import scamgeo.scale" in message, message
                print(message)
            else:
                raise AssertionError("no error")
        assert "scamgeo.scale" not in sys.modules
        import scamgeo.scale  # registers the partition-wise versions
        assert float(geo.distance_to_border_km(lazy).compute().max()) > 0
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("scamgeo.geo.distance_to_border_km was given a dask frame")
    assert lines[-1].startswith("scamgeo.io.load_events was given a GeoParquet path")


def test_incidents_with_linked_claims_are_counted_in_memory(scale):
    """Claims of one incident may sit in different partitions: count='incidents' refuses them."""
    import dask_geopandas

    events = datasets.events()
    lazy = dask_geopandas.from_geopandas(events, npartitions=3)
    for count in (scale.aggregate, scale.daily_counts):
        with pytest.raises(ParameterError, match="carries incident_id"):
            count(lazy)
    claims = scale.aggregate(lazy, count="claims")
    pd.testing.assert_frame_equal(claims, geo.aggregate(events, count="claims"))
    assert int(claims["claims"].sum()) == len(events)


def test_a_script_without_a_main_guard_gets_one_error_that_says_what_to_do(tmp_path):
    """Each local worker re-imports the script: unguarded, scale.client says so in one error."""
    pytest.importorskip("distributed")
    body = (
        "from scamgeo import scale\n"
        "{guard}with scale.client('local:2') as c:\n"
        "{indent}print('workers', len(c.scheduler_info()['workers']))\n"
    )
    bare = tmp_path / "bare.py"
    bare.write_text(body.format(guard="", indent="    "))
    done = subprocess.run(
        [sys.executable, str(bare)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 1 and "workers" not in done.stdout
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("scamgeo._errors.ScamgeoError: scale.client: could not start 2 local")
    assert 'if __name__ == "__main__":' in last
    # no per-worker tracebacks: only the script's own one, with the single error
    assert done.stderr.count("Traceback (most recent call last)") == 1, done.stderr[:2000]

    guarded = tmp_path / "guarded.py"
    guarded.write_text(
        "if __name__ == '__main__':\n"
        + textwrap.indent(body.format(guard="", indent="    "), "    ")
    )
    done = subprocess.run(
        [sys.executable, str(guarded)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "workers 2" in done.stdout
