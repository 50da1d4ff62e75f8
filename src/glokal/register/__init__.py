"""The register: what units do for the goals. Local agendas (priority goals, local goals linked
to global targets, local indicators), activities (projects, partnerships, EU projects, IOP,
twin towns, programmes, policies) with partners, funding, evaluations and ICLD reports, and
programmes and networks with members, steps, targets and events; importers and exporters for
the CSV and Excel templates of docs/register.md.
"""

from glokal.register.activities import (
    COLUMNS,
    ActivityContext,
    activities_from_table,
    activity_to_row,
    read_activities,
    write_activities,
)
from glokal.register.agenda import LOCAL_GOAL_COLUMNS, read_local_goals, write_local_goals
from glokal.register.countries import NOT_A_COUNTRY, country_name, parse_country
from glokal.register.fields import (
    BUDGET_WITHOUT_SOURCE,
    FUNDING_TWICE,
    parse_amount,
    parse_funding_source,
    parse_goals,
    parse_icld_phase,
    parse_icld_variant,
    parse_kind,
    parse_partner_type,
    parse_report_kind,
    parse_targets,
    split_list,
)
from glokal.register.imports import (
    ImportReport,
    activity_context,
    import_activities,
    import_local_goals,
    install_builtin_programmes,
)
from glokal.register.programmes import (
    EVENT_KINDS,
    MEASURES,
    TargetProgress,
    builtin_programmes,
    programme_progress,
    read_programmes,
)
from glokal.register.suggestions import activity_text, with_suggestions
from glokal.register.tables import FORMATS, table_format

__all__ = [
    "BUDGET_WITHOUT_SOURCE",
    "COLUMNS",
    "EVENT_KINDS",
    "FORMATS",
    "FUNDING_TWICE",
    "LOCAL_GOAL_COLUMNS",
    "MEASURES",
    "NOT_A_COUNTRY",
    "ActivityContext",
    "ImportReport",
    "TargetProgress",
    "activities_from_table",
    "activity_context",
    "activity_text",
    "activity_to_row",
    "builtin_programmes",
    "country_name",
    "import_activities",
    "import_local_goals",
    "install_builtin_programmes",
    "parse_amount",
    "parse_country",
    "parse_funding_source",
    "parse_goals",
    "parse_icld_phase",
    "parse_icld_variant",
    "parse_kind",
    "parse_partner_type",
    "parse_report_kind",
    "parse_targets",
    "programme_progress",
    "read_activities",
    "read_local_goals",
    "read_programmes",
    "split_list",
    "table_format",
    "with_suggestions",
    "write_activities",
    "write_local_goals",
]
