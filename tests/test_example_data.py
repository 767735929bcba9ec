"""Example data: the pinned list, finding it, and downloading it with checksums.

The downloads are served by ``http.server`` on 127.0.0.1 from the shared copy of the
GMPP files (or a tampered copy of it), never from the network.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from conftest import example_data_folder

from kerslake_analysis import cli

#: The ten annual files, uk_2014.csv … uk_2023.csv (the shared copy's README).
from kerslake_analysis.base import paths

#: The ten annual files, uk_2014.csv … uk_2023.csv (the shared copy's README).
from kerslake_analysis.ingest import example_data

#: The ten annual files, uk_2014.csv … uk_2023.csv (the shared copy's README).
GMPP_FILES = [f"uk_{year}.csv" for year in range(2014, 2024)]


@pytest.fixture
def serve():
    """Serve a folder on 127.0.0.1; yields a function folder -> base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_list_pins_every_gmpp_file_with_a_sha256():
    example = example_data.get_example("gmpp")
    assert sorted(example.files) == GMPP_FILES
    assert all(len(d) == 64 and int(d, 16) >= 0 for d in example.files.values())
    # The published location: the raw files of the pinned commit (../shared/external/gmpp/README.md).
    assert example.base_url == (
        "https://raw.githubusercontent.com/rauschgold/ds-bootcamp-capstone-project/"
        "ff3d3a669e4cf0f490812d81b979400c5dbe490f/data/raw_data/"
    )


def test_the_pinned_checksums_are_those_of_the_shared_copy(gmpp_dir):
    for name, pinned in example_data.get_example("gmpp").files.items():
        assert hashlib.sha256((gmpp_dir / name).read_bytes()).hexdigest() == pinned, name


def test_fetch_downloads_every_file_byte_for_byte(gmpp_dir, serve, tmp_path):
    dest = tmp_path / "gmpp"
    written = example_data.fetch("gmpp", dest, base_url=serve(gmpp_dir), progress=False)
    assert written == dest
    assert sorted(p.name for p in dest.iterdir()) == GMPP_FILES
    for name in GMPP_FILES:
        assert (dest / name).read_bytes() == (gmpp_dir / name).read_bytes()


def test_fetch_refuses_a_tampered_file_and_writes_nothing(gmpp_dir, serve, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(gmpp_dir, mirror)
    tampered = mirror / "uk_2019.csv"
    tampered.chmod(0o644)
    tampered.write_bytes(tampered.read_bytes().replace(b"Green", b"Red", 1))
    dest = tmp_path / "gmpp"
    with pytest.raises(example_data.ExampleDataError, match="uk_2019.csv .* refused"):
        example_data.fetch("gmpp", dest, base_url=serve(mirror), progress=False)
    assert not dest.exists() or list(dest.iterdir()) == []


def test_the_command_takes_the_base_url_from_the_environment(
    gmpp_dir, serve, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv(example_data.BASE_URL_VARIABLE, serve(gmpp_dir))
    dest = tmp_path / "gmpp"
    assert cli.main(["examples", "fetch", "gmpp", "--dest", str(dest), "--quiet"]) == 0
    assert sorted(p.name for p in dest.iterdir()) == GMPP_FILES
    assert str(dest) in capsys.readouterr().out


def test_a_missing_file_on_the_server_is_named(tmp_path, serve, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code = cli.main(
        ["examples", "fetch", "gmpp", "--dest", str(tmp_path / "g"), "--base-url", serve(empty)]
    )
    assert code == 2
    assert "could not download" in capsys.readouterr().err


@pytest.fixture
def nothing_beside(tmp_path, monkeypatch):
    """A checkout with no shared folder beside it and nothing fetched."""
    monkeypatch.setattr(paths, "SHARED_DIR", tmp_path / "shared")
    monkeypatch.setattr(paths, "EXAMPLES_DIR", tmp_path / "examples")


def test_without_the_data_a_test_is_skipped_saying_how_to_get_it(nothing_beside, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="run `kerslake examples fetch gmpp`"):
        example_data_folder("gmpp")


def test_without_the_data_under_ci_a_test_fails(nothing_beside, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true and the gmpp example data"):
        example_data_folder("gmpp")


def test_the_fetched_folder_is_used_when_there_is_no_shared_copy(
    nothing_beside, gmpp_dir, tmp_path
):
    fetched = paths.fetched_example_dir("gmpp")
    assert fetched == tmp_path / "examples" / "gmpp" / "data"
    assert example_data.locate("gmpp") is None
    shutil.copytree(gmpp_dir, fetched)
    assert example_data.locate("gmpp") == fetched


def test_the_path_command_refuses_in_one_line_when_absent(nothing_beside, capsys):
    assert cli.main(["examples", "path", "gmpp"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "kerslake examples fetch gmpp" in err
