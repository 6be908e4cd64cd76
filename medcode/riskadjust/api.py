"""Risk adjustment over the JSON API: a member's score, a diagnosis's HCCs, a service's eligibility."""

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from medcode.accounts import api_gates
from medcode.codes import systems
from medcode.codes.api import code_or_404
from medcode.common.api import AccessOut, Error, access_out
from medcode.common.http import mark_private
from medcode.riskadjust import calculator, codefacts, member, parsing, report, scoring, tables, views

router = Router()
ERRORS = {400: Error, 401: Error, 402: Error, 404: Error, 429: Error}


class MemberIn(Schema):
    diagnoses: list[str] = Field(..., max_length=parsing.MOST_DIAGNOSES, description="ICD-10-CM codes, with or without dots")
    age: int = Field(..., ge=0, le=member.OLDEST, description="as of February 1 of the payment year")
    sex: str = Field(..., pattern="^[FM]$")
    orec: str = Field("0", pattern="^[0-3]$", description="original reason for entitlement: 0 old age, 1 disability, 2 ESRD, 3 both")
    crec: str = Field("", pattern="^[0-3]?$", description="current reason for entitlement")
    dual: str = Field("00", description=f"Medicare-Medicaid dual status code: {', '.join(member.DUAL)}")
    institutional: bool = False
    new_enrollee: bool = False
    snp: bool = False
    low_income: bool = Field(False, description="Part D low-income subsidy (RxHCC)")
    graft_months: int | None = Field(None, ge=0, le=1200, description="months since a kidney transplant (ESRD models)")
    family: str = Field("CMS-HCC", pattern="^(CMS-HCC|ESRD|RxHCC)$")
    payment_year: int = Field(2026, description=f"one of {', '.join(str(y.year) for y in tables.YEARS)}")
    normalization_factors: dict[str, float] = Field(default_factory=dict, description="CMS's normalization factor "
                                                    "for the payment year, by model key: {\"V28\": 1.045}")
    coding_adjustment: float | None = Field(None, ge=0, le=0.5, description="the MA coding pattern adjustment as a "
                                                                            "fraction, 0.059 for 5.9% (Part C models)")
    what_ifs: bool = True


class ScoreOut(Schema):
    access: AccessOut | None
    calculation: dict


@router.post("/score", response={200: ScoreOut, **ERRORS}, summary="A member's CMS-HCC risk score")
def score(request: HttpRequest, response: HttpResponse, body: MemberIn):
    """The HCCs before and after hierarchies, interactions, each factor's coefficient and share, the score per
    model and CMS's blend for the year, and the what-ifs. Costs views like the calculator page."""
    mark_private(response, api=True)
    try:
        codes = parsing.diagnoses(body.diagnoses)
        who = member.Member(body.age, body.sex, orec=body.orec, crec=body.crec, dual=body.dual,
                            institutional=body.institutional, new_enrollee=body.new_enrollee, snp=body.snp,
                            low_income=body.low_income, graft_months=body.graft_months)
    except (parsing.DiagnosisError, member.MemberError) as exc:
        raise HttpError(400, str(exc)) from None
    access = api_gates.run_tool(request, response, "hcc-calculator", views.codes_shown(codes), what="score")
    if any(not 0.5 <= value <= 2 for value in body.normalization_factors.values()):
        raise HttpError(400, "normalization_factors: each factor is 0.5 to 2")
    try:
        calc = calculator.calculate(codes, who, body.family, body.payment_year, body.normalization_factors,
                                    body.coding_adjustment, what_ifs=body.what_ifs)
    except scoring.ScoreError as exc:
        raise HttpError(400, str(exc)) from None
    return {"access": access_out(access), "calculation": report.calculation_dict(calc)}


class HccCellOut(Schema):
    payment_year: int
    in_mapping_file: bool
    hccs: list[dict]
    newer_than_mapping: bool


class HccModelOut(Schema):
    model: str
    title: str
    years: list[HccCellOut]
    hierarchy_year: int | None
    trumps: list[dict]
    trumped_by: list[dict]
    edits: list[str]


class DiagnosisOut(Schema):
    access: AccessOut | None
    code: str
    payment_hcc: bool
    models: list[HccModelOut]
    source: str


def _open(request, response, system, code):
    found = code_or_404(system, code)
    if found.is_group:
        raise HttpError(404, f"{found.display_code} is a group of codes, not a code")
    return found, api_gates.open_code(request, response, found)


def _pairs(pairs):
    return [{"hcc": hcc, "label": label} for hcc, label in pairs]


@router.get("/diagnoses/{code}", response={200: DiagnosisOut, **ERRORS}, summary="The HCCs of an ICD-10-CM code")
def diagnosis(request: HttpRequest, response: HttpResponse, code: str):
    """Each model's HCC for each payment year the library carries, the hierarchy around it and the model's age/sex
    edits. Metered like the code's page."""
    found, access = _open(request, response, systems.ICD10CM, code)
    facts = codefacts.diagnosis_hccs(found.code, found.billable)
    return {"access": access_out(access), "code": found.display_code, "payment_hcc": facts.payment_hcc,
            "models": [{"model": row.model.key, "title": row.model.title,
                        "years": [{"payment_year": c.year.year, "in_mapping_file": c.in_file, "hccs": _pairs(c.hccs),
                                   "newer_than_mapping": c.newer} for c in row.cells],
                        "hierarchy_year": row.hierarchy_year.year if row.hierarchy_year else None,
                        "trumps": _pairs(row.trumps), "trumped_by": _pairs(row.trumped_by), "edits": row.edits}
                       for row in facts.rows],
            "source": "; ".join(facts.sources) + f" ({tables.package()})"}


class EligibilityOut(Schema):
    access: AccessOut | None
    code: str
    years: list[dict]
    source: str


@router.get("/services/{code}", response={200: EligibilityOut, **ERRORS},
            summary="Whether a CPT/HCPCS code is risk-adjustment eligible")
def service(request: HttpRequest, response: HttpResponse, code: str):
    system = systems.CPT if systems.normalize(code)[:1].isdigit() else systems.HCPCS
    found, access = _open(request, response, system, code)
    facts = codefacts.procedure_eligibility(found.code)
    return {"access": access_out(access), "code": found.display_code,
            "years": [{"service_year": year, "payment_year": year + 1, "eligible": listed,
                       "same_list_as": copy} for year, listed, copy in facts.years],
            "source": ", ".join(facts.files) + f" ({tables.package()})"}
