"""One sweep point and one chunk of points: keys, checks, the solve and the stored quantities."""

from __future__ import annotations

import hashlib
import json
import math
import time
import warnings

from triplon.data.provenance import source_fingerprint
from triplon.model.params import BANDS, BandParams
from triplon.pairing.caveats import KELVIN_PER_EV
from triplon.studies.sweeps.grid import (
    BAND_KEYS,
    EXCLUSIVE,
    METHODS,
    MICRO,
    PARAMETERS,
    in_range,
    range_text,
    resolve_point,
)
from triplon.studies.sweeps.quantities import _DERIVED, INTEGER_QUANTITIES, SCALARS


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=float).encode()).hexdigest()


def point_key(resolved: dict, numerics: dict, code: str | None = None) -> str:
    """Identity of a point's result: resolved parameters, numerics and library fingerprint."""
    return _digest({"p": resolved, "n": numerics, "code": code or source_fingerprint()})[:20]


def point_key_function(numerics: dict, code: str | None = None):
    """A fast :func:`point_key` for fixed ``numerics`` and ``code`` (the same keys).

    The canonical JSON of ``{"code", "n", "p"}`` is the fixed text of the first two
    members followed by that of the point, so only the point is encoded per call.
    """
    head = json.dumps({"code": code or source_fingerprint(), "n": numerics}, sort_keys=True, default=float)
    head = head[:-1] + ', "p": '
    enc = json.JSONEncoder(sort_keys=True, default=float).encode
    sha = hashlib.sha256

    def key(resolved: dict) -> str:
        return sha((head + enc(resolved) + "}").encode()).hexdigest()[:20]

    return key


def band_key(resolved: dict) -> str:
    """Identity of the work shared by points: band structure, filling and cutoff."""
    return _digest({"b": resolved["band"], "n_c": resolved["n_c"], "omega": resolved["omega"]})


class PointError(Exception):
    """A point that cannot be computed; ``status`` says why ('<reason>: <details>')."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def _range_message(name: str, value, derived: str | None = None) -> str | None:
    """None if ``value`` is in the allowed range of ``name``, else the out-of-range status."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return f"invalid point: {name} must be a number, got {value!r}"
    if in_range(name, x):
        return None
    units = PARAMETERS[name][4]
    unit = f" {units}" if units != "1" else ""
    what = f"derived {name} = {derived} = {x:.6g}{unit}" if derived else f"{name} = {x:.6g}{unit}"
    return f"out of range: {what} outside {range_text(name)}"


def _is_resolved(point: dict) -> bool:
    return isinstance(point.get("band"), dict)


def check_point(point: dict) -> dict:
    """Resolve a raw point (or accept a resolved one) and range-check it; raises :class:`PointError`.

    Raw points ({parameter: value}) are checked against :data:`PARAMETERS`
    (names, numbers, ranges, exclusive pairs), resolved with
    :func:`resolve_point`, and the quantities derived from the microscopic set
    (eps_alpha, eps_beta by Eq. 3, kappa_a, kappa_b by Eqs. 10-11, V by Eq. 13
    and Omega = J_c) are checked against the same ranges. A resolved point is
    checked field by field.
    """
    if _is_resolved(point):
        checks = [(k, point["band"].get(k)) for k in BAND_KEYS]
        checks += [
            (k, point.get(k))
            for k in ("n_c", "T", "omega", "kappa_a", "kappa_b", "lam", "V", "omega_T", "mu_star")
            if k in point
        ]
        if point.get("method", "bcs") not in METHODS:
            raise PointError(f"invalid point: unknown method {point.get('method')!r}")
        if ("lam" in point) == ("V" in point):
            raise PointError("invalid point: a resolved point has exactly one of 'lam' and 'V'")
        for k, v in checks:
            msg = _range_message(k, v)
            if msg:
                raise PointError(msg)
        return point
    for key, value in point.items():
        if key == "method":
            if value not in METHODS:
                raise PointError(f"invalid point: unknown method {value!r}; allowed: {', '.join(METHODS)}")
            continue
        if key not in PARAMETERS:
            raise PointError(f"invalid point: unknown parameter '{key}'")
        if isinstance(value, bool):
            raise PointError(f"invalid point: {key} must be a number, got {value!r}")
        msg = _range_message(key, value)
        if msg:
            raise PointError(msg)
    for a, b in EXCLUSIVE:
        if a in point and b in point:
            raise PointError(f"invalid point: give '{a}' or '{b}', not both")
    micro = set(point) & set(MICRO)
    if micro:
        clash = set(point) & {"eps_alpha", "eps_beta", "kappa", "kappa_a", "kappa_b", "lam", "V"}
        if clash:
            raise PointError(f"invalid point: {sorted(clash)} derived from the microscopic parameters")
    try:
        resolved = resolve_point(point)
    except (ValueError, TypeError) as exc:
        raise PointError(f"invalid parameters: {exc}") from None
    if micro:
        values = {"omega": resolved["omega"], "V": resolved["V"], "kappa_a": resolved["kappa_a"]}
        values.update(
            kappa_b=resolved["kappa_b"], **{k: resolved["band"][k] for k in ("eps_alpha", "eps_beta")}
        )
        for name in ("eps_alpha", "eps_beta", "kappa_a", "kappa_b", "V", "omega"):
            if name == "omega" and "omega" in point:
                continue
            msg = _range_message(name, values[name], _DERIVED[name])
            if msg:
                raise PointError(msg)
    return resolved


