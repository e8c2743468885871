"""The batch on a Dask cluster (a LocalCluster of 2 worker processes): the same output as a --jobs 1 run, a worker
killed mid-run, the client killed and --resume, a partition that kills its worker every time."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

import archivist.cluster._export as cluster_module  # noqa: E402 after the skip above
import archivist.packages.bagit as bagit_module  # noqa: E402 after the skip above
from archivist.batch import BatchOptions, run_batch, split_formats  # noqa: E402 after the skip above
from archivist.cluster._partition import entries as partition_entries  # noqa: E402 after the skip above
from archivist.packages import Package, PackageSettings  # noqa: E402 after the skip above
from archivist.packages import register as register_package  # noqa: E402 after the skip above
from archivist.packages import unregister as unregister_package  # noqa: E402 after the skip above
from archivist.records import Status  # noqa: E402 after the skip above
from tests.batch.test_engine import make_batch  # noqa: E402 after the skip above
from tests.conftest import SEED  # noqa: E402 after the skip above
from tests.warm import Warm  # noqa: E402 after the skip above

SMALL = 12_000  # bytes per partition: a few records each, so every input is many tasks
EVERYTHING = "all,oai-static,dspace-saf,marc21-collection,marcxml-collection,mods-collection"
EPOCH = "1700000000"


def strict_scheduler(*, allowed_failures: int) -> dict[str, Any]:
    """Dask settings: a task is failed after that many workers died running it, and no task waits on a worker
    behind another (so only the poison task dies with its worker), and a worker's nanny is not closed when its
    worker is slow to come back after a death, as archivist's own local clusters do."""
    return {"distributed.scheduler.allowed-failures": allowed_failures,
            "distributed.scheduler.worker-saturation": 1.0, "distributed.deploy.lost-worker-timeout": "1h"}


#: The worker processes of the clusters these tests start themselves are forked from one server process that has
#: imported Dask (Dask's own test suite does this), not started as fresh interpreters: about 1.5 s of CPU less per
#: worker start or restart (#17). The ``local:N`` clusters archivist starts (the command-line runs below) keep
#: Dask's default.
FORKED_WORKERS = {"distributed.worker.multiprocessing-method": "forkserver"}


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster of 2 worker processes, shared by the tests of this module. Its workers read
    the clock as SOURCE_DATE_EPOCH says (a bag's date, an ingested record's provenance), as this process does."""
    before = dict(os.environ)
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        with dask.config.set({**strict_scheduler(allowed_failures=2), **FORKED_WORKERS}), \
                distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                         silence_logs=50) as cluster:
            _restore(before, SOURCE_DATE_EPOCH=EPOCH)
            yield cluster.scheduler_address
    finally:
        _restore(before)


def _restore(environment: dict[str, str], **also: str) -> None:
    """Make this process's environment ``environment`` (plus ``also``) again. Dask's nanny writes PYTHONHASHSEED,
    MALLOC_TRIM_THRESHOLD_ and *_NUM_THREADS into it each time it starts a worker; left there, every later run
    of the test process would get them (a fixed hash seed; and tests/warm.py starts each run whose PYTHON*
    variables changed as a fresh interpreter: 1-2 s of CPU each instead of 0.1-0.2)."""
    os.environ.clear()
    os.environ.update(environment, **also)


@pytest.fixture(autouse=True)
def _environment_kept() -> Iterator[None]:
    """What a nanny writes into the environment during a test (a worker restarted) is gone after it."""
    before = dict(os.environ)
    yield
    _restore(before)


def tree(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` (hidden ones too: journals, temporary files) with its SHA-256."""
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def messy_input(tmp_path: Path, seed: dict[str, Any]) -> list[str]:
    """A JSON Lines file with bad lines, blank lines and duplicate ids (in one partition and across partitions),
    and a folder of JSON files with an invalid one, an empty JSON Lines file and a duplicate."""
    lines = [json.dumps(dict(seed, id=f"r{n:04d}", title=f"{seed['title']} {n}"), ensure_ascii=False)
             for n in range(60)]
    lines[7] = "{not json"
    lines[12] = json.dumps(dict(seed, id="bad-1", language=7, title=""))
    lines[13] = json.dumps(dict(seed, id="r0012", title="the id of a bad record, again"))
    lines[20] = ""
    lines[31] = json.dumps(dict(seed, id="r0030", title="next to its twin"))
    lines[55] = json.dumps(dict(seed, id="r0002", title="far from its twin"))
    lines[40] = "\ufeff" + lines[40][:-1] + ', "id": "r0041"}'  # a BOM and a duplicated key
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    for n in range(5):
        (folder / f"f{n}.json").write_text(json.dumps(dict(seed, id=f"f{n}")), encoding="utf-8")
    (folder / "f3.json").write_text(json.dumps(dict(seed, id="f3", date="yesterday")), encoding="utf-8")
    (folder / "g.json").write_text(json.dumps(dict(seed, id="r0005")), encoding="utf-8")
    (folder / "h.jsonl").write_bytes(b"")
    return [str(big), str(folder)]


