"""A grouping as data: what the API answers and what a batch report holds for each stay."""


def drg(d):
    return {"drg": d.number, "title": d.title, "mdc": d.mdc, "mdc_title": d.mdc_title}


def as_dict(grouping, what_ifs=()):
    return {
        "version": grouping.version.name, "version_label": grouping.version.label, "package": grouping.version.package,
        "version_note": grouping.version_note, "discharge_date": grouping.day.isoformat(),
        "grouped": grouping.grouped, "return_code": grouping.return_code, "return_words": grouping.return_words,
        "initial": drg(grouping.initial), "final": drg(grouping.final),
        "severity": grouping.severity or None, "initial_severity": grouping.initial_severity or None,
        "hac_changed_final_drg": grouping.hac_changed,
        "diagnoses": [{"position": d.position, "code": d.shown, "poa": d.poa or None, "level": d.severity or None,
                       "counted": d.counted, "excluded": d.excluded, "hac": d.hacs, "hac_removed": d.hac_removed}
                      for d in grouping.diagnoses],
        "procedures": [{"position": p.position, "code": p.code, "valid": p.valid, "drives_drg": p.drove}
                       for p in grouping.procedures],
        "invalid_codes": grouping.invalid_codes,
        "mce_edits": [{"code": code, "edit": words} for code, words in grouping.mce_edits],
        "what_ifs": [{"change": w.change, "kind": w.kind, "code": w.code, "return_code": w.return_code,
                      "changes_drg": w.changed, **drg(w.drg)} for w in what_ifs],
    }