def _van_hove_distance(band: dict, n_c: float) -> float:
    """:func:`triplon.pairing.caveats.van_hove_distance` (cached per band set there); inf if it fails."""
    from triplon.pairing.caveats import van_hove_distance

    try:
        return van_hove_distance(n_c, BandParams(**band))
    except Exception:  # a caveat must not fail a point
        return math.inf


def band_work(resolved: dict, numerics: dict, shells: bool = True) -> dict:
    """Work shared by all points of one band key: mu, Fermi-level N, Ñ, shells, van Hove distance.

    Raises :class:`PointError` with the reason ("invalid parameters",
    "filling unreachable", "no Fermi surface", "shell quadrature failed").
    Returns a dict with ``fermi`` (FermiLevel, always), ``params`` (BandParams),
    ``shells`` (unless ``shells`` is False: the eliashberg method needs none), ``vh``.
    """
    from triplon.model.dos import fermi_level
    from triplon.pairing.point import prepare_shells

    try:
        params = BandParams(**resolved["band"])
    except (ValueError, TypeError) as exc:
        raise PointError(f"invalid parameters: {exc}") from None
    n_c = resolved["n_c"]
    try:
        fl = fermi_level(n_c=n_c, params=params, n=numerics.get("quadrature_nodes", 24))
    except Exception as exc:
        raise PointError(f"filling unreachable: n_c = {n_c:g} ({type(exc).__name__}: {exc})") from None
    work = {"fermi": fl, "params": params, "vh": _van_hove_distance(resolved["band"], n_c)}
    empty = [b for b in BANDS if not fl.dos[b] > 0]
    if empty:
        bands = " and ".join(empty)
        work["status"] = f"no Fermi surface: band {bands} at mu = {fl.mu:.6g} eV (pairing needs both)"
        return work
    if not shells:
        return work
    try:
        work["shells"] = prepare_shells(fl.mu, resolved["omega"], params, **numerics.get("shell", {}))
    except Exception as exc:
        work["status"] = f"shell quadrature failed: {type(exc).__name__}: {exc}"
    return work


STATUS_MAX = 200
"""Longest status text kept (characters); solver messages are cut there."""


def _short(status: str) -> str:
    """A status on one line, at most STATUS_MAX characters (the reason prefix always survives)."""
    text = " ".join(str(status).split())
    return text if len(text) <= STATUS_MAX else text[: STATUS_MAX - 3] + "..."


