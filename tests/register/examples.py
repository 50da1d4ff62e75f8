"""Activities as municipalities describe them (sweden.md §6 and the register issue), in the
activity template, for the register's tests."""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "unit,kind,title,description,start,end,goals,targets,partner,partner_country,"
    "funding_source,budget_sek"
)
ROWS = [
    '0780,partnership,Energiplan i linje med Agenda 2030,"Växjö och JB Marks tar fram en '
    'energiplan, med Växjö Energi",2019-01-01,2020-12-31,7,7.2,JB Marks Local Municipality,'
    "Sydafrika,ICLD,450 000",
    "2409,partnership,Actions for Gender Equality,Robertsfors och Machakos om jämställdhet,"
    "2017-01-01,2019-12-31,5,5.5;5.c,Machakos County,KE,ICLD,",
    "2409,partnership,Climate action,Robertsfors och Machakos om klimatanpassning,2020-01-01,"
    "2022-12-31,13,13.1,Machakos County,Kenya,ICLD,500000",
    "1440,partnership,No Dropouts,Skolfrånvaro i Ghanzi och Ale,2018-01-01,2020-12-31,4,4.1,"
    "Ghanzi District Council;Budesti,BW;MD,ICLD,",
    "1781,eu_project,Match2Job,Matchning av arbetssökande mot lediga jobb,2019-09-01,"
    "2022-08-31,8,8.5,,,ESF,3200000",
    "1781,eu_project,Innovation Vattenkraft 2.0,Innovation kring vattenkraft i Värmland,"
    "2020-01-01,2023-06-30,7;9,9.5,Karlstads universitet,SE,ERUF,",
    "1781,iop,Värme och vila,Idéburet offentligt partnerskap om stöd till hemlösa,2021-01-01,,"
    "1;11,1.3,Värme och vila,SE,own,350000",
    "1781,iop,Brottsofferjouren,IOP med Brottsofferjouren Kristinehamn,2022-01-01,,16,16.1,"
    "Brottsofferjouren,SE,own,120000",
    "0680,twin_town,Vänort Stellenbosch,Jämställdhet och våldsprevention,2010-01-01,,5;17,5.2,"
    "Stellenbosch Municipality,ZA,,",
]


def write_examples(path: Path, rows: list[str] | None = None, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *(ROWS if rows is None else rows)]) + "\n", "utf-8")
    return path
