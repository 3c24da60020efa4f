"""The burst model of bench/scale/burst.py: W workers over chains of pages (no timing here)."""
from bench.scale.burst import PAGE, model


def test_more_workers_never_take_longer_and_one_chain_bounds_the_time():
    times = [model(600.0, 5.0, workers, burst=16 * PAGE * 10, municipalities=3)[0] for workers in (1, 4, 16, 64)]
    assert times == sorted(times, reverse=True)
    assert times[-1] >= 10 * 600.0 / 1000  # a shard's ten pages one after another, however many workers


def test_one_worker_does_every_page_one_after_another():
    burst_s, others_s = model(600.0, 5.0, 1, burst=16 * PAGE * 2, municipalities=2)
    assert burst_s >= (16 * 2 * 600.0 + 16 * 5.0) / 1000
    assert others_s < burst_s  # the others' pages come before the burst's next pages
