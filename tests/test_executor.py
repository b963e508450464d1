"""A study on a Dask cluster (a two-worker LocalCluster): the serial results, resumable."""

import json

import pytest

from estimator.cli import main
from estimator.studies import executor, plan

distributed = pytest.importorskip("distributed", reason="dask.distributed (extra 'cluster')")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_cluster_gives_the_serial_results_and_resumes(
    cluster, one_level_config, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(plan, "CHUNK", 5)  # 4 x 8 = 32 points in 7 chunks
    axes = ["--vary", "p_phys=1e-4,2e-4,5e-4,1e-3", "--vary", "level1.d_x=7:21:2"]
    serial, remote = tmp_path / "serial.json", tmp_path / "remote.json"
    assert main(["sweep", str(one_level_config), *axes, "-o", str(serial), "--workers", "1"]) == 0
    evaluate, calls = executor.evaluate_chunk, {"n": 0}

    def interrupt(*args, **kwargs):  # the third chunk (run here) is interrupted
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(executor, "evaluate_chunk", interrupt)
    argv = ["sweep", str(one_level_config), *axes, "-o", str(remote)]
    assert main([*argv, "--workers", "1"]) == 130
    monkeypatch.setattr(executor, "evaluate_chunk", evaluate)
    assert main([*argv, "--resume", "--scheduler", cluster]) == 0  # the other 5 chunks
    assert json.loads(remote.read_text()) == json.loads(serial.read_text())
    assert "32 of 32 points" in capsys.readouterr().out


def test_unreachable_scheduler_is_one_line(one_level_config, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", "1s")
    argv = [
        "sweep",
        str(one_level_config),
        "--vary",
        "level1.d_x=7,9",
        "-o",
        str(tmp_path / "o.csv"),
    ]
    assert main([*argv, "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("msd: error: --scheduler:")