def _blank(status: str, resolved: dict | None = None, work: dict | None = None) -> dict:
    """A point's record before (or without) a solution: NaN values, integers 0, the inputs known so far."""
    out = {k: (0 if k in INTEGER_QUANTITIES else math.nan) for k in SCALARS}
    out["status"] = _short(status)
    if resolved is not None:
        out.update(kappa_a=float(resolved["kappa_a"]), kappa_b=float(resolved["kappa_b"]))
        out["omega"] = float(resolved["omega"])
        if resolved.get("method") == "eliashberg":  # no cutoff: omega_T and mu* instead
            out.update(omega=math.nan, omega_T=float(resolved["omega_T"]), mu_star=float(resolved["mu_star"]))
        for k in ("lam", "V"):
            if k in resolved:
                out[k] = float(resolved[k])
    if work is not None:
        fl = work["fermi"]
        out.update(
            mu=fl.mu,
            n_alpha=fl.filling["alpha"],
            n_beta=fl.filling["beta"],
            dos_alpha=fl.dos["alpha"],
            dos_beta=fl.dos["beta"],
            dos_eta2_alpha=fl.dos_eta2["alpha"],
            dos_eta2_beta=fl.dos_eta2["beta"],
        )
        if resolved is not None:
            out["caveat_flags"] = _flags(out, work)
    return out


def _flags(out: dict, work: dict) -> int:
    """Caveat bits of a point record (:func:`triplon.pairing.caveats.point_flags`)."""
    from triplon.pairing.caveats import point_flags

    gap_max = math.nan
    if out["converged"] and "shells" in work:
        u = {b: work["shells"][b].fermi_eta2_max for b in BANDS}
        gap_max = max(abs(out[f"A_{b}"] + x * out[f"B_{b}"]) for b in BANDS for x in (0.0, u[b]))
    return int(
        point_flags(
            Tc=out["Tc"],
            omega=out["omega"],
            gap_max=gap_max,
            lam=out["lam"],
            validity_eq18=out["validity_eq18"],
            d_wave_leads=bool(out["d_wave_leads"]),
            van_hove_distance=work["vh"],
        )
    )


_SOLUTION_KEYS = (
    "V",
    "lam",
    "kappa_a",
    "kappa_b",
    "omega",
    "ratio_eq17",
    "ratio_eq18",
    "ratio_sqrt",
    "validity_eq18",
    "A_alpha",
    "B_alpha",
    "A_beta",
    "B_beta",
    "gap_ratio",
    "anisotropy_alpha",
    "anisotropy_beta",
    "Tc",
    "lambda_d_at_Tc",
    "Tc_d",
    "gap2_Tc_alpha",
    "gap2_Tc_beta",
    "gap2_Tc_max_alpha",
    "gap2_Tc_max_beta",
    "d_wave_leads",
    "A_alpha_T",
    "A_beta_T",
)


def _finish(resolved: dict, work: dict, sol: dict) -> dict:
    """A point's record from its solution (the keys of :func:`triplon.pairing.batch.solve_batch`)."""
    rec = work.get("record")
    if rec is None:  # the NaN record with the band key's Fermi-level values, built once per key
        rec = work["record"] = _blank("ok", None, work)
    out = dict(rec)  # the solution carries every input of the point (V, lam, kappa_a, kappa_b, omega)
    for k in _SOLUTION_KEYS:
        out[k] = sol[k]
    out["d_wave_leads"] = int(sol["d_wave_leads"])
    out["Tc_K"] = sol["Tc"] * KELVIN_PER_EV
    out["converged"] = int(bool(sol["converged"]))
    out["status"] = _short(sol["status"])
    if out["status"] == "ok" and not out["converged"]:
        out["status"] = "not converged: a quantity of the point did not converge"
    out["caveat_flags"] = _flags(out, work)
    return out


