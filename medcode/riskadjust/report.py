"""A calculation as data: what the API answers."""

from medcode.riskadjust import tables


def score_dict(found, what_ifs=()):
    return {
        "model": found.model.key, "model_name": found.model.name, "payment_year": found.year.year,
        "proposed_coefficients": found.year.proposed, "segment": found.segment.rstrip("_"),
        "segment_words": found.segment_words, "age_sex_cell": found.category,
        "score": found.raw, "demographic_only": found.demographic_only, "payment_score": found.payment, "normalization_factor": found.normalization,
        "coding_adjustment": found.coding_adjustment,
        "hccs": [line.hcc for line in found.kept],
        "hcc_lines": [{"hcc": line.hcc, "label": line.label, "diagnoses": line.diagnoses, "kept": line.kept,
                       "coefficient": line.coefficient, "dropped_by": line.dropped_by, "rule": line.rule or None}
                      for line in found.hccs],
        "factors": [{"name": f.name, "kind": f.kind, "words": f.words, "coefficient": f.coefficient, "share": f.share}
                    for f in found.factors],
        "diagnoses": [{"code": d.shown, "hccs": d.hccs} for d in found.diagnoses],
        "what_ifs": [{"change": w.words, "kind": w.kind, "code": w.code, "replacement": w.replacement or None,
                      "replacement_hccs": [h for h, _ in w.hccs], "score": w.score, "change_in_score": w.change}
                     for w in what_ifs],
        "source": found.source,
    }


def calculation_dict(calc):
    return {
        "payment_year": calc.year.year, "service_year": calc.year.service_year, "family": calc.family,
        "member": calc.member.summary(), "package": tables.package(),
        "scores": [score_dict(s, calc.what_ifs.get(s.model.key, ())) for s in calc.scores],
        "blend": calc.blend, "blend_of": [{"model": s.model.key, "share": share} for s, share in calc.blend_parts],
        "blend_source": calc.year.blend_source or None, "blend_payment_score": calc.blend_payment,
        "not_scored": [m.key for m in calc.not_scored],
    }
