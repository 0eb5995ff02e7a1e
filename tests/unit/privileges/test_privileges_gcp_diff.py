"""GCP inheritance and findings; permission diffs."""

from __future__ import annotations

from analysis.privileges.aws import effective_permissions
from analysis.privileges.diff import changes, creep, diff, gained_by_service
from analysis.privileges.gcp import gcp_findings, gcp_permissions

HIERARCHY = {
    "folders/10": "organizations/1",
    "projects/app": "folders/10",
    "projects/other": "organizations/1",
}


def test_folder_owner_is_inherited_by_projects_below() -> None:
    policies = {
        "organizations/1": {"bindings": [{"role": "roles/viewer", "members": ["group:all@acme.com"]}]},
        "folders/10": {"bindings": [{"role": "roles/owner", "members": ["user:alice@acme.com"]}]},
        "projects/app": {"bindings": []},
        "projects/other": {},
    }
    perms = gcp_permissions(policies, HIERARCHY)
    alice = perms["user:alice@acme.com"]
    assert alice.entries_as_strings() == [
        "roles/owner on folders/10",
        "roles/owner on projects/app (via folders/10)",
    ]
    assert alice.roles_on("projects/other") == set()
    assert perms["group:all@acme.com"].roles_on("projects/app") == {"roles/viewer"}
    assert [f.name for f in gcp_findings(alice)] == ["admin-equivalent:roles/owner"]


def test_escalation_roles_conditions_and_public_members() -> None:
    cond = {"title": "temp", "expression": "request.time < timestamp('2030-01-01T00:00:00Z')"}
    policies = {
        "projects/app": {
            "bindings": [
                {
                    "role": "roles/iam.serviceAccountTokenCreator",
                    "members": ["serviceAccount:ci@app.iam.gserviceaccount.com"],
                    "condition": cond,
                },
                {"role": "roles/storage.objectViewer", "members": ["allUsers"]},
            ]
        }
    }
    perms = gcp_permissions(policies, {})
    [finding] = gcp_findings(perms["serviceAccount:ci@app.iam.gserviceaccount.com"])
    assert finding.name == "escalation:roles/iam.serviceAccountTokenCreator" and finding.conditional
    assert [f.name for f in gcp_findings(perms["allUsers"])] == ["public-member"]


def test_diff_gained_and_lost() -> None:
    before = effective_permissions(
        [{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "sqs:SendMessage"], "Resource": "*"}]}]
    )
    after = effective_permissions(
        [{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole"], "Resource": "*"}]}]
    )
    assert diff(before, after) == (["iam:passrole on *"], ["sqs:sendmessage on *"])
    assert diff(after, after) == ([], [])
    assert diff(None, after) == (["iam:passrole on *", "s3:getobject on *"], [])
    assert diff(before, None) == ([], ["s3:getobject on *", "sqs:sendmessage on *"])


def test_changes_and_creep_report() -> None:
    small = effective_permissions(
        [{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]
    )
    big = effective_permissions(
        [{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "iam:PassRole"], "Resource": "*"}]}]
    )
    report = changes({"r1": small, "r2": small, "gone": small}, {"r1": big, "r2": small, "new": small})
    assert [(c.principal, c.status) for c in report] == [
        ("gone", "removed"),
        ("new", "added"),
        ("r1", "changed"),
    ]
    assert [c.principal for c in creep(report)] == ["new", "r1"]
    assert gained_by_service(creep(report)) == {"iam": 1, "s3": 1}


def test_gcp_record_diff_is_semantic() -> None:
    from analysis.privileges.records import compact_json, gained_lost

    def rows(*grants: tuple[str, str, str, str | None]) -> str:
        return compact_json([list(g) for g in grants])

    direct = rows(("roles/owner", "projects/app", "projects/app", None))
    via_folder = rows(
        ("roles/owner", "folders/10", "folders/10", None),
        ("roles/owner", "projects/app", "folders/10", None),
    )
    # The project grant moved to the folder: still held on the project, so only the folder grant is new.
    assert gained_lost("gcp-member", direct, via_folder) == (["roles/owner on folders/10"], [])
    assert gained_lost("gcp-member", via_folder, direct) == ([], ["roles/owner on folders/10"])
    editor = rows(("roles/editor", "projects/app", "projects/app", None))
    assert gained_lost("gcp-member", direct, editor) == ([], ["roles/owner on projects/app"])
    assert gained_lost("gcp-member", editor, direct) == (["roles/owner on projects/app"], [])
    cond = rows(("roles/editor", "projects/app", "projects/app", '{"title":"t"}'))
    assert gained_lost("gcp-member", editor, cond) == ([], ["roles/editor on projects/app"])
    # Dropping the condition widens the grant: gained, and the conditional one is covered (not lost).
    assert gained_lost("gcp-member", cond, editor) == (["roles/editor on projects/app"], [])
    assert gained_lost("gcp-member", None, direct) == (["roles/owner on projects/app"], [])
