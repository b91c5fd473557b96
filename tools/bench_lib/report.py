"""Results: one JSON file with every sample, and a Markdown summary of ratios."""

import json
import statistics
from pathlib import Path

from .stats import ratio, summary

TARGETS = ("raw", "django-nova", "horizon")
NAMES = {"raw": "raw API", "django-nova": "django-nova", "horizon": "Horizon"}


def combine(blocks: list[dict]) -> dict:
    """One target's blocks of one page: all samples pooled, block medians kept."""
    times = [t for b in blocks for t in b["times"]]
    def mean(key):
        return (statistics.fmean(b[key] for b in blocks)
                if all(b.get(key) is not None for b in blocks) else None)
    return {**summary(times),
            "block_medians": [b["median"] for b in blocks],
            "calls": blocks[0]["calls"], "calls_all_blocks": [b["calls"] for b in blocks],
            "calls_by_operation": blocks[0]["calls_by_operation"],
            "upstream_s_by_operation": blocks[0].get("upstream_s_by_operation", {}),
            "bytes": blocks[0]["bytes"],
            "dashboard_cpu_s": mean("dashboard_cpu_s"), "client_cpu_s": mean("client_cpu_s"),
            "api_cpu_s": mean("api_cpu_s"), "upstream_s": mean("upstream_s")}


def summarise(results: dict) -> dict:
    """Per count, page and target: the pooled figures and the three ratios."""
    out = {}
    for count, pages in results["counts"].items():
        out[count] = {}
        for page, targets in pages.items():
            row = {t: combine(b) for t, b in targets.items()}
            med = {t: row[t]["median"] for t in row}
            row["ratios"] = {
                "django-nova/raw": ratio(med.get("django-nova"), med.get("raw")),
                "horizon/raw": ratio(med.get("horizon"), med.get("raw")),
                "horizon/django-nova": ratio(med.get("horizon"), med.get("django-nova")),
            }
            out[count][page] = row
    return out


def html_per_row(summary_: dict, rows: dict[str, int]) -> dict:
    """(bytes of the all-rows page at the larger count - at the smaller) / extra rows."""
    counts = sorted(summary_, key=int)
    if len(counts) < 2:
        return {}
    low, high = counts[0], counts[-1]
    extra = rows[high] - rows[low]
    result = {}
    for target in ("django-nova", "horizon"):
        try:
            a = summary_[low]["instances_all"][target]["bytes"]
            b = summary_[high]["instances_all"][target]["bytes"]
        except KeyError:
            continue
        result[target] = {"rows": [rows[low], rows[high]], "bytes": [a, b],
                          "per_row": (b - a) / extra if extra else None}
    return result


def _ms(seconds):
    return "—" if seconds is None else f"{seconds * 1000:,.0f}"


def _x(value):
    return "—" if value is None else f"{value:.2f}×"


