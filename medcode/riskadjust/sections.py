"""The code page's risk adjustment sections, as data (site/page.py composes them)."""

from medcode.riskadjust import codefacts, tables


def diagnosis_section(code, day):
    hccs = codefacts.diagnosis_hccs(code.code, code.billable)
    v28 = hccs.rows[0].cells
    newest_v28 = next((cell for cell in reversed(v28) if cell.hccs), None)
    return {"hccs": hccs, "years": tables.YEARS, "newest_v28": newest_v28, "package": tables.package(),
            "year_note": year_note(day)}


def procedure_section(code, day):
    newest = max(tables.ELIGIBLE_FILES)
    beyond = (f"A service on {day:%b %-d, %Y} falls past the newest eligible list medcode holds ({newest} services)."
              if day.year > newest else "")
    return {"eligibility": codefacts.procedure_eligibility(code.code), "package": tables.package(), "year_note": beyond}


def year_note(day):
    """When the day asked about feeds a payment year newer than medcode's files."""
    wanted = day.year + 1
    if wanted > tables.NEWEST.year:
        return (f"A service on {day:%b %-d, %Y} feeds payment year {wanted}; medcode's newest CMS-HCC files are for "
                f"payment year {tables.NEWEST.year} ({tables.package()}).")
    return ""
