"""The code page's risk adjustment sections, as data (site/page.py composes them)."""

from medcode.riskadjust import codefacts, tables


def diagnosis_section(code, day):
    hccs = codefacts.diagnosis_hccs(code.code, code.billable)
    v28 = hccs.rows[0].cells
    newest_v28 = next((cell for cell in reversed(v28) if cell.hccs), None)
    return {"hccs": hccs, "years": tables.YEARS, "newest_v28": newest_v28, "package": tables.package(),
            "year_note": year_note(day)}


def procedure_section(code, day):
    return {"eligibility": codefacts.procedure_eligibility(code.code), "newest": tables.NEWEST,
            "package": tables.package(), "year_note": year_note(day)}


def year_note(day):
    """When the day asked about feeds a payment year newer than medcode's files."""
    wanted = day.year + 1
    if wanted > tables.NEWEST.year:
        return (f"A service on {day:%b %-d, %Y} feeds payment year {wanted}; medcode's newest CMS-HCC files are for "
                f"payment year {tables.NEWEST.year} ({tables.package()}).")
    return ""
