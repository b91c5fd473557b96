"""tools/bench: run, load, setup, cleanup.

    tools/bench run --cloud openstack --servers 20,200 --horizon
    tools/bench run --cloud embedded
    tools/bench load --cloud embedded --users 50 --seconds 60
    tools/bench load --cloud openstack --users 50 --seconds 60
    tools/bench cleanup [--project bench-20] [--load-users]
"""

import argparse
import itertools
import os
import platform
import secrets
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from django_nova.embedded_gate import SECRET_HEADER

from . import embedded_setup, openstack_setup, procs, pyspy, report, sites
from .load import AccessLog, closed_loop, idle_cpu, sign_in_all
from .measure import Meter, dashboard_fetch, ec2_pages, openstack_pages, run_blocks
from .procs import BenchError, CpuMeter, loadavg
from .stats import summary
from .web import Dashboard, first_visit

OPENSTACK_ROUTES = {"keystone": 5000, "nova": 8774, "glance": 9292, "cinder": 8776,
                    "neutron": 9696, "placement": 8778}
OS_CLOUD = "bench"  # the test cloud's name in the site's clouds.yaml
LOAD_MIX = {"/instances/": 40, "/overview/": 15, "/volumes/": 15, "/keypairs/": 15,
            "/images/": 15}
IDLE_SECONDS = 10  # the CPU baseline before a load window


def log(message: str) -> None:
    print(message, flush=True)


def wait_quiet(limit: float, seconds: float) -> float:
    """Wait (bounded) for the 1-minute load average to fall below ``limit``."""
    deadline = time.monotonic() + seconds
    load = loadavg()
    while load > limit and time.monotonic() < deadline:
        log(f"  load average {load:.2f} > {limit}: waiting (up to {seconds:.0f} s)")
        time.sleep(15)
        load = loadavg()
    if load > limit:
        log(f"  load average still {load:.2f}: measuring anyway; the numbers may be noisy")
    return load


def meta(args, cloud: str, started: float, blocks: list[str], extra: dict) -> dict:
    return {
        "cloud": cloud,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(), "python": platform.python_version(),
        "machine": platform.machine(), "kernel": platform.release(),
        "django_nova": sites.nova_version(), "reps": getattr(args, "reps", None), "blocks": blocks,
        "openstacksdk": sites.package_version("openstacksdk"),
        "boto3": sites.package_version("boto3"),
        "duration_s": time.monotonic() - started, **extra,
    }


def nova_dashboards(base20, base_all, credentials, pids):
    return (Dashboard("django-nova", base20, "/login/", credentials, pids),
            Dashboard("django-nova", base_all, "/login/", credentials, pids))


def measure_count(args, count_key, pages, meter, raw_conn, nova20, nova_all, horizon,
                  horizon_all, nova_cpu, horizon_cpu):
    """One resource count: blocks raw, django-nova, Horizon, django-nova, raw."""
    sessions = {}

    def raw_block():
        def get(page):
            def fetch():
                page.raw(raw_conn)
            return fetch, None
        return get

    def nova_block():
        if "nova" not in sessions:
            sessions["nova"] = nova20.login()[0]
            sessions["nova_all"] = nova_all.login()[0]

        def get(page):
            dash, key = (nova_all, "nova_all") if page.all_rows else (nova20, "nova")
            return dashboard_fetch(dash, sessions[key], (page.nova,)), nova_cpu
        return get

    def horizon_block():
        if "horizon" not in sessions:
            sessions["horizon"] = horizon.login()[0]
            sessions["horizon_all"] = horizon_all.login()[0]

        def get(page):
            if not page.horizon:
                return None
            dash, key = (horizon_all, "horizon_all") if page.all_rows else (horizon, "horizon")
            return dashboard_fetch(dash, sessions[key], page.horizon), horizon_cpu
        return get

    blocks = [("raw", raw_block), ("django-nova", nova_block)]
    if horizon:
        blocks += [("horizon", horizon_block), ("django-nova", nova_block)]
    blocks.append(("raw", raw_block))
    log(f"  {count_key} servers: blocks " + " → ".join(b[0] for b in blocks))
    return run_blocks(blocks, pages, meter, args.reps, log), [b[0] for b in blocks]


