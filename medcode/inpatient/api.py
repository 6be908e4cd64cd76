"""The MS-DRG grouper and DRG titles over the JSON API."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from medcode.accounts import api_gates
from medcode.common.api import AccessOut, Error, access_out
from medcode.common.http import mark_private
from medcode.inpatient import drgs, grouper, parsing, report, versions, whatif
from medcode.inpatient.stay import MAX_DIAGNOSES, MAX_PROCEDURES, Stay

router = Router()
ERRORS = {400: Error, 401: Error, 402: Error, 404: Error, 429: Error}


class StayIn(Schema):
    principal: str = Field(..., max_length=16, description="ICD-10-CM, then its POA indicator: 'A41.51 Y'")
    secondary: list[str] = Field(default_factory=list, max_length=MAX_DIAGNOSES - 1,
                                 description="ICD-10-CM codes, each optionally followed by its POA indicator")
    procedures: list[str] = Field(default_factory=list, max_length=MAX_PROCEDURES, description="ICD-10-PCS")
    age: int = Field(65, ge=0, le=124)
    sex: str = Field("U", pattern="^[FMU]$")
    discharge_status: int = Field(1, description="UB-04 patient discharge status, e.g. 1 home, 20 expired")
    discharge_date: dt.date | None = Field(None, description="picks the grouper version; today when null")
    version: int | None = Field(None, description=f"one of {', '.join(str(v.number) for v in versions.VERSIONS)} "
                                                  "to choose the version instead of the date")
    what_ifs: bool = Field(True, description="also group the stay without each secondary diagnosis, with each as "
                                             "principal and without each procedure")


class GroupingOut(Schema):
    access: AccessOut | None
    grouping: dict


@router.post("/group", response={200: GroupingOut, **ERRORS}, summary="Group an inpatient stay to its MS-DRG")
def group(request: HttpRequest, response: HttpResponse, stay: StayIn):
    """The MS-DRG, MDC, initial and final DRG, each diagnosis's CC/MCC effect, the procedures that changed
    the DRG, HAC effects, MCE edits and the what-ifs. Costs views like the grouper page."""
    mark_private(response, api=True)
    if stay.discharge_status not in grouper.DISCHARGE_STATUSES:
        raise HttpError(400, f"discharge_status {stay.discharge_status} is not a UB-04 patient discharge status")
    if stay.version is not None and stay.version not in versions.BY_NUMBER:
        raise HttpError(400, f"version {stay.version}: use one of {', '.join(map(str, versions.BY_NUMBER))}")
    try:
        read = Stay(parsing.diagnosis(stay.principal, "principal diagnosis"),
                    [parsing.diagnosis(text, "secondary diagnosis") for text in stay.secondary],
                    parsing.procedures(" ".join(stay.procedures)), stay.age, stay.sex, stay.discharge_status,
                    stay.discharge_date or dt.date.today())
    except parsing.StayError as exc:
        raise HttpError(400, str(exc)) from None
    access = api_gates.run_tool(request, response, "drg-grouper", grouper.codes_shown(read), what="grouping")
    grouping = grouper.group(read, stay.version)
    return {"access": access_out(access),
            "grouping": report.as_dict(grouping, whatif.what_ifs(read, grouping) if stay.what_ifs else [])}


class DrgOut(Schema):
    drg: int
    title: str
    version: str
    family: list[dict]
    history: list[dict]


@router.get("/{int:number}", response={200: DrgOut, 404: Error}, summary="An MS-DRG's title, family and history")
def drg_detail(request: HttpRequest, number: int):
    history = drgs.history(number)
    if not history:
        raise HttpError(404, f"no MS-DRG {number} in {versions.VERSIONS[0].name} to {versions.NEWEST.name}")
    version = versions.NEWEST if drgs.drg_title(number) else history[-1].last
    return {"drg": number, "title": drgs.drg_title(number, version), "version": version.name,
            "family": [{"drg": n, "title": t} for n, t in drgs.family(number, version)],
            "history": [{"first_version": row.first.name, "last_version": row.last.name, "title": row.title,
                         "from": row.first.first_day.isoformat(), "to": row.last.last_day.isoformat()}
                        for row in history]}