def one_machine(paths: list[str], out: Path, to: str, **options: Any) -> Any:
    formats, packages = split_formats(to)
    return run_batch(paths, out, BatchOptions(formats=formats, packages=packages, **options))


@pytest.mark.parametrize("to", [EVERYTHING, "all,oai-static,bagit"])
def test_the_cluster_writes_exactly_what_one_process_writes(tmp_path: Path, seed: dict[str, Any], scheduler: str,
                                                            to: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # the bag's date
    paths = messy_input(tmp_path, seed)
    local = one_machine(paths, tmp_path / "one", to, errors=tmp_path / "one.errors")
    notices: list[str] = []
    cluster = run_batch(paths, tmp_path / "many", BatchOptions(
        formats=split_formats(to)[0], packages=split_formats(to)[1], errors=tmp_path / "many.errors",
        cluster=scheduler, partition_bytes=SMALL), on_notice=notices.append)
    assert str(cluster) == str(local) and (local.exported, local.failed) == (57, 9)
    assert tree(tmp_path / "many") == tree(tmp_path / "one")
    assert (tmp_path / "many.errors").read_bytes() == (tmp_path / "one.errors").read_bytes()
    failures = [json.loads(line) for line in (tmp_path / "many.errors").read_text(encoding="utf-8").splitlines()]
    assert [(Path(f["file"]).name, f["line"], f["errors"][0]["kind"]) for f in failures] == [
        ("big.jsonl", 8, "json"), ("big.jsonl", 13, "schema"), ("big.jsonl", 32, "duplicate-id"),
        ("big.jsonl", 41, "schema"), ("big.jsonl", 42, "duplicate-id"), ("big.jsonl", 56, "duplicate-id"),
        ("f3.json", None, "schema"), ("g.json", None, "duplicate-id"), ("h.jsonl", None, "empty")]


class IdList(Package):
    """A package from outside archivist, which cannot be split: the ids of the records, one a line."""

    name = "id-list"
    description = "the record ids"

    def __init__(self, root: Path, settings: PackageSettings) -> None:
        super().__init__(root, settings)
        self.ids: list[str] = []

    def add(self, record: dict[str, Any], exports: Mapping[str, Path], base: Path | None) -> None:
        self.ids.append(record["id"])

    def finish(self) -> list[Path]:
        target = self.root / "ids.txt"
        target.write_text("".join(f"{record_id}\n" for record_id in self.ids), encoding="utf-8")
        return [target]

    def abort(self) -> None:
        """Nothing was written yet."""


@pytest.fixture
def id_list() -> Iterator[None]:
    """The package id-list registered for the test (here, in the client: the workers never see it)."""
    register_package(IdList)
    try:
        yield
    finally:
        unregister_package("id-list")


@pytest.mark.parametrize(("to", "read_again"), [(f"{EVERYTHING},bagit", False), ("oai_dc,oai-static,id-list", True)])
def test_the_client_reads_the_input_again_only_for_a_package_that_cannot_be_split_nor_hashes_the_bag(
        tmp_path: Path, seed: dict[str, Any], scheduler: str, monkeypatch: pytest.MonkeyPatch, id_list: None,
        to: str, read_again: bool) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # the bag's date
    read: list[int] = []
    reader = partition_entries

    def counted(part: Any) -> Any:
        read.append(part.index)
        return reader(part)

    monkeypatch.setattr(cluster_module, "entries", counted)  # the client's reader; the workers have their own
    paths = messy_input(tmp_path, seed)
    local = one_machine(paths, tmp_path / "one", to)
    hashed: list[Path] = []
    digests = bagit_module._digests

    def counted_digests(path: Path) -> Any:
        hashed.append(path)
        return digests(path)

    monkeypatch.setattr(bagit_module, "_digests", counted_digests)  # the client's hashing; the workers have theirs
    cluster = one_machine(paths, tmp_path / "many", to, cluster=scheduler, partition_bytes=SMALL)
    assert str(cluster) == str(local)
    assert tree(tmp_path / "many") == tree(tmp_path / "one")
    assert bool(read) == read_again, read
    assert not [path for path in hashed if "data" in path.relative_to(tmp_path / "many").parts]  # the bag's payload
    assert bool(hashed) == ("bagit" in to)  # its tag files are hashed here


def test_a_dry_run_on_the_cluster_reports_what_one_process_reports(tmp_path: Path, seed: dict[str, Any],
                                                                   scheduler: str) -> None:
    paths = messy_input(tmp_path, seed)
    local = one_machine(paths, tmp_path / "one", "oai_dc", dry_run=True, errors=tmp_path / "one.errors")
    cluster = one_machine(paths, tmp_path / "many", "oai_dc", dry_run=True, errors=tmp_path / "many.errors",
                          cluster=scheduler, partition_bytes=SMALL)
    assert (cluster.checked, cluster.failed) == (local.checked, local.failed) == (57, 9)
    assert (tmp_path / "many.errors").read_bytes() == (tmp_path / "one.errors").read_bytes()
    assert not (tmp_path / "many").exists()


def test_a_worker_killed_mid_run_changes_nothing(tmp_path: Path, seed: dict[str, Any], scheduler: str) -> None:
    source = make_batch(tmp_path / "b.jsonl", seed, 240)
    to = "oai_dc,epub,marcxml,oai-static,dspace-saf,marcxml-collection"
    one_machine([str(source)], tmp_path / "one", to)
    killed: list[int] = []
    with distributed.Client(scheduler) as client:
        def kill_a_busy_worker(_: Any) -> None:
            if killed:
                return
            busy = [address for address, keys in client.processing().items() if keys]
            if busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        report = run_batch([source], tmp_path / "many", BatchOptions(
            formats=split_formats(to)[0], packages=split_formats(to)[1], cluster=scheduler,
            partition_bytes=SMALL), on_outcome=kill_a_busy_worker)
        assert killed, "no worker was busy: nothing was tested"
        assert killed[0] not in client.run(os.getpid).values()  # it really died (the nanny started another)
    assert (report.exported, report.failed) == (240, 0)
    assert tree(tmp_path / "many") == tree(tmp_path / "one")


KILLED_TO = "oai_dc,epub,jsonld,oai-static,dspace-saf"  # the records found current go into the packages too


@pytest.fixture(scope="module")
def six_hundred(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """600 records and the tree one process writes for them (KILLED_TO), made once for the runs below that are
    killed and resumed (each writes its own output folder; the input is only read)."""
    folder = tmp_path_factory.mktemp("six-hundred")
    source = make_batch(folder / "b.jsonl", json.loads(SEED.read_text(encoding="utf-8")), 600)
    one_machine([str(source)], folder / "one", KILLED_TO)
    return source, tree(folder / "one")


@pytest.mark.parametrize("resume_with", [["--cluster", "local:2"], ["--jobs", "1"]])
def test_the_client_killed_then_resume_finishes_the_same_output(
        tmp_path: Path, six_hundred: tuple[Path, dict[str, str]], resume_with: list[str], archivist: Warm) -> None:
    source, one = six_hundred
    out = tmp_path / "many"
    command = ["export", str(source), "--to", KILLED_TO, "--out", str(out)]
    first = archivist.popen([*command, "--cluster", "local:2", "-q"], start_new_session=True,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        journal = out / ".archivist-journal.jsonl"
        while time.monotonic() < deadline and not (len(list(out.glob("*.epub"))) >= 150 and journal.exists()
                                                   and journal.stat().st_size > 0):
            time.sleep(0.2)
        assert first.poll() is None, "the run ended before it could be killed"
        os.kill(first.pid, signal.SIGKILL)  # the client only: its workers find out on their own
        first.wait()
        assert not (out / "oai-static.xml").exists() and not (out / "dspace-saf.zip").exists()
        again = archivist.run([*command, *resume_with, "--resume"], timeout=300)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)  # what is left of the killed run's worker processes
    assert again.returncode == 0, again.stderr
    summary = " ".join(again.stderr.split())
    assert "600 records read:" in summary and "already current (resumed)" in summary
    assert tree(out) == one  # the partitions' journals are gone too


def stamps(directory: Path) -> dict[str, tuple[int, int]]:
    """Inode and time of change of every per-record output: a file written again (atomically: a new inode) shows."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in directory.iterdir()
            if p.is_file() and not p.name.startswith(".archivist") and not p.name.startswith("oai-static")}


@pytest.mark.parametrize(("first", "then"), [("cluster", "cluster"), ("cluster", "one"), ("one", "cluster")])
def test_resume_after_a_completed_run_skips_what_is_current_whatever_the_engine(
        tmp_path: Path, seed: dict[str, Any], scheduler: str, first: str, then: str) -> None:
    source = make_batch(tmp_path / "b.jsonl", seed, 60)
    out = tmp_path / "out"
    to = "oai_dc,epub,oai-static"

    def run(engine: str, **options: Any) -> tuple[Any, list[Any]]:
        seen: list[Any] = []
        cluster = {"cluster": scheduler, "partition_bytes": SMALL} if engine == "cluster" else {}
        formats, packages = split_formats(to)
        report = run_batch([source], out, BatchOptions(formats=formats, packages=packages, **cluster, **options),
                           on_outcome=seen.append)
        return report, seen

    run(first)
    assert not (out / ".archivist-cluster").exists()  # a completed cluster run leaves only the main journal
    written, before = tree(out), stamps(out)
    report, seen = run(then, resume=True)
    assert (report.read, report.current, report.exported) == (60, 60, 0)
    assert {outcome.status for outcome in seen} == {Status.CURRENT}
    assert stamps(out) == before  # nothing written again
    assert tree(out) == written  # journal and package too

    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = json.dumps(dict(seed, id="r00005", title="changed between the runs")) + "\n"
    source.write_text("".join(lines), encoding="utf-8")
    (out / "r00040.epub").unlink()
    report, seen = run(then, resume=True)
    assert (report.read, report.current, report.exported) == (60, 58, 2)
    assert [outcome.entry.data["id"] for outcome in seen if outcome.status is not Status.CURRENT] == [
        "r00005", "r00040"]
    after = stamps(out)
    assert {name for name in after if after[name] != before.get(name)} == {
        "r00005.oai_dc.xml", "r00005.epub", "r00040.oai_dc.xml", "r00040.epub"}  # a record is exported whole
    one_machine([str(source)], tmp_path / "fresh", to)
    assert tree(out) == tree(tmp_path / "fresh")


def _worker_spawned(parent: int) -> bool:
    """Whether ``parent`` has a child process that multiprocessing spawned (a Dask worker starting)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent and \
                    b"spawn_main" in (stat.parent / "cmdline").read_bytes():
                return True
    return False


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a test run started in the background ignores SIGINT; its child not


@pytest.mark.parametrize("window", ["starting", "running"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_the_cluster_starts_or_runs_says_one_line_and_leaves_no_partial_file(
        tmp_path: Path, seed: dict[str, Any], window: str, signum: int) -> None:
    source = make_batch(tmp_path / "b.jsonl", seed, 600)
    out = tmp_path / "out"
    run = subprocess.Popen([sys.executable, "-m", "archivist", "export", str(source), "--to", "oai_dc,epub",
                            "--out", str(out), "--cluster", "local:1", "-q"], stderr=subprocess.PIPE, text=True,
                           start_new_session=True, preexec_fn=_default_sigint)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _worker_spawned(run.pid):
            time.sleep(0.02)  # the worker process is starting: the cluster is not up yet (it takes a second or more)
        if window == "running":
            while time.monotonic() < deadline and len(list(out.glob("*.epub"))) < 20:
                time.sleep(0.05)
        assert run.poll() is None, "the run ended before the signal"
        started = len(list(out.glob("*.epub")))
        run.send_signal(signum)
        _, stderr = run.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
    assert (started == 0) == (window == "starting")
    assert run.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr
    if window == "starting":  # a signal before the run began: one line, nothing to resume
        said = "interrupted" if signum == signal.SIGINT else "stopped by SIGTERM"
        assert stderr == f"error: {said} before the export started; nothing was written\n", stderr
    else:
        assert stderr.startswith(f"stopped by {signal.Signals(signum).name} after "), stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".part") or p.name == ".archivist-lock"]


def test_ctrl_c_while_connecting_to_a_scheduler_that_does_not_answer_says_one_line(
        tmp_path: Path, seed: dict[str, Any]) -> None:
    source = make_batch(tmp_path / "b.jsonl", seed, 2)
    silent = socket.socket()  # takes connections and never speaks: a scheduler that hangs
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    silent.settimeout(120)
    out = tmp_path / "out"
    with silent:
        run = subprocess.Popen([sys.executable, "-m", "archivist", "export", str(source), "--out", str(out),
                                "--cluster", f"tcp://127.0.0.1:{silent.getsockname()[1]}"], stderr=subprocess.PIPE,
                               text=True, start_new_session=True, preexec_fn=_default_sigint)
        try:
            connection, _ = silent.accept()  # the client is connecting (it waits up to 20 s for an answer)
            with connection:
                time.sleep(0.5)
                assert run.poll() is None, "the run ended before the signal"
                run.send_signal(signal.SIGINT)
                _, stderr = run.communicate(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(run.pid, signal.SIGKILL)
    assert run.returncode == 130, stderr
    assert stderr == "error: interrupted before the export started; nothing was written\n", stderr
    assert not out.exists()


def _executing(scheduler: str, prefix: str, seconds: float = 60) -> bool:
    """Wait until a worker of ``scheduler`` is executing a task whose key starts with ``prefix``; False if none
    did within ``seconds``."""
    deadline = time.monotonic() + seconds
    with distributed.Client(scheduler, set_as_default=False) as client:
        while time.monotonic() < deadline:
            if any(client.run(lambda dask_worker: any(str(task.key).startswith(prefix)
                                                      for task in dask_worker.state.all_running_tasks)).values()):
                return True
            time.sleep(0.02)
    return False


class Refused(Exception):
    """An error in the client, the moment a record's outcome is seen."""


def test_an_error_in_the_client_stops_the_cluster_tasks_before_it_returns(tmp_path: Path, seed: dict[str, Any],
                                                                          scheduler: str) -> None:
    source = make_batch(tmp_path / "b.jsonl", seed, 1200)
    size = 150 * len(source.read_bytes().split(b"\n", 1)[0])  # about 150 records a task: a task takes a while

    def refuse(_: Any) -> None:
        raise Refused

    out = tmp_path / "out"
    with pytest.raises(Refused):
        run_batch([source], out, BatchOptions(formats=["oai_dc", "epub"], cluster=scheduler, partition_bytes=size),
                  on_outcome=refuse)
    written = tree(out)
    with distributed.Client(scheduler) as client:
        assert not any(client.run(lambda dask_worker: [task.key for task in dask_worker.state.all_running_tasks
                                                       if str(task.key).startswith("archivist-")]).values())
        assert not [key for key in client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.tasks))
                    if str(key).startswith("archivist-")]
    time.sleep(2)
    assert tree(out) == written, "the cluster went on writing after run_batch returned"
    assert len(list(out.glob("*.epub"))) < 1200  # it did stop before the end


class PoisonRecord(distributed.WorkerPlugin):
    """On every worker (restarted ones too), exporting a record whose id is in ``poison`` kills the worker process:
    a poison input that no exception handler catches."""

    def __init__(self, poison: set[str]) -> None:
        self.poison = poison

    def setup(self, worker: Any) -> None:
        import archivist.batch._work as work

        export, poison = work.export_files, self.poison

        def deadly(record: dict[str, Any], names: Any, root: str, *more: Any) -> Any:
            if record.get("id") in poison:
                os._exit(70)
            return export(record, names, root, *more)

        work.export_files = deadly


def test_a_record_that_kills_its_worker_every_time_is_found_and_only_it_is_reported(
        tmp_path: Path, seed: dict[str, Any]) -> None:
    """The partition is cut in halves down to the record (the cap on the search: tests/batch/test_bisect.py)."""
    source = tmp_path / "b.jsonl"
    lines = [json.dumps(dict(seed, id=f"r{n:05d}", title=f"{seed['title']} {n:03d}")) + "\n" for n in range(40)]
    size = 10 * len(lines[0].encode("utf-8"))  # lines of about one length: partitions of about ten records
    lines[15] = "\n"  # in the poison's partition: a blank line, an invalid record, a duplicate id, a bad line
    lines[17] = json.dumps(dict(seed, id="r00017", language=7)) + "\n"
    lines[18] = json.dumps(dict(seed, id="r00003", title="the id of an earlier record")) + "\n"
    lines[19] = "{not json\n"
    source.write_text("".join(lines), encoding="utf-8")
    one_machine([str(source)], tmp_path / "one", "oai_dc", errors=tmp_path / "one.errors")
    with dask.config.set({**strict_scheduler(allowed_failures=0), **FORKED_WORKERS}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                     silence_logs=50) as cluster, distributed.Client(cluster) as client:
        client.register_plugin(PoisonRecord({"r00013"}))
        report = run_batch([source], tmp_path / "out", BatchOptions(
            formats=["oai_dc"], cluster=cluster.scheduler_address, partition_bytes=size,
            errors=tmp_path / "errors.jsonl"))
    killed = ["r00013"]
    assert (report.read, report.exported, report.failed) == (39, 35, 4)
    failures = [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    crashed = [f for f in failures if f["errors"][0]["kind"] == "export"]
    assert [(f["id"], f["line"], Path(f["file"]).name) for f in crashed] == [("r00013", 14, "b.jsonl")]
    message = crashed[0]["errors"][0]["message"]
    assert "with this record alone" in message and "--resume" in message and "127.0.0.1" not in message
    assert [line for line in (tmp_path / "errors.jsonl").read_text(encoding="utf-8").splitlines()
            if json.loads(line)["id"] not in killed] == (tmp_path / "one.errors").read_text(
                encoding="utf-8").splitlines()  # the others of its partition where --jobs 1 reports them
    one, many = tree(tmp_path / "one"), tree(tmp_path / "out")
    assert many == {name: sha for name, sha in one.items()
                    if name.split(".")[0] not in killed and name != ".archivist-journal.jsonl"} | {
        ".archivist-journal.jsonl": many[".archivist-journal.jsonl"]}
    journal = (tmp_path / "one" / ".archivist-journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert (tmp_path / "out" / ".archivist-journal.jsonl").read_text(encoding="utf-8").splitlines() == [
        line for line in journal if json.loads(line)["id"] not in killed]


def test_cluster_mistakes_are_one_line_errors(tmp_path: Path, seed: dict[str, Any], archivist: Warm) -> None:
    source = make_batch(tmp_path / "b.jsonl", seed, 2)
    zero = archivist.run(["export", str(source), "--cluster", "local:0", "--out", str(tmp_path / "o")], timeout=120)
    assert zero.returncode != 0 and "Traceback" not in zero.stderr
    assert zero.stderr.strip().splitlines()[-1].endswith("a local cluster needs at least one worker (local:2)")
    assert not (tmp_path / "o").exists()  # refused before the output folder was made
    unknown = archivist.run(["export", str(source), "--cluster", "no-port", "--out", str(tmp_path / "q")], timeout=120)
    assert unknown.returncode == 2 and "cannot reach the Dask scheduler at no-port" in unknown.stderr
    assert not (tmp_path / "q").exists()
    stdin = archivist.run(["export", "-", "--cluster", "local:1", "--out", str(tmp_path / "p")],
                          input=source.read_text(encoding="utf-8"), timeout=120)
    assert stdin.returncode != 0 and "Traceback" not in stdin.stderr
    assert "standard input cannot be shared with a cluster" in stdin.stderr
    assert not (tmp_path / "p").exists()


def test_warc_ingest_on_the_cluster_gives_the_records_one_machine_gives(tmp_path: Path, scheduler: str) -> None:
    from archivist.cluster import Capture, IngestJob, cluster_ingest
    from archivist.ingest import Facts, builtin_rules, ingest_to_dir
    from tests.ingest.warcs import html_page, write_warc

    html = [("Content-Type", "text/html; charset=utf-8")]
    text = [("Content-Type", "text/plain; charset=utf-8")]
    captures = []
    for n in range(4):
        pages = [(f"https://example.org/{n}/{k}", "200 OK", html, html_page(f"Page {n}.{k}", "Head", f"Text {k}."))
                 for k in range(3)]
        pages.append(("https://example.org/logo.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG fake"))
        pages.append(("https://example.org/shared", "200 OK", html, html_page("Shared", "Shared", f"Crawl {n}.")))
        pages.append((f"https://example.org/{n}.txt", "200 OK", text, f"Plain text {n}\n\nIts body.\n".encode()))
        captures.append(write_warc(tmp_path / f"crawl-{n}.warc{'.gz' if n % 2 else ''}", pages, gzip=bool(n % 2)))
    page = tmp_path / "page.html"
    page.write_bytes(html_page("A saved page", "Saved", "Saved text."))
    captures.append(page)
    (tmp_path / "broken.warc").write_bytes(b"WARC/1.0\r\nnot a warc at all")
    captures.append(tmp_path / "broken.warc")
    facts = Facts(language="en", retrieved="2026-11-24")
    job = IngestJob(builtin_rules(), True, 10_000_000)

    def summary(outcomes: Any) -> list[tuple[str, str | None, str | None, str | None]]:
        return [(o.source, o.record_id, str(o.error) if o.error else None, o.skipped) for o in outcomes]

    local = summary(ingest_to_dir(captures, facts, tmp_path / "one", rules=builtin_rules(), keep_original=True))
    many = summary(cluster_ingest([Capture(str(c), facts, str(c)) for c in captures], str(tmp_path / "many"), job,
                                  scheduler))
    assert many == local
    assert sum(1 for _, _, error, _ in local if error and "already written from" in error) == 3  # /shared again
    assert any(error and "broken.warc" in error for _, _, error, _ in local)
    assert tree(tmp_path / "many") == tree(tmp_path / "one") and len(tree(tmp_path / "one")) > 14


def test_manifest_ingest_on_the_cluster_gives_the_records_one_machine_gives(tmp_path: Path, scheduler: str) -> None:
    from archivist.cluster import IngestJob, cluster_ingest_manifest
    from archivist.ingest import Facts, builtin_rules, ingest_manifest
    from tests.ingest.warcs import html_page, write_warc

    html = [("Content-Type", "text/html; charset=utf-8")]
    pages = [(f"https://example.org/{k}", "200 OK", html, html_page(f"Page {k}", "Head", f"Text {k}."))
             for k in range(3)]
    pages.append(("https://example.org/logo.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG fake"))
    write_warc(tmp_path / "crawl.warc.gz", pages, gzip=True)
    (tmp_path / "a.html").write_bytes(html_page("A saved page", "Saved", "Saved text."))
    (tmp_path / "b.txt").write_text("Plain text\n\nIts body.\n", encoding="utf-8")
    (tmp_path / "broken.warc").write_bytes(b"WARC/1.0\r\nnot a warc at all")
    (tmp_path / "manifest.csv").write_text(
        "file,url,retrieved,language\n"
        "a.html,https://example.org/a,2026-11-24,en\n"
        "missing.txt,,2026-11-24,en\n"  # a row the manifest refuses: no task
        "crawl.warc.gz,,,\n"
        "b.txt,https://example.org/b,2026-11-24,de\n"
        "a.html,https://example.org/a,2026-11-24,en\n"  # the same id again: refused, as on one machine
        "broken.warc,,,\n"
        "../outside.txt,,,\n"
        "b.txt,https://example.org/b2,not a date,en\n", encoding="utf-8")
    facts = Facts(language="en", retrieved="2026-11-25")

    def summary(outcomes: Any) -> list[tuple[str, str | None, str | None, str | None]]:
        return [(o.source, o.record_id, str(o.error) if o.error else None, o.skipped) for o in outcomes]

    manifest = tmp_path / "manifest.csv"
    local = summary(ingest_manifest(manifest, tmp_path / "one", defaults=facts, rules=builtin_rules(),
                                    keep_original=True))
    many = summary(cluster_ingest_manifest(manifest, str(tmp_path / "many"), IngestJob(builtin_rules(), True,
                                                                                       10_000_000), scheduler,
                                           defaults=facts))
    assert many == local
    assert sum(1 for _, record_id, error, _ in local if record_id and not error) >= 5
    assert sum(1 for _, _, error, _ in local if error) >= 4
    assert tree(tmp_path / "many") == tree(tmp_path / "one")


def test_an_error_in_the_client_stops_the_ingest_tasks_before_it_returns(tmp_path: Path, scheduler: str) -> None:
    from archivist.cluster import Capture, IngestJob, cluster_ingest
    from archivist.ingest import Facts, builtin_rules
    from tests.ingest.warcs import html_page, write_warc

    html = [("Content-Type", "text/html; charset=utf-8")]
    facts = Facts(language="en", retrieved="2026-11-24")
    warcs = [write_warc(tmp_path / f"crawl-{n}.warc", [
        (f"https://example.org/{n}/{k}", "200 OK", html, html_page(f"Page {k}", "Head", f"Text {k}."))
        for k in range(60)]) for n in range(2)]  # a task of a second or more

    def captures() -> Iterator[Capture]:
        yield from (Capture(str(warc), facts, str(warc)) for warc in warcs)
        assert _executing(scheduler, "archivist-"), "no task was executing when the client failed: nothing was tested"
        raise Refused

    out = tmp_path / "out"
    with pytest.raises(Refused):
        list(cluster_ingest(captures(), str(out), IngestJob(builtin_rules(), False, 10_000_000), scheduler))
    with distributed.Client(scheduler) as client:
        assert not any(client.run(lambda dask_worker: [task.key for task in dask_worker.state.all_running_tasks
                                                       if str(task.key).startswith("archivist-")]).values())
    time.sleep(1)
    assert not (out / ".archivist-cluster").exists(), "a task went on staging records after the ingest ended"