def throughput(args, dashboards: dict, meters: dict, path: str) -> dict:
    out = {}
    for name, dash in dashboards.items():
        out[name] = {}
        for clients in args.clients:
            sessions = sign_in_all(dash, clients)
            result = closed_loop(dash.base, sessions, {path: 1}, args.seconds,
                                 meters={"dashboard": meters[name]})
            log(f"    {name:11s} {clients:3d} clients: {result['req_per_s']:.2f} req/s, "
                f"p50 {result['latency']['median'] * 1000:.0f} ms, "
                f"p95 {result['latency']['p95'] * 1000:.0f} ms, {result['errors']} errors")
            out[name][str(clients)] = result
    return out


def login_times(args, dashboards: dict) -> dict:
    out = {}
    for name, dash in dashboards.items():
        samples = [dash.login()[1] for _ in range(args.login_reps)]
        out[name] = {k: summary([s[k] for s in samples])
                     for k in ("form_get", "post", "login", "first_page")}
        out[name]["first_page_path"] = samples[-1]["first_page_path"]
        log(f"    {name:11s} login {out[name]['login']['median'] * 1000:.0f} ms, first page "
            f"{out[name]['first_page']['median'] * 1000:.0f} ms "
            f"({out[name]['first_page_path']})")
    return out


def finish(args, results: dict, cloud: str, started: float, blocks, extra) -> None:
    results["summary"] = report.summarise(results)
    results["html_per_row"] = report.html_per_row(results["summary"], results["rows"])
    results["meta"] = meta(args, cloud, started, blocks, extra)
    results["meta"]["loadavg_end"] = loadavg()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    text = report.markdown(results)
    json_path, md_path = report.write(results, args.out, f"{cloud}-{stamp}", text)
    print()
    print(text)
    log(f"results: {json_path}\n         {md_path}")


def run_openstack(args, work: Path, started: float) -> None:
    load_start = wait_quiet(args.max_load, args.wait_quiet)
    log("setting up the bench projects on the OpenStack test cloud")
    accounts = {}
    for count in args.servers:
        accounts[count] = openstack_setup.Account(work, count)
        accounts[count].ensure(log)
    log("starting the counting proxy and django-nova (reference site, page size 20 and 1000)")
    proxy, keystone, site = start_openstack(work)
    base20, p20 = site.serve(20)
    base_all, p_all = site.serve(1000)
    nova_cpu = CpuMeter([p20.pid, p_all.pid])
    horizon_base = horizon_cpu = None
    if args.horizon:
        log("starting Horizon")
        horizon_site = sites.Horizon(work)
        horizon_site.install(log)
        horizon_base, hp = horizon_site.serve(keystone)
        horizon_cpu = CpuMeter([hp.pid])
    api = {name: [pid] for name, pid in openstack_setup.service_pids().items()}
    meter = Meter(proxy, api)
    pages = openstack_pages(itertools.islice)
    results = {"counts": {}, "titles": {p.key: p.title for p in pages}, "rows": {},
               "proxy_overhead": {}}
    blocks = []
    for count in args.servers:
        account = accounts[count]
        creds = account.login_fields(OS_CLOUD)
        nova20, nova_all = nova_dashboards(base20, base_all, creds, [p20.pid])
        horizon = horizon_all = None
        if horizon_base:
            hcreds = {"username": account.user_name, "password": account.password}
            horizon = Dashboard("horizon", horizon_base, "/auth/login/", hcreds)
            horizon_all = Dashboard("horizon", horizon_base, "/auth/login/", hcreds,
                                    cookies={"API_RESULT_PAGE_SIZE": "1000"})
        raw = account.connect(auth_url=keystone)
        results["counts"][str(count)], blocks = measure_count(
            args, str(count), pages, meter, raw, nova20, nova_all, horizon, horizon_all,
            nova_cpu, horizon_cpu)
        results["rows"][str(count)] = count
        # What the proxy itself costs: the 20-row call direct and through it.
        direct = account.connect()
        results["proxy_overhead"][str(count)] = {
            name: summary(timed(lambda c=conn: pages[0].raw(c), args.reps))
            for name, conn in (("direct", direct), ("through_proxy", raw))}
    top = accounts[max(args.servers)]
    creds = top.login_fields(OS_CLOUD)
    dashboards = {"django-nova": Dashboard("django-nova", base20, "/login/", creds)}
    meters = {"django-nova": nova_cpu}
    if horizon_base:
        dashboards["horizon"] = Dashboard("horizon", horizon_base, "/auth/login/",
                                          {"username": top.user_name,
                                           "password": top.password})
        meters["horizon"] = horizon_cpu
    paths = {"django-nova": "/instances/", "horizon": "/project/instances/"}
    log(f"first visit of the instances page ({max(args.servers)} servers)")
    results["first_visit"] = {name: first_visit(d, d.login()[0], paths[name])
                              for name, d in dashboards.items()}
    log("login")
    results["login"] = login_times(args, dashboards)
    log(f"throughput: {args.clients} clients × {args.seconds:.0f} s on the 20-row "
        "instances page")
    results["throughput"] = {}
    for name, dash in dashboards.items():
        results["throughput"].update(throughput(
            args, {name: dash}, meters, paths[name]))
    results["throughput_page"] = f"the instances page, 20 rows of {max(args.servers)} servers"
    finish(args, results, "openstack", started, blocks,
           {"servers": args.servers, "horizon": sites.horizon_version(work / "horizon-venv")
            if args.horizon else "", "loadavg_start": load_start})


