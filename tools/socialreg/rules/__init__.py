"""The policy rules: one module per rule (or small family), registered by code.

A rule knows what is wrong and where; it never decides how loud to say it. The engine
(`socialreg.check.engine`) reads the severity and options of each rule from `org/policy.yaml`.
"""

from socialreg.rules.base import Problem, Rule, RuleContext, all_rules, get_rule, register

__all__ = ["Problem", "Rule", "RuleContext", "all_rules", "get_rule", "register"]
