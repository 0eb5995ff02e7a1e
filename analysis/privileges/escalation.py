"""Admin-equivalence and known IAM privilege-escalation paths of one principal's permissions.

The path list follows the Rhino Security Labs catalogue ("AWS IAM Privilege Escalation – Methods
and Mitigation") plus the later SageMaker notebook variant. A path is reported when every action it
needs is granted on at least one resource; resource scoping is checked only where it decides the
path (``iam:CreateAccessKey`` on oneself is not an escalation).
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.privileges.aws_actions import ALL
from analysis.privileges.aws_model import EffectivePermissions, Entry
from analysis.privileges.findings import Finding
from analysis.privileges.globs import has_wildcard

_SELF_ATTACH = (
    "iam:attachuserpolicy",
    "iam:attachrolepolicy",
    "iam:putuserpolicy",
    "iam:putrolepolicy",
)


@dataclass(frozen=True)
class EscalationPath:
    name: str
    actions: tuple[str, ...]
    description: str
    needs_other_users: bool = False  # only counts when allowed on users other than oneself


ESCALATION_PATHS: tuple[EscalationPath, ...] = (
    EscalationPath(
        "create-policy-version",
        ("iam:createpolicyversion",),
        "Write a new default version of a managed policy attached to oneself.",
    ),
    EscalationPath(
        "set-default-policy-version",
        ("iam:setdefaultpolicyversion",),
        "Switch a policy to an older, more permissive version.",
    ),
    EscalationPath(
        "pass-role-ec2",
        ("iam:passrole", "ec2:runinstances"),
        "Launch an instance with a more privileged role and read its credentials.",
    ),
    EscalationPath(
        "create-access-key",
        ("iam:createaccesskey",),
        "Create access keys for another user.",
        needs_other_users=True,
    ),
    EscalationPath(
        "create-login-profile",
        ("iam:createloginprofile",),
        "Set a console password for a user that has none.",
        needs_other_users=True,
    ),
    EscalationPath(
        "update-login-profile",
        ("iam:updateloginprofile",),
        "Change another user's console password.",
        needs_other_users=True,
    ),
    EscalationPath("attach-user-policy", ("iam:attachuserpolicy",), "Attach any managed policy to a user."),
    EscalationPath(
        "attach-group-policy", ("iam:attachgrouppolicy",), "Attach any managed policy to a group."
    ),
    EscalationPath("attach-role-policy", ("iam:attachrolepolicy",), "Attach any managed policy to a role."),
    EscalationPath("put-user-policy", ("iam:putuserpolicy",), "Write an arbitrary inline policy on a user."),
    EscalationPath(
        "put-group-policy", ("iam:putgrouppolicy",), "Write an arbitrary inline policy on a group."
    ),
    EscalationPath("put-role-policy", ("iam:putrolepolicy",), "Write an arbitrary inline policy on a role."),
    EscalationPath("add-user-to-group", ("iam:addusertogroup",), "Join a more privileged group."),
    EscalationPath(
        "update-assume-role-policy",
        ("iam:updateassumerolepolicy", "sts:assumerole"),
        "Rewrite a role's trust policy to admit oneself, then assume it.",
    ),
    EscalationPath(
        "pass-role-lambda-invoke",
        ("iam:passrole", "lambda:createfunction", "lambda:invokefunction"),
        "Create a Lambda function with a privileged role and invoke it.",
    ),
    EscalationPath(
        "pass-role-lambda-event-source",
        ("iam:passrole", "lambda:createfunction", "lambda:createeventsourcemapping"),
        "Create a Lambda function with a privileged role triggered by an event source.",
    ),
    EscalationPath(
        "update-lambda-code",
        ("lambda:updatefunctioncode",),
        "Replace the code of an existing function that runs with a privileged role.",
    ),
    EscalationPath(
        "pass-role-glue-dev-endpoint",
        ("iam:passrole", "glue:createdevendpoint"),
        "Create a Glue dev endpoint with a privileged role and log into it.",
    ),
    EscalationPath(
        "update-glue-dev-endpoint",
        ("glue:updatedevendpoint",),
        "Add one's SSH key to an existing Glue dev endpoint with a privileged role.",
    ),
    EscalationPath(
        "pass-role-cloudformation",
        ("iam:passrole", "cloudformation:createstack"),
        "Create a stack that acts with a privileged role.",
    ),
    EscalationPath(
        "pass-role-datapipeline",
        ("iam:passrole", "datapipeline:createpipeline", "datapipeline:putpipelinedefinition"),
        "Create a Data Pipeline that runs commands with a privileged role.",
    ),
    EscalationPath(
        "pass-role-sagemaker-notebook",
        ("iam:passrole", "sagemaker:createnotebookinstance", "sagemaker:createpresignednotebookinstanceurl"),
        "Create a SageMaker notebook with a privileged role and open it.",
    ),
)


def _unconditional(entry: Entry) -> bool:
    return entry.condition is None and not entry.deny_conditions


def is_admin(perms: EffectivePermissions, self_arn: str | None = None) -> bool:
    """True for ``*`` or ``iam:*`` on ``*`` unconditionally, or the power to attach or write any policy
    on oneself (``self_arn``, or any user / role when it is not given) — each is admin in one step."""
    for e in perms.service_entries(ALL) + perms.service_entries("iam"):  # where "*" and "iam:*" live
        if e.resource == "*" and not e.exceptions and _unconditional(e) and e.action in ("*", "iam:*"):
            return True
    for action in _SELF_ATTACH:
        if self_arn is not None:
            if perms.allows(action, self_arn) is True:
                return True
        elif any(
            e.resource == "*" and not e.exceptions and _unconditional(e) for e in perms.matching(action)
        ):
            return True
    return False


def _grants_other_users(entries: list[Entry], self_arn: str | None) -> list[Entry]:
    # "${aws:username}" in the resource is the self-service pattern (manage one's own keys).
    return [
        e
        for e in entries
        if "${aws:username}" not in e.resource.lower()
        and (has_wildcard(e.resource) or (self_arn is not None and e.resource != self_arn))
    ]


def escalation_paths(perms: EffectivePermissions, self_arn: str | None = None) -> list[Finding]:
    """Known escalation paths enabled by ``perms``, sorted by name; admins get one ``admin`` finding."""
    if is_admin(perms, self_arn):
        return [Finding("admin", "critical", "Administrator-equivalent permissions.", ("*",))]
    findings = []
    for path in ESCALATION_PATHS:
        conditional = False
        for action in path.actions:
            entries = perms.matching(action)
            if path.needs_other_users:
                entries = _grants_other_users(entries, self_arn)
            if not entries:
                break
            conditional |= not any(_unconditional(e) for e in entries)
        else:
            findings.append(Finding(path.name, "high", path.description, path.actions, conditional))
    return sorted(findings)