def timed(fn, reps):
    fn()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def start_openstack(work: Path):
    """The counting proxy in front of the test cloud, and the reference site on it
    (a clouds.yaml whose auth_url is the proxy's Keystone port)."""
    run_dir = work / "run-openstack"
    run_dir.mkdir(exist_ok=True)
    proxy = sites.Proxy(OPENSTACK_ROUTES, run_dir)
    keystone = proxy.url("keystone", "/v3")
    clouds = run_dir / "clouds.yaml"
    clouds.write_text(f"clouds:\n  {OS_CLOUD}:\n    auth:\n      auth_url: {keystone}\n"
                      "      user_domain_name: Default\n    region_name: RegionOne\n"
                      "    identity_api_version: 3\n    interface: public\n")
    site = sites.NovaSite(run_dir / "nova-var", {
        "OS_CLOUD": OS_CLOUD, "OS_CLIENT_CONFIG_FILE": str(clouds),
        "BENCH_ONLY_CLOUD": OS_CLOUD})
    site.prepare()
    return proxy, keystone, site


def start_embedded(work: Path, fresh: bool = True):
    """moto (ours), the proxy in front of it, and the reference site on it."""
    run_dir = work / "run-embedded"
    if fresh and run_dir.exists():
        shutil.rmtree(run_dir)  # the bench's own sandbox from an earlier run
    run_dir.mkdir(parents=True, exist_ok=True)
    moto_port, secret, moto = sites.start_moto(run_dir / "moto")
    proxy = sites.Proxy({"ec2": moto_port}, run_dir, {SECRET_HEADER: secret})
    password = secrets.token_urlsafe(12)
    site = sites.NovaSite(run_dir / "nova-var", {
        "BENCH_EC2_ENDPOINT": proxy.url("ec2"), "BENCH_ONLY_CLOUD": "embedded",
        "NOVA_DEMO_PASSWORD": password})
    site.prepare()
    site.manage("ensure_demo_accounts")
    ec2 = embedded_setup.project_ec2(site, proxy.url("ec2"))
    return run_dir, moto, proxy, site, password, ec2


