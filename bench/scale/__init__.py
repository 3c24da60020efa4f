"""make bench-scale: a year of one municipality at N households, through the real
adapters and services, over an in-process DynamoDB that keeps DynamoDB's paging
and capacity rules (bench.scale.store). Figures only; no test depends on them."""