def _n(value):
    if value is None:
        return "—"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def markdown(results: dict) -> str:
    meta = results["meta"]
    summ = results["summary"]
    targets = [t for t in TARGETS if any(t in row for c in summ.values() for row in c.values())]
    lines = [f"## tools/bench: {meta['cloud']} cloud, {meta['date']}", "",
             f"Machine: {meta['cores']} cores, Python {meta['python']}, "
             f"django-nova {meta['django_nova']}"
             + (f", Horizon {meta['horizon']}" if meta.get("horizon") else "")
             + f"; {meta['reps']} timed requests per page and target (after one warm-up), "
             f"blocks in the order {' → '.join(meta['blocks'])}; load average "
             f"{meta['loadavg_start']:.2f} at the start, {meta['loadavg_end']:.2f} at the end; "
             f"run time {meta['duration_s'] / 60:.1f} min.", ""]

    lines += ["### Page time (median / p95, ms) and ratios of medians", ""]
    head = "| page | servers | " + " | ".join(NAMES[t] for t in targets) + " |"
    ratio_names = [r for r in ("django-nova/raw", "horizon/raw", "horizon/django-nova")
                   if all(t in targets for t in r.split("/"))]
    lines += [head + " " + " | ".join(ratio_names) + " |",
              "|" + "---|" * (2 + len(targets) + len(ratio_names))]
    for count in sorted(summ, key=int):
        for page, row in summ[count].items():
            cells = [f"{_ms(row[t]['median'])} / {_ms(row[t]['p95'])}" if t in row else "—"
                     for t in targets]
            rats = [_x(row["ratios"][r]) for r in ratio_names]
            lines.append(f"| {results['titles'][page]} | {count} | " + " | ".join(cells)
                         + " | " + " | ".join(rats) + " |")
    lines += ["", "django-nova's median per block (drift between the A and A' blocks): "
              + "; ".join(f"{results['titles'][p]} @{c}: "
                          + " / ".join(_ms(m) for m in row["django-nova"]["block_medians"])
                          for c in sorted(summ, key=int) for p, row in summ[c].items()
                          if "django-nova" in row and p.startswith("instances")), ""]

    lines += ["### Backend calls per page (through the counting proxy)", ""]
    counts = sorted(summ, key=int)
    lines += ["| page | " + " | ".join(f"{NAMES[t]} @{c}" for t in targets for c in counts)
              + " |", "|" + "---|" * (1 + len(targets) * len(counts))]
    for page in summ[counts[0]]:
        cells = [_n(summ[c].get(page, {}).get(t, {}).get("calls")) for t in targets
                 for c in counts]
        lines.append(f"| {results['titles'][page]} | " + " | ".join(cells) + " |")
    lines.append("")

    lines += ["### CPU per page (ms): dashboard processes / cloud API processes", ""]
    lines += ["| page | servers | " + " | ".join(NAMES[t] for t in targets) + " |",
              "|" + "---|" * (2 + len(targets))]
    for count in counts:
        for page, row in summ[count].items():
            cells = []
            for t in targets:
                if t not in row:
                    cells.append("—")
                    continue
                own = row[t]["dashboard_cpu_s"] if t != "raw" else row[t]["client_cpu_s"]
                cells.append(f"{_ms(own)} / {_ms(row[t]['api_cpu_s'])}")
            lines.append(f"| {results['titles'][page]} | {count} | " + " | ".join(cells) + " |")
    lines += ["", "(raw: the bench process's own CPU running openstacksdk/boto3 / the API's.)",
              ""]

    lines += ["### HTML size", ""]
    lines += ["| | " + " | ".join(NAMES[t] for t in targets if t != "raw") + " |",
              "|---|" + "---|" * len([t for t in targets if t != "raw"])]
    per_row = results.get("html_per_row", {})
    for count in counts:
        for page in ("instances_20", "instances_all"):
            if page in summ[count]:
                lines.append(f"| {results['titles'][page]} @{count}, KB | " + " | ".join(
                    f"{summ[count][page][t]['bytes'] / 1000:,.1f}"
                    if t in summ[count][page] else "—"
                    for t in targets if t != "raw") + " |")
    if per_row:
        lines.append("| bytes per instance row | " + " | ".join(
            f"{per_row[t]['per_row']:,.0f}" if t in per_row else "—"
            for t in targets if t != "raw") + " |")
    lines.append("")

    if results.get("first_visit"):
        lines += ["### First visit of the instances page (page + every CSS/JS/image/font)", "",
                  "| | requests | uncompressed KB | gzip as served KB | HTML KB | HTML gzipped "
                  "would be KB | failed |", "|---|---|---|---|---|---|---|"]
        for t, v in results["first_visit"].items():
            lines.append(f"| {NAMES[t]} | {v['requests']} | {v['total_bytes'] / 1000:,.1f} | "
                         f"{v['total_wire_gzip'] / 1000:,.1f} | {v['html_bytes'] / 1000:,.1f} | "
                         f"{v['html_if_gzipped'] / 1000:,.1f} | {len(v['failed'])} |")
        lines.append("")

    if results.get("throughput"):
        lines += [f"### Throughput: closed-loop signed-in clients on "
                  f"{results['throughput_page']}", "",
                  "| | clients | seconds | req/s | p50 ms | p95 ms | errors | dashboard CPU s "
                  "| bench client CPU s |", "|---|---|---|---|---|---|---|---|---|"]
        for t, by_clients in results["throughput"].items():
            for clients, v in by_clients.items():
                lines.append(
                    f"| {NAMES[t]} | {clients} | {v['seconds']:.0f} | {v['req_per_s']:.2f} | "
                    f"{_ms(v['latency']['median'])} | {_ms(v['latency']['p95'])} | "
                    f"{v['errors']} | {v['cpu_s']['dashboard']:.1f} | {v['client_cpu_s']:.1f} |")
        lines.append("")

    if results.get("login"):
        lines += ["### Login (median ms)", "",
                  "| | form GET | POST | first page after login | which page |",
                  "|---|---|---|---|---|"]
        for t, v in results["login"].items():
            lines.append(f"| {NAMES[t]} | {_ms(v['form_get']['median'])} | "
                         f"{_ms(v['post']['median'])} | {_ms(v['first_page']['median'])} | "
                         f"{v['first_page_path']} |")
        lines.append("")

    lines += ["### Calls per operation (first block, largest count)", ""]
    top = counts[-1]
    for page, row in summ[top].items():
        for t in targets:
            if t in row and t != "raw":
                ops = ", ".join(f"{op} ×{_n(n)}" for op, n in row[t]["calls_by_operation"].items())
                lines.append(f"- {results['titles'][page]}, {NAMES[t]}: {ops}")
    lines.append("")
    return "\n".join(lines)