def run_embedded(args, work: Path, started: float) -> None:
    load_start = wait_quiet(args.max_load, args.wait_quiet)
    log("starting the embedded cloud (moto), the counting proxy and django-nova")
    run_dir, moto, proxy, site, password, ec2 = start_embedded(work)
    base20, p20 = site.serve(20)
    base_all, p_all = site.serve(1000)
    nova_cpu = CpuMeter([p20.pid, p_all.pid])
    meter = Meter(proxy, {"moto": [moto.pid]})
    pages = ec2_pages()
    creds = {"cloud": "embedded", "username": "demo", "password": password}
    results = {"counts": {}, "titles": {p.key: p.title for p in pages}, "rows": {}}
    blocks = []
    for count in args.servers:
        embedded_setup.top_up(ec2, count, log)
        nova20, nova_all = nova_dashboards(base20, base_all, creds, [p20.pid])
        results["counts"][str(count)], blocks = measure_count(
            args, str(count), pages, meter, ec2, nova20, nova_all, None, None, nova_cpu, None)
        results["rows"][str(count)] = count
    dash = Dashboard("django-nova", base20, "/login/", creds)
    log("first visit, login, throughput")
    results["first_visit"] = {"django-nova": first_visit(dash, dash.login()[0], "/instances/")}
    results["login"] = login_times(args, {"django-nova": dash})
    results["throughput"] = throughput(args, {"django-nova": dash}, {"django-nova": nova_cpu},
                                       "/instances/")
    results["throughput_page"] = f"the instances page, 20 rows of {max(args.servers)} instances"
    finish(args, results, "embedded", started, blocks,
           {"servers": args.servers, "loadavg_start": load_start})


def run_load(args, work: Path, started: float) -> None:
    """N users, each its own account and session, on LOAD_MIX; the same report
    on both clouds: latency in the client and inside Django, CPU of the site, the
    cloud, the counting proxy and the client, backend calls per page view."""
    if args.profile:
        pyspy.pyspy()  # fail before the setup when py-spy is missing
    load_start = wait_quiet(args.max_load, args.wait_quiet)
    if args.cloud == "embedded":
        log("starting the embedded cloud (moto), the counting proxy and django-nova")
        _, moto, proxy, site, password, ec2 = start_embedded(work)
        embedded_setup.top_up(ec2, args.instances, log)
        log(f"creating {args.users} users")
        users = embedded_setup.load_users(site, args.users, password)
        cloud = {"moto": moto.pid}
    else:
        log(f"setting up {openstack_setup.PREFIX}{args.instances} and its {args.users} users "
            "on the OpenStack test cloud")
        account = openstack_setup.Account(work, args.instances)
        account.ensure(log)
        users = account.ensure_load_users(args.users, OS_CLOUD, log)
        log("starting the counting proxy and django-nova")
        proxy, _, site = start_openstack(work)
        cloud = openstack_setup.service_pids(None)
    base, process = site.serve(20)
    log(f"signing in {args.users} users")
    dash = Dashboard("django-nova", base, "/login/", users[0])
    sessions = sign_in_all(dash, args.users, credentials=users, any_first_page=True)
    meters = {"dashboard": CpuMeter([process.pid]), "proxy": CpuMeter([proxy.process.pid]),
              **{f"cloud {name}": CpuMeter([pid]) for name, pid in cloud.items()}}
    access = AccessLog(site.server_log(20))
    log(f"idle CPU for {IDLE_SECONDS} s, then load: {args.users} users × "
        f"{args.seconds:.0f} s, think {args.think} s")
    idle = idle_cpu(meters, IDLE_SECONDS)
    profilers = {}
    if args.profile:
        # The site; and moto, the embedded cloud's one Python process.
        targets = {"profile": (process.pid, True)}
        if args.cloud == "embedded":
            targets["cloud_profile"] = (cloud["moto"], False)
        for key, (pid, whole_site) in targets.items():
            out = site.var_dir / f"load-{key}.raw"
            out.unlink(missing_ok=True)
            profilers[key] = (pyspy.start(pid, args.seconds, out, whole_site), out, whole_site)
        meters["py-spy"] = CpuMeter([p.pid for p, _, _ in profilers.values()])
    access.start()
    proxy.reset()
    result = closed_loop(base, sessions, LOAD_MIX, args.seconds, think=args.think,
                         meters=meters)
    for key, (profiler, out, whole_site) in profilers.items():
        result[key] = pyspy.finish(profiler, out, 60, whole_site)
    result["backend_calls"] = proxy.counts()
    result["in_django"] = access.read(list(LOAD_MIX))
    result["idle"] = idle
    out = {"load": result, "mix": LOAD_MIX,
           "meta": meta(args, args.cloud, started, ["load"],
                        {"instances": args.instances, "users": args.users,
                         "loadavg_start": load_start})}
    out["meta"]["loadavg_end"] = loadavg()
    text = report.load_markdown(out)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    json_path, md_path = report.write(out, args.out, f"load-{args.cloud}-{stamp}", text)
    print()
    print(text)
    log(f"results: {json_path}\n         {md_path}")
    if result["errors"]:
        sys.exit(1)


