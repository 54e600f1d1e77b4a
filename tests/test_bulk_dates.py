"""The bulk path's sharing devices are exact (``iiu.bulk.dates``, ``iiu.bulk.engine.canonical``).

A date replaced by its bucket's representative, and findings reduced to their results with
bucketed dates and days, must give every answer the real values give. Checked on dates
around every boundary of a sample of NY, CA and IL offenses.
"""

from __future__ import annotations

import datetime as dt
import random

from iiu import analyze
from iiu.bulk import dates as D
from iiu.bulk.engine import canonical
from iiu.engine.errors import RequestError
from iiu.engine.evaluate import consequences, stage1
from iiu.engine.request import parse_request
from iiu.law.catalog import get_catalog
from iiu.law.federal.record import Priors

TODAY = dt.date(2026, 11, 28)


def _results(req: dict) -> dict[str, str] | None:
    try:
        rep = analyze(req, today=TODAY, alternatives=False, trace=False)
    except RequestError as e:
        return {"error": e.field}
    return {"conviction": rep["conviction"], **{k: v["result"] for k, v in rep["findings"].items()},
            **{k: v["result"] for k, v in rep["consequences"].items()}}


def _sample() -> list[tuple[str, object]]:
    rng = random.Random(6)
    out = []
    for code in ("NY", "CA", "IL"):
        offs = list(get_catalog(code).offenses)
        out += [(code, o) for o in rng.sample(offs, min(8, len(offs)))]
    return out


def test_a_date_and_its_representative_give_the_same_answers() -> None:
    checked = 0
    for code, off in _sample():
        bounds = D.boundaries_for(code, off, TODAY)
        probes = sorted({d + dt.timedelta(days=k) for d in bounds if dt.date(1985, 1, 1) <= d <= dt.date(2027, 1, 1)
                         for k in (-1, 0, 17)})
        for d in probes:
            rep = D.representative(d, bounds)
            for disp, custody in (("guilty_plea", 30), ("deferred_adjudication", 0), ("guilty_plea", 365)):
                base = {"jurisdiction": code, "offense": off.citation, "disposition": disp,  # type: ignore[attr-defined]
                        "sentence": {"custody_days": custody}}
                real = _results({**base, "disposition_date": d.isoformat()})
                bucket = _results({**base, "disposition_date": rep.isoformat(), "as_of": d.isoformat()})
                # ``as_of`` is only for the law the report names; stage 1 reads the disposition date.
                real_rep = _results({**base, "disposition_date": rep.isoformat()})
                assert real is not None and bucket is not None
                if real.get("error") or real_rep.get("error"):
                    assert (real.get("error") is None) == (real_rep.get("error") is None), (code, off.citation, d, rep)  # type: ignore[attr-defined]
                    continue
                assert real == real_rep, (code, off.citation, d, rep, disp)  # type: ignore[attr-defined]
                checked += 1
    assert checked > 300


def test_canonical_findings_give_the_same_consequences() -> None:
    rng = random.Random(3)
    n = 0
    for code, off in _sample():
        for _ in range(6):
            d = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(0, 13000))
            req_d = {"jurisdiction": code, "offense": off.citation, "disposition": rng.choice(["guilty_plea", "dismissed",  # type: ignore[attr-defined]
                     "deferred_adjudication", "trial_conviction"]), "disposition_date": d.isoformat(),
                     "sentence": {"custody_days": rng.choice([0, 5, 90, 91, 180, 181, 364, 365, 366, 1825])}}
            try:
                req = parse_request(req_d, today=TODAY)
            except RequestError:
                continue
            f = stage1(req).findings
            c = canonical(f, TODAY)
            for _ in range(4):
                p = Priors(cimt_yes=rng.randrange(3), conv_yes=rng.randrange(3), misd_yes=rng.randrange(4),
                           daca_misd_yes=rng.randrange(4), term_total=rng.choice([0, 100, 1460, 1824, 1825]),
                           custody_total=rng.choice([0, 89, 90, 179, 180]), cs_yes=rng.randrange(2))
                a = {k: v.result for k, v in consequences(f, p, None).items()}
                b = {k: v.result for k, v in consequences(c, p, None).items()}
                assert a == b, (code, off.citation, req_d)  # type: ignore[attr-defined]
                n += 1
    assert n > 200


# --- day totals: canonical per record (iiu.bulk.engine.canonical_total / canonical_priors) ---------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(own=st.integers(0, 30_000), total=st.integers(0, 60_000))
def test_canonical_total_keeps_every_threshold_comparison(own: int, total: int) -> None:
    """The rules read a day total only as own + total >= threshold (INA 212(a)(2)(B)'s five-year
    aggregate; INA 101(f)(7)'s 180 days of confinement): with the own days at their threshold class,
    the canonical total gives the same answer for every threshold."""
    from iiu.bulk.engine import _day_thresholds, _rep_days, canonical_total

    c = canonical_total(own, total)
    for t in _day_thresholds():
        assert (own + total >= t) == (_rep_days(own) + c >= t)


def test_avoidable_harm_uses_priors_canonical_for_the_candidate() -> None:
    """INA 212(a)(2)(B): two convictions with aggregate sentences of five years or more. A 730-day
    sentence after a 1,095-day one reaches 1,825 days exactly. The bulk search evaluates each
    candidate on canonical findings (own term at its threshold class); with the real prior total the
    aggregate would fall a day short and the ground would be read as removed (a false "safe"); with the
    priors canonical for the candidate's own term it stays."""
    from iiu.bulk.engine import PRIOR_FIELDS, canonical_priors

    req = parse_request({"jurisdiction": "IL", "offense": "720 ILCS 570/402", "disposition": "guilty_plea",
                         "disposition_date": "2005-03-28", "sentence": {"custody_days": 730}}, today=dt.date(2026, 11, 28))
    f = stage1(req).findings
    priors = Priors(conv_yes=1, term_total=1095, custody_total=1095)
    sums = tuple(getattr(priors, k) for k in PRIOR_FIELDS)
    exact = consequences(f, priors, None)["inadmissible"]
    canon_f = canonical(f, dt.date(2026, 11, 28))
    assert canon_f.term_days < 730  # 730 is not a threshold: the class is what makes sharing possible
    assert exact.result == "yes" and "aggregate" in exact.why
    bulk = consequences(canon_f, Priors(*canonical_priors(f, sums)), None)["inadmissible"]
    assert bulk.result == exact.result
    naive = consequences(canon_f, priors, None)["inadmissible"]
    assert naive.result != exact.result  # why the priors are made canonical per candidate