def load_markdown(result: dict) -> str:
    meta = result["meta"]
    v = result["load"]
    wall = v["seconds"]
    cpu = v["cpu_s"]
    cloud = {name.removeprefix("cloud "): s for name, s in cpu.items() if name.startswith("cloud ")}
    biggest = sorted(cloud.items(), key=lambda kv: -kv[1])[:4]
    idle_cloud = sum(c for name, c in v["idle"]["cores"].items() if name.startswith("cloud "))
    calls = v["backend_calls"]
    views = v["requests"] or 1
    inside = v["in_django"]
    lines = [f"## tools/bench load: {meta['cloud']} cloud, {meta['date']}", "",
             f"{v['clients']} signed-in users (each its own session), {wall:.0f} s, "
             f"think time {v['think']} s (×0.5–1.5), {meta['instances']} instances; "
             f"{meta['cores']} cores, Python {meta['python']}, django-nova "
             f"{meta['django_nova']}; load average {v['loadavg'][0]:.2f} → "
             f"{v['loadavg'][1]:.2f}.", "",
             f"**{v['req_per_s']:.2f} req/s, p50 {_ms(v['latency']['median'])} ms, "
             f"p95 {_ms(v['latency']['p95'])} ms, {v['errors']} errors of {v['requests']}.** "
             f"Inside Django (the site's access log): p50 {_ms(inside['median'])} ms, "
             f"p95 {_ms(inside['p95'])} ms; the rest of the client's time is the wait for "
             "a free gunicorn thread.", "",
             f"CPU over the {wall:.0f} s (seconds, and cores = seconds / wall): dashboard "
             f"{cpu['dashboard']:.1f} ({cpu['dashboard'] / wall:.2f}), the cloud "
             f"{sum(cloud.values()):.1f} ({sum(cloud.values()) / wall:.2f}: "
             + ", ".join(f"{name} {s:.1f}" for name, s in biggest)
             + f"), counting proxy {cpu['proxy']:.1f}, bench client {v['client_cpu_s']:.1f}; "
             f"the cloud used {idle_cloud:.2f} cores idle, in the {v['idle']['seconds']:.0f} s "
             "before. "
             f"Backend calls per page view {sum(c['calls'] for c in calls) / views:.1f}, "
             f"{sum(c['seconds'] for c in calls) / views * 1000:,.0f} ms upstream "
             "(summed over the calls, which may overlap).", "",
             "| page | weight | requests | p50 ms | p95 ms | in Django p50 ms | "
             "in Django p95 ms | errors |", "|---|---|---|---|---|---|---|---|"]
    for path, p in v["per_path"].items():
        d = inside["per_path"][path]
        lines.append(f"| {path} | {result['mix'][path]} | {p['n'] + p['errors']} | "
                     f"{_ms(p['median'])} | "
                     f"{_ms(p['p95'])} | {_ms(d['median'])} | {_ms(d['p95'])} | "
                     f"{p['errors']} |")
    if v["error_kinds"]:
        lines += ["", "Errors: " + ", ".join(f"{k} ×{n}" for k, n in v["error_kinds"].items())]
    if v.get("profile"):
        lines += ["", *profile_markdown(v["profile"], cpu.get("py-spy"))]
    if v.get("cloud_profile"):
        lines += ["", *cloud_profile_markdown(v["cloud_profile"])]
    return "\n".join(lines) + "\n"


def profile_markdown(profile: dict, pyspy_cpu: float | None) -> list[str]:
    """py-spy's breakdown: where a request's time inside Django goes, and the site's CPU."""
    rate = profile["rate"]
    lines = [f"### Where the site's time goes (py-spy, {rate} samples/s per thread)", "",
             f"{profile['request_samples']:,} samples of request threads "
             f"({profile['request_samples'] / rate:,.0f} thread-seconds), "
             f"{profile['cloud_call_samples']:,} of cloud calls run concurrently for them; "
             "the request's wait for those is given to what they were doing. "
             + (f"py-spy itself used {pyspy_cpu:.1f} s of CPU." if pyspy_cpu is not None else ""),
             "", "| bucket | share of time in Django | share of the site's CPU |",
             "|---|---|---|"]
    names = list(dict.fromkeys([*profile["in_django"], *profile["cpu"]]))
    for name in sorted(names, key=lambda n: -profile["in_django"].get(n, 0)):
        def pct(share):
            return f"{share * 100:.1f} %" if share else "–"
        lines.append(f"| {name} | {pct(profile['in_django'].get(name))} | "
                     f"{pct(profile['cpu'].get(name))} |")
    return lines


def write(results: dict, out_dir: Path, stem: str, text: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{stem}.json"
    md_path = out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=1, default=str))
    md_path.write_text(text)
    return json_path, md_path


def cloud_profile_markdown(profile: dict) -> list[str]:
    """py-spy of moto: its CPU by the package that asked for the work."""
    lines = [f"### Where moto's CPU goes (py-spy, {profile['samples']:,} samples on the CPU)", "",
             "By the innermost frame outside the standard library.", "",
             "| package | share of moto's CPU |", "|---|---|"]
    lines += [f"| {name} | {share * 100:.1f} % |" for name, share in profile["cpu"].items()]
    return lines