def counts(text: str) -> list[int]:
    values = sorted({int(v) for v in text.split(",") if v.strip()})
    if not values or values[0] < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive counts")
    return values


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tools/bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--cloud", choices=["openstack", "embedded"], default="openstack",
                        help="the OpenStack test cloud or the embedded one (default openstack)")
    common.add_argument("--out", type=Path, default=sites.REPO / "var" / "bench",
                        help="results directory (default: var/bench/)")
    common.add_argument("--quick", action="store_true",
                        help="few repetitions and short windows: a smoke test, not a result")
    common.add_argument("--max-load", type=float, default=1.0,
                        help="wait for the load average to drop below this (default 1.0)")
    common.add_argument("--wait-quiet", type=float, default=300,
                        help="…for at most this many seconds (default 300)")
    run = sub.add_parser("run", parents=[common], help="measure pages side by side")
    run.add_argument("--servers", type=counts, default=[20, 200],
                     help="resource counts, comma-separated (default 20,200)")
    run.add_argument("--horizon", action="store_true",
                     help="also install and measure Horizon (OpenStack cloud only)")
    run.add_argument("--reps", type=int, default=10, help="timed requests per page (10)")
    run.add_argument("--clients", type=counts, default=[4, 16],
                     help="concurrent clients for throughput (default 4,16)")
    run.add_argument("--seconds", type=float, default=30, help="throughput window (30)")
    run.add_argument("--login-reps", type=int, default=5)
    load = sub.add_parser(
        "load", parents=[common],
        help="N signed-in users on a page mix (embedded: Django accounts in the demo project; "
             "openstack: Keystone members of bench-<instances>)")
    load.add_argument("--users", type=int, default=50,
                      help="users, each its own account and session (default 50)")
    load.add_argument("--seconds", type=float, default=60, help="load window (60)")
    load.add_argument("--think", type=float, default=1.0,
                      help="mean think time between a user's requests, s (default 1.0)")
    load.add_argument("--instances", type=int, default=20,
                      help="instances (servers) in the users' project (default 20)")
    load.add_argument("--profile", action="store_true",
                      help="sample the site with py-spy over the load window and say where "
                           "its time goes (the sampling costs CPU: compare with a run without)")
    setup = sub.add_parser("setup", parents=[common],
                           help="create the bench projects and servers only")
    setup.add_argument("--servers", type=counts, default=[20, 200])
    clean = sub.add_parser("cleanup", parents=[common],
                           help="delete the bench's projects, users and servers on the test cloud")
    clean.add_argument("--project", default="",
                       help="only this bench project (bench-N) and its users")
    clean.add_argument("--load-users", action="store_true",
                       help="only the load users (of --project, or of every bench project)")
    return p


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    if getattr(args, "quick", False) and args.command == "run":
        args.reps, args.seconds, args.login_reps = 2, 5, 2
        args.clients = [4]
    if args.command == "load" and args.quick:
        args.seconds, args.users = min(args.seconds, 10), min(args.users, 5)
    procs.install_handlers()
    started = time.monotonic()
    work = sites.workdir()
    try:
        if args.command == "cleanup":
            openstack_setup.cleanup(log, args.project, args.load_users)
        elif args.command == "setup":
            for count in args.servers:
                openstack_setup.Account(work, count).ensure(log)
        elif args.command == "load":
            run_load(args, work, started)
        elif args.cloud == "openstack":
            run_openstack(args, work, started)
        else:
            if args.horizon:
                raise BenchError("Horizon runs against the OpenStack cloud only")
            run_embedded(args, work, started)
    except BenchError as error:
        print(f"tools/bench: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("tools/bench: interrupted; stopping what it started", file=sys.stderr)
        sys.exit(130)
    finally:
        procs.stop_all()
        print(f"tools/bench: total {time.monotonic() - started:.0f} s", file=sys.stderr)
