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
