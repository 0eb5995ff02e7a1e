"""Names vulture cannot see being used (scripts/deadcode.py reads this file with our packages).

Only names a framework or library calls belong here, each with who calls it; anything else that vulture
reports is dead and is deleted instead of listed.
"""

# ruff: noqa: F821, B018
# mypy: ignore-errors

# uvicorn builds the app from the string "api.app:create_app" (cli/serve_cmd.py, Dockerfile, scripts/demo.sh).
create_app

# pydantic-settings calls these hooks on config.Settings; the hook's signature names every source.
_.settings_customise_sources
_.get_field_value
env_settings
dotenv_settings
file_secret_settings

# SQLAlchemy TypeDecorator hooks (appdb/models.py) and Alembic's migration entry points.
_.process_bind_param
_.process_result_value
downgrade

# Used by tests only: the privilege engine's documented inputs and queries, and reference implementations
# the tests compare the fast path with (tests/unit/privileges/, tests/api/ audit counts).
principals_from_authorization_details
fold_services
_.is_account_root
_.is_anyone
gained_by_service
_.roles_on
_.allows_url
count_events
