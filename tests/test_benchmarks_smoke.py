"""The benchmark scripts run end to end at a small size and report a positive rate."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"{script} failed:\n{proc.stderr[-3000:]}"
    return proc


def _result(stdout: str) -> dict:
    """The one-line JSON result the scripts print first."""
    for line in stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"no JSON result in:\n{stdout[-2000:]}")


def test_corpus_is_reproducible_and_varied(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    _run("corpus.py", "--n", "50", "--seed", "3", "-o", str(out))
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 50
    docs = [json.loads(line) for line in lines]
    assert all(set(d) == {"id", "published", "source", "text"} and d["text"].strip() for d in docs)
    assert set(docs[0]["source"]) == {"outlet", "url"}
    assert len({d["id"] for d in docs}) == 50
    # the same seed gives the same corpus, another seed another one
    again = _run("corpus.py", "--n", "50", "--seed", "3").stdout.splitlines()
    assert again == lines
    other = _run("corpus.py", "--n", "50", "--seed", "4").stdout.splitlines()
    assert other != lines


def test_corpus_generate_by_import() -> None:
    spec = importlib.util.spec_from_file_location("raqib_bench_corpus", BENCH / "corpus.py")
    assert spec and spec.loader
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    a = list(corpus.generate(70, 11, use_gazetteer=False))
    b = list(corpus.generate(70, 11, use_gazetteer=False))
    assert a == b
    base = {r["id"]: r["text"] for r in corpus.dev_reports()}
    # Texts are varied copies: most differ from their dev report, and every dev report is used.
    changed = sum(d["text"] != base[d["id"].split("-", 3)[3]] for d in a)
    assert changed >= 60
    assert {d["id"].split("-", 3)[3] for d in a} == set(base)


def test_bench_floor_small() -> None:
    proc = _run("bench_floor.py", "--n", "50", "--runs", "2")
    result = _result(proc.stdout)
    assert result["benchmark"] == "floor" and result["n"] == 50
    assert result["docs_per_s"] > 0
    assert "docs/s" in proc.stdout


@pytest.mark.parametrize("profile", [False, True], ids=["timed", "profile"])
def test_bench_extract_small(profile: bool) -> None:
    args = ["--profile", "--profile-n", "20"] if profile else ["--n", "50", "--runs", "1"]
    proc = _run("bench_extract.py", *args)
    result = _result(proc.stdout)
    if profile:
        assert result["docs_per_s_under_profiler"] > 0
        assert "cumulative" in proc.stdout
    else:
        assert result["n"] == 50
        assert result["docs_per_s"] > 0 and result["floor_docs_per_s"] > 0
        assert result["ratio_full_to_floor"] > 0 and result["resource_load_s"] > 0
        assert result["errors"] == 0, result["error_examples"]


def test_unseen_pass_small() -> None:
    proc = _run("unseen_pass.py", "--warm", "3", "--n", "5")
    result = _result(proc.stdout)
    assert result["n"] == 5 and result["warm"] == 3 and result["errors"] == 0
    assert result["cpu_ms_per_doc"] > 0 and "unseen docs" in proc.stdout


def test_bench_batch_small(tmp_path: Path) -> None:
    proc = _run("bench_batch.py", "--n", "24", "--extract-n", "12", "--speedup-n", "24", "--store-n", "12",
                "--partition-size", "8", "--backends", "sqlite", "--workdir", str(tmp_path))  # fmt: skip
    result = _result(proc.stdout)
    assert result["startup"]["resource_load_s"] > 0 and result["startup"]["peak_rss_mb_after_load"] > 0
    assert result["extract"]["ratio_full_to_floor"] > 0 and result["extract"]["errors"] == 0
    one, two = result["speedup"]["runs"]
    assert (one["workers"], two["workers"]) == (1, 2)
    assert one["documents"] == two["documents"] == 24 and one["docs_per_s"] > 0 and two["docs_per_s"] > 0
    assert result["store"]["sqlite"]["docs_per_s"] > 0
    e2e = result["e2e"]["sqlite"]
    assert e2e["exit"] == 0 and "stored 24 documents" in e2e["summary"]
    assert set(result["projection"]["by_workers"]) == {"4", "8", "16", "32"}


def test_bench_clusters_small(tmp_path: Path) -> None:
    saved = tmp_path / "records.jsonl"
    proc = _run("bench_clusters.py", "--docs", "30", "--sizes", "300,600", "--check", "600",
                "--save-records", str(saved))  # fmt: skip
    result = _result(proc.stdout)
    assert result["benchmark"] == "clusters" and result["valid"] is True
    small, large = result["runs"]
    assert 300 <= small["events"] < large["events"] and large["events"] >= 600
    assert small["same_as_dedup"] is True and large["same_as_dedup"] is True
    assert small["cpu_s"] > 0 and 0 < large["multi"] < large["clusters"] and "growth_exponent" in large
    # the saved records give the same clusters again
    again = _result(_run("bench_clusters.py", "--records", str(saved), "--sizes", "300").stdout)
    assert again["base_events"] == result["base_events"] and again["runs"][0]["clusters"] == small["clusters"]


def test_bench_store_small(tmp_path: Path) -> None:
    import os

    backends = "sqlite,postgresql" if os.environ.get("RAQIB_TEST_PG_URL") else "sqlite"
    proc = _run("bench_store.py", "--events", "3000", "--queries", "20", "--backends", backends,
                "--workdir", str(tmp_path))  # fmt: skip
    result = _result(proc.stdout)
    for backend in backends.split(","):
        r = result[backend]
        assert r["queries"] == 20 and 0 < r["p50_ms"] <= r["p99_ms"] and r["load_s"] > 0


def test_bench_load_small(tmp_path: Path) -> None:
    import os

    backends = "sqlite,postgresql" if os.environ.get("RAQIB_TEST_PG_URL") else "sqlite"
    proc = _run("bench_load.py", "--requests", "300", "--connections", "50", "--reports", "12",
                "--backends", backends, "--workdir", str(tmp_path))  # fmt: skip
    result = _result(proc.stdout)
    assert result["benchmark"] == "load" and result["valid"] is True
    for backend in backends.split(","):
        r = result[backend]
        assert r["requests"] == 300 and r["errors"] == 0, r["error_examples"]
        assert r["statuses"] == {"200": 300} and r["store"]["reports"] == 12
        assert 0 < r["p50_ms"] <= r["p99_ms"] and r["requests_per_s"] > 0
        assert set(r["by_endpoint"]) == {"events", "events_geojson", "control_map", "meta"}
        assert f"{backend}: 300 requests over 50 connections" in proc.stdout


def test_check_same_output_dumps_and_compares(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    cache = tmp_path / "corpus.jsonl"
    for out in (first, second):
        _run("check_same_output.py", "dump", "-o", str(out), "--n", "5", "--seeds", "3", "--corpus-cache",
             str(cache), *(["--reverse"] if out == second else []))  # fmt: skip
    lines = first.read_text("utf-8").splitlines()
    assert len(lines) == 5 + len(list((ROOT / "tests" / "data" / "dev").glob("*.json")))
    same = _run("check_same_output.py", "compare", str(first), str(second))
    assert "0 of" in same.stdout
    label, digest, record = lines[-1].split("\t", 2)
    changed = json.loads(record) | {"changed_by_the_test": True}
    lines[-1] = "\t".join([label, digest, json.dumps(changed, sort_keys=True, ensure_ascii=False)])
    second.write_text("\n".join(lines) + "\n", "utf-8")
    proc = subprocess.run([sys.executable, str(BENCH / "check_same_output.py"), "compare", str(first), str(second)],
                          capture_output=True, text=True, check=False, cwd=ROOT)  # fmt: skip
    assert proc.returncode == 1 and "1 of" in proc.stdout