def _reference_solution(work: dict, resolved: dict) -> dict:
    """One point by the per-point solvers (:func:`~triplon.pairing.point.gap_summary`)."""
    from triplon.pairing.analytic import GapWarning
    from triplon.pairing.point import gap_summary, resolve_V

    fl, shells = work["fermi"], work["shells"]
    V = resolve_V(fl, lam=resolved.get("lam"), V=resolved.get("V"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GapWarning)
        s = gap_summary(shells, fl, V, resolved["kappa_a"], resolved["kappa_b"], resolved["T"])
    sol = {k: getattr(s, k) for k in _SOLUTION_KEYS if hasattr(s, k)}
    for b in BANDS:
        r = s.ratio_2gap_Tc.get(b, {})
        sol[f"gap2_Tc_{b}"] = r.get("diagonal", math.nan)
        sol[f"gap2_Tc_max_{b}"] = r.get("maximum", math.nan)
    sol["d_wave_leads"] = int(s.leading_channel == "d")
    status = s.status
    if s.solution_T:
        sol["A_alpha_T"], sol["A_beta_T"] = s.solution_T["A_alpha"], s.solution_T["A_beta"]
        conv_T = s.solution_T["converged"]
        if status == "ok" and not conv_T:
            status = f"{s.solution_T['status']} (at T = {resolved['T']:.6g} eV)"
    else:
        sol["A_alpha_T"], sol["A_beta_T"] = sol["A_alpha"], sol["A_beta"]
        conv_T = True
    sol["converged"] = bool(s.converged and conv_T)
    sol["status"] = status
    return sol


def _eliashberg_record(resolved: dict, work: dict, numerics: dict) -> dict:
    """One eliashberg point's record (:func:`triplon.observables.eliashberg.eliashberg_solve`).

    The gap is solved at T, or at T_c/5 where T = 0 (``T_gap``); the real-axis
    scalars (Z, gap edges, mode energy) come from its Padé continuation. BCS-only
    quantities (Eqs. 17-18, A, B, the d-wave channel) stay NaN.
    """
    from triplon.observables.eliashberg import eliashberg_solve
    from triplon.pairing.caveats import point_flags
    from triplon.pairing.eliashberg import T_FLOOR
    from triplon.pairing.point import resolve_V

    fl = work["fermi"]
    V = resolve_V(fl, lam=resolved.get("lam"), V=resolved.get("V"))
    omega_T, mu_star = resolved["omega_T"], resolved["mu_star"]
    res = eliashberg_solve(
        fl,
        V,
        resolved["kappa_a"],
        resolved["kappa_b"],
        omega_T,
        mu_star,
        work["params"],
        numerics.get("quadrature_nodes", 24),
        T=resolved["T"] or None,
        spectrum=False,
    )
    rec = work.get("record")
    if rec is None:  # the NaN record with the band key's Fermi-level values, built once per key
        rec = work["record"] = _blank("ok", None, work)
    out = dict(rec)
    out.update(
        V=V,
        lam=V * math.sqrt(fl.dos["alpha"] * fl.dos["beta"]),
        omega=math.nan,
        kappa_a=float(resolved["kappa_a"]),
        kappa_b=float(resolved["kappa_b"]),
        omega_T=float(omega_T),
        mu_star=float(mu_star),
        T_gap=float(res.T),
        Tc=float(res.Tc),
        Tc_K=float(res.Tc) * KELVIN_PER_EV,
        mode_energy=float(res.mode_energy),
    )
    edges_ok = True
    for b in BANDS:
        out[f"Z_{b}"] = float(res.Z.get(b, math.nan))
        lo, hi = res.gap_edge.get(b, (math.nan, math.nan))
        out[f"gap_edge_min_{b}"], out[f"gap_edge_max_{b}"] = lo, hi
        edges_ok &= math.isfinite(lo) and math.isfinite(hi)
        out[f"anisotropy_{b}"] = hi / lo if lo > 0 else math.nan
        out[f"gap2_Tc_max_{b}"] = 2 * hi / res.Tc if res.Tc > 0 else math.nan
    if res.Tc > 0 and res.T < res.Tc:
        out["gap_ratio"] = out["gap_edge_max_alpha"] / out["gap_edge_max_beta"]
    out["converged"] = int(bool(res.converged))
    if res.Tc <= 0 and not resolved["T"]:
        out["status"] = f"gap below resolution: T_c below the Eliashberg solver's floor {T_FLOOR:g} omega_T"
    elif not res.converged:
        out["status"] = _short(f"not converged: {res.status}")
    else:
        out["status"] = "ok"
    out["caveat_flags"] = int(
        point_flags(
            Tc=res.Tc,
            van_hove_distance=work["vh"],
            continuation_failed=bool(res.pade_failed or (res.T < res.Tc and not edges_ok)),
            omega_T=omega_T,
        )
    )
    return out


def _error_status(exc: Exception) -> str:
    return f"error: {type(exc).__name__}: {exc}"


def compute_point(resolved: dict, shells_cache: dict, numerics: dict) -> dict:
    """All quantities of one point by the reference solvers (:func:`~triplon.pairing.point.gap_summary`).

    ``resolved`` may be raw ({parameter: value}) or resolved (:func:`resolve_point`).
    Never raises: a failure is the point's ``status`` ('<reason>: <details>',
    grouped by :func:`status_reason`), with NaN values and ``converged`` = 0.
    ``shells_cache`` keeps the band work of the last band key.
    """
    try:
        resolved = check_point(resolved)
    except PointError as exc:
        return _blank(exc.status)
    except Exception as exc:  # noqa: BLE001 - a point's failure is its status
        return _blank(_error_status(exc))
    try:
        eliashberg = resolved.get("method") == "eliashberg"
        bk = (band_key(resolved), eliashberg)
        if bk not in shells_cache:
            try:
                work = band_work(resolved, numerics, shells=not eliashberg)
            except PointError as exc:
                work = {"status": exc.status}
            shells_cache.clear()  # points are ordered by band key: keep only the current one
            shells_cache[bk] = work
        work = shells_cache[bk]
        if "fermi" not in work:
            return _blank(work["status"], resolved)
        if "status" in work:
            return _blank(work["status"], resolved, work)
        if eliashberg:
            return _eliashberg_record(resolved, work, numerics)
        return _finish(resolved, work, _reference_solution(work, resolved))
    except Exception as exc:  # noqa: BLE001
        return _blank(_error_status(exc), resolved)


BATCH_SIZE = 256
"""Points solved together by :func:`triplon.pairing.batch.solve_batch` (no effect on the results)."""


def _batch_solutions(work: dict, members: list[dict]) -> list:
    """Solutions of points sharing ``work``: together, else one by one (None: that point failed)."""
    from triplon.pairing.batch import solve_batch
    from triplon.pairing.point import resolve_V

    fl = work["fermi"]
    try:
        V = [resolve_V(fl, lam=r.get("lam"), V=r.get("V")) for r in members]
        args = [
            V,
            [r["kappa_a"] for r in members],
            [r["kappa_b"] for r in members],
            [r["T"] for r in members],
        ]
        return solve_batch(work["shells"], fl, *args, arrs=work.get("arrs"), table=work.get("table"))
    except Exception:  # noqa: BLE001 - isolate the point that fails
        if len(members) == 1:
            return [None]
    return [_batch_solutions(work, [r])[0] for r in members]


def group_points(points: list[dict]) -> tuple[list, dict]:
    """Check points and group them by shared band work.

    Returns ``(results, groups)``: ``results[i]`` is the record of a point that
    fails its checks (else None) and ``groups`` maps ``(band key, eliashberg)`` to
    the ``(i, resolved point)`` of its members, in order.
    """
    results: list = [None] * len(points)
    groups: dict = {}
    keys: dict = {}  # (band items, n_c, omega) -> band_key: one digest per band key, not per point
    for i, p in enumerate(points):
        try:
            r = check_point(p)
            q = (tuple(r["band"].items()), r["n_c"], r["omega"])
            bk = keys.get(q)
            if bk is None:
                bk = keys[q] = band_key(r)
            groups.setdefault((bk, r.get("method") == "eliashberg"), []).append((i, r))
        except PointError as exc:
            results[i] = _blank(exc.status)
        except Exception as exc:  # noqa: BLE001
            results[i] = _blank(_error_status(exc))
    return results, groups


def group_work(resolved: dict, numerics: dict, eliashberg: bool = False) -> dict:
    """:func:`band_work` of one group of points; never raises (a failure is the work's ``status``)."""
    try:
        return band_work(resolved, numerics, shells=not eliashberg)
    except PointError as exc:
        return {"status": exc.status}
    except Exception as exc:  # noqa: BLE001
        return {"status": _error_status(exc)}


def _batch_setup(work: dict) -> None:
    """Add the batch solver's shell arrays and moment table to ``work`` (once; kept if it fails)."""
    from triplon.pairing.batch_tc import moment_table
    from triplon.pairing.bcs import resolution_floor
    from triplon.pairing.shells import shell_arrays

    if "shells" not in work or "status" in work or "arrs" in work:
        return
    try:  # the batch's own set-up; without it the points are solved one by one
        sh = work["shells"]
        arrs = {b: shell_arrays(sh[b]) for b in BANDS}
        work["table"] = moment_table(arrs, resolution_floor(sh), sh["alpha"].omega)
        work["arrs"] = arrs
    except Exception:  # noqa: BLE001
        work.pop("table", None)


def solve_group(work: dict, members: list, numerics: dict, eliashberg: bool = False, progress=None) -> dict:
    """Records of points sharing ``work`` (:func:`group_work`), as {position: record}.

    ``members`` are ``(position, resolved point)``; BCS points are solved together
    (:func:`triplon.pairing.batch.solve_batch`, one by one where the batch fails),
    eliashberg points one at a time. ``progress(k)`` is called after k points.
    """
    out = {}
    if "status" in work:
        for i, r in members:
            out[i] = _blank(work["status"], r, work if "fermi" in work else None)
        return out
    if eliashberg:
        for j, (i, r) in enumerate(members, 1):
            try:
                out[i] = _eliashberg_record(r, work, numerics)
            except Exception as exc:  # noqa: BLE001
                out[i] = _blank(_error_status(exc), r, work)
            if progress and j % 64 == 0:
                progress(j)
        return out
    _batch_setup(work)
    for s in range(0, len(members), BATCH_SIZE):
        block = members[s : s + BATCH_SIZE]
        sols = _batch_solutions(work, [r for _, r in block])
        for (i, r), sol in zip(block, sols, strict=True):
            try:
                if sol is None:
                    sol = _reference_solution(work, r)
                out[i] = _finish(r, work, sol)
            except Exception as exc:  # noqa: BLE001
                out[i] = _blank(_error_status(exc), r, work)
    return out


def compute_chunk(points: list[dict], numerics: dict, log=None, works: dict | None = None) -> list[dict]:
    """Compute points (raw or resolved), solving those that share band work together.

    Each result has every key of :data:`SCALARS` plus ``status``. Deterministic
    per point: its numbers do not depend on the other points of the chunk or on
    their order (:mod:`triplon.pairing.batch`). A failure is confined to its point
    (``status``, NaN values, ``converged`` = 0). Progress goes to ``log``.
    ``works`` may hold band work already computed ({(band key, eliashberg): work}
    from :func:`group_work`); it is used instead of recomputing it.
    """
    n = len(points)
    results, groups = group_points(points)
    t0 = time.perf_counter()
    done = n - sum(len(m) for m in groups.values())

    def progress(j):
        if log and j < count:
            log(f"[{done + j}/{n}] {time.perf_counter() - t0:.1f} s elapsed")

    for (bk, eliashberg), members in groups.items():
        count = len(members)
        work = (works or {}).get((bk, eliashberg))
        if work is None:
            work = group_work(members[0][1], numerics, eliashberg)
        for i, rec in solve_group(work, members, numerics, eliashberg, progress).items():
            results[i] = rec
        done += count
        if log:
            el = time.perf_counter() - t0
            left = el / max(done, 1) * (n - done)
            log(f"[{done}/{n}] {el:.1f} s elapsed, ~{left:.1f} s left")
    return results


__all__ = [
    "point_key",
    "point_key_function",
    "band_key",
    "PointError",
    "check_point",
    "band_work",
    "STATUS_MAX",
    "compute_point",
    "BATCH_SIZE",
    "group_points",
    "group_work",
    "solve_group",
    "compute_chunk",
]
