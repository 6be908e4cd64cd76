from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from medcode.accounts import metering
from medcode.codes import systems
from medcode.codes.models import Code
from medcode.common.http import private
from medcode.riskadjust import calculator, scoring, tables
from medcode.riskadjust.forms import MemberForm


def codes_shown(codes):
    """The catalogue codes a score shows facts of: what a run costs (metering.run_tool)."""
    return list(Code.objects.filter(system=systems.ICD10CM, code__in=codes))


@require_http_methods(["GET", "HEAD", "POST"])
@private  # what a tool shows depends on who runs it and their allowance
def calculator_page(request):
    if request.method == "POST":
        form = MemberForm(request.POST)
    else:  # a link from a code page may fill in a diagnosis
        form = MemberForm(initial={"diagnoses": request.GET.get("diagnoses", "")[:40]})
    calc = access = None
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        access = metering.run_tool(request, "hcc-calculator", codes_shown(data["codes"]))
        if access.unlocked:
            try:
                calc = calculator.calculate(data["codes"], data["member"], data["family"], data["year"],
                                            data.get("normalization"), _number(data.get("coding_adjustment")))
            except scoring.ScoreError as exc:
                error = str(exc)
    return render(request, "riskadjust/calculator.html", {"form": form, "calc": calc, "access": access, "error": error,
                                                          "years": tables.YEARS, "package": tables.package()})


def _number(value):
    return float(value) if value is not None else None
