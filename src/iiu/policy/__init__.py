"""The office's written immigration policy as data: checked, evaluated per case and stage, published.

Data flows law -> engine -> policy: a policy file (YAML, ``schema.Policy``) names the office's
directives; ``evaluate_case`` applies them to the engine's findings for a case at a stage;
``publish`` renders the public document; ``diff_policies`` describes a new version in words.
"""

from iiu.policy.loader import Checked, PolicyError, Problem, check_file, check_text, load_policy
from iiu.policy.schema import ACTIONS, PROPOSALS, STAGES, Policy

__all__ = [
    "ACTIONS", "PROPOSALS", "STAGES", "Checked", "Policy", "PolicyError", "Problem", "check_file", "check_text",
    "load_policy",
]
