"""Creep on the hand-written snapshot (day1 → day2) matches EXPECTED.json exactly; API and CLI serve it."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from analysis.privileges.creep import creep, creep_section
from api.app import create_app
from appdb import keys as apikeys
from cli.privileges_cmd import app as privileges_cli
from graph import driver
from pipeline.run import ingest_snapshot
from tests.privileges.conftest import HANDWRITTEN

# EXPECTED.json names the service account by its node id (<cluster>/<ns>/<name>).
SA_IDS = {"prod-eks/ci/ci-runner": "prod-eks/ServiceAccount/ci/ci-runner"}


def test_handwritten_creep_api_and_cli(with_step: str) -> None:
    day1 = ingest_snapshot(HANDWRITTEN / "day1")
    records_day1 = driver.read("MATCH (r:PrincipalPermissions) RETURN count(r) AS n")[0]["n"]
    day2 = ingest_snapshot(HANDWRITTEN / "day2")
    expected = json.loads((HANDWRITTEN / "EXPECTED.json").read_text())["creep_day1_to_day2"]

    doc = creep()
    assert (doc["from"], doc["to"]) == (day1.run_id, day2.run_id)
    got = {p["id"]: p for p in doc["principals"]}
    # Exactly the planted principals: unchanged ones are never reported.
    assert set(got) == {SA_IDS.get(e["principal_id"], e["principal_id"]) for e in expected}
    dave, bastion = (
        got["arn:aws:iam::123456789012:user/dave"],
        got["arn:aws:iam::123456789012:role/bastion-role"],
    )
    for p in (dave, bastion):
        # AdministratorAccess replaces the read-only entries: one readable gain, nothing "lost".
        assert (p["gained"], p["lost"], p["admin_before"], p["admin_after"]) == (["* on *"], [], False, True)
    runner = got["prod-eks/ServiceAccount/ci/ci-runner"]
    assert runner["status"] == "added" and runner["admin_after"] and "* *.* in *" in runner["gained"]
    # Storage grows with change: day 2 wrote only the changed principals.
    records = driver.read("MATCH (r:PrincipalPermissions) RETURN count(r) AS n")[0]["n"]
    assert records == records_day1 + len(expected)
    assert (
        driver.read("MATCH (n:AWSUser {id: $id}) RETURN n.admin_equivalent AS a", {"id": dave["id"]})[0]["a"]
        is True
    )

    section = creep_section()
    assert section["counts"]["newly_admin"] == 3 and section["principals"] == doc["principals"]
    assert creep(scope="prod-eks")["principals"] == [runner]
    assert [p["id"] for p in creep(kind="aws-user")["principals"]] == [dave["id"]]

    # API (viewer key).
    client = TestClient(create_app(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {apikeys.create_key('privileges-test', 'viewer')[1]}"}
    r = client.get("/api/v1/privileges/creep", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["from"] == day1.run_id and [p["id"] for p in body["principals"]] == [
        p["id"] for p in doc["principals"]
    ]
    assert (
        client.get(f"/api/v1/privileges/creep?from={day2.run_id}&to={day2.run_id}", headers=headers).json()[
            "principals"
        ]
        == []
    )
    assert client.get("/api/v1/privileges/creep?form=x", headers=headers).status_code == 422
    assert client.get("/api/v1/privileges/creep?from=no-such-run", headers=headers).status_code == 404
    assert client.get("/api/v1/privileges/creep").status_code == 401
    r = client.get("/api/v1/privileges/prod-eks/ServiceAccount/ci/ci-runner", headers=headers)
    assert r.status_code == 200 and r.json()["admin"] is True and r.json()["since_run"] == day2.run_id
    r = client.get(f"/api/v1/privileges/{dave['id']}", headers=headers)
    hist = r.json()["history"]
    assert [h["run_id"] for h in hist] == [day1.run_id, day2.run_id] and hist[1]["gained"] == ["* on *"]
    assert client.get("/api/v1/privileges/arn:aws:iam::1:user/nobody", headers=headers).status_code == 404
    # A key scoped to the cluster sees its principals only, in the creep and one by one.
    scoped = {
        "Authorization": "Bearer "
        + apikeys.create_key("privileges-scoped", "viewer", scopes=apikeys.Scopes(clusters=("prod-eks",)))[1]
    }
    r = client.get("/api/v1/privileges/creep", headers=scoped)
    assert r.status_code == 200 and [p["id"] for p in r.json()["principals"]] == [runner["id"]]
    r = client.get("/api/v1/privileges/prod-eks/ServiceAccount/ci/ci-runner", headers=scoped)
    assert r.status_code == 200
    assert client.get(f"/api/v1/privileges/{dave['id']}", headers=scoped).status_code == 404

    # CLI.
    cli = CliRunner()
    out = cli.invoke(privileges_cli, ["creep", "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.stdout) == doc
    out = cli.invoke(privileges_cli, ["creep", "--format", "markdown"])
    assert out.exit_code == 0 and "dave" in out.stdout and "now admin" in out.stdout
    assert cli.invoke(privileges_cli, ["creep"]).exit_code == 0
    out = cli.invoke(privileges_cli, ["show", dave["id"]])
    assert out.exit_code == 0 and "* on *" in out.stdout
    assert cli.invoke(privileges_cli, ["creep", "--from", "no-such-run"]).exit_code == 1
