"""make bench: every benchmark, one after the other."""
from bench import (
    bench_engine,
    bench_export,
    bench_feed,
    bench_import,
    bench_imports,
    bench_intake,
    bench_local_stack,
    bench_pipeline,
    bench_search,
    bench_tokens,
)
from tests.browser import bench as bench_web

print("# Vroegsignaal benchmarks (figures and ratios on this machine; no test depends on them)")
bench_imports.main()
bench_tokens.main()
bench_intake.main()
bench_engine.main()
bench_pipeline.main()
bench_import.main()
bench_feed.main()
bench_search.main()
bench_export.main()
bench_web.main()
bench_local_stack.main([])
