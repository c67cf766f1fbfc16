"""The event store benchmark's report: the table, the targets, and the JSON last line."""

from __future__ import annotations

import argparse

from bench._common import Measurement, format_table, is_durable, print_json_last_line, ratio
from bench._eventstore_workload import payload_sizes


def peer_row(name: str) -> str:
    return "peer_eventsourcing_" + name.removeprefix("append_")


def check_targets(rate: dict[str, float], writers: int) -> dict[str, bool]:
    ours = [name for name in rate if name.startswith("append_") or name == "read_all"]
    return {
        "append_batch10_ge_10k": rate["append_batch10"] >= 10_000,
        f"append_batch10_{writers}w_ge_10k": rate[f"append_batch10_{writers}w"] >= 10_000,
        "read_all_ge_100k": rate["read_all"] >= 100_000,
        "ahead_of_peer_on_every_row": all(rate[name] > rate[peer_row(name)] for name in ours),
    }


def report(
    args: argparse.Namespace,
    settings: dict[str, str],
    rows: list[Measurement],
    elapsed: float,
    *,
    page_size: int,
) -> None:
    rate = {row.name: row.rate for row in rows}
    durable = is_durable(settings)
    data_bytes, metadata_bytes = payload_sizes()
    print(
        f"store={args.store} events/row={args.events} (single-event rows {args.single_events})"
        f" repeats={args.repeats} (median) page={page_size}"
    )
    print("postgres " + " ".join(f"{name}={value}" for name, value in settings.items()))
    print(f"payload: data {data_bytes} B + metadata {metadata_bytes} B JSON per event")
    if not durable:
        print("WARNING: NOT DURABLE (fsync or synchronous_commit off): these results do not count")
    table = [
        [
            row.name,
            str(row.items),
            f"{row.rate:,.0f}",
            ratio(row.rate, rate["copy_ceiling"]),
            ratio(row.rate, rate.get(peer_row(row.name))) if not row.name.startswith("peer") else "-",
            f"{row.spread:.0%}",
        ]
        for row in rows
    ]
    print(format_table(["row", "events", "events/s", "vs COPY", "vs peer", "spread"], table))
    targets = check_targets(rate, args.writers)
    for target, met in targets.items():
        print(f"target {target}: {'met' if met else 'MISSED'}")
    print(f"total {elapsed:.0f} s")
    result: dict[str, object] = {f"{name}_eps": round(value) for name, value in rate.items()}
    result |= {f"postgres_{name}": value for name, value in settings.items()}
    result |= {
        "durable": durable,
        "store": args.store,
        "events_per_row": args.events,
        "events_per_single_row": args.single_events,
        "repeats": args.repeats,
        "payload_bytes": data_bytes + metadata_bytes,
        "targets": targets,
        "all_targets_met": all(targets.values()),
        "elapsed_seconds": round(elapsed, 1),
    }
    print_json_last_line(result)
