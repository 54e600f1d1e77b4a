"""The policy's effect on the office's budget (Part IV.B.12: budgets are moral documents).

Savings come from cases the office no longer prosecutes (declination) and from cases it
resolves outside court (diversion, where it still spends ``diversion_cost_per_case``); the
cost is the Immigration Integrity Unit. The net change is cost minus savings; money moved
to community services (``reinvestment``) leaves the office's budget too.
"""

from __future__ import annotations

from typing import Any

from iiu.policy.schema import Budget


def budget_effect(b: Budget) -> dict[str, Any]:
    rows = []
    decl_total = 0.0
    div_total = 0.0
    for level in sorted(b.cost_per_case):
        cost = b.cost_per_case[level]
        declined = b.expected_declinations_per_year.get(level, 0)
        diverted = b.expected_diversions_per_year.get(level, 0)
        s_decl = declined * cost
        s_div = diverted * max(cost - b.diversion_cost_per_case, 0.0)
        decl_total += s_decl
        div_total += s_div
        rows.append({
            "level": level,
            "cost_per_case": cost,
            "declined": declined,
            "diverted": diverted,
            "savings_declination": s_decl,
            "savings_diversion": s_div,
        })
    savings = decl_total + div_total
    net_change = b.iiu_cost - savings
    office_after = b.office_budget + net_change
    return {
        "fiscal_year": b.fiscal_year,
        "currency": b.currency,
        "rows": rows,
        "savings_declination": decl_total,
        "savings_diversion": div_total,
        "savings": savings,
        "iiu_cost": b.iiu_cost,
        "net_change": net_change,
        "office_budget_before": b.office_budget,
        "office_budget_after": office_after,
        "reinvestment": b.reinvestment,
        "available_after_reinvestment": savings - b.iiu_cost - b.reinvestment,
        "cases_removed": sum(r["declined"] + r["diverted"] for r in rows),
    }
