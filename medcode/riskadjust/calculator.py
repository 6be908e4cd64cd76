"""The calculator's answer: a member scored under every model of a family the payment year carries,
side by side, with CMS's blend for the year and each model's what-ifs."""

from dataclasses import dataclass, field

from medcode.riskadjust import scoring, tables, whatif


@dataclass
class Calculation:
    year: tables.PaymentYear
    family: str
    member: object
    codes: list
    scores: list  # scoring.Score, one per model
    what_ifs: dict = field(default_factory=dict)  # model key -> [whatif.WhatIf]
    blend: float | None = None  # of the raw scores
    blend_parts: list = field(default_factory=list)  # [(Score, share)]
    blend_payment: float | None = None  # CMS's way: each model's score normalized, blended, then adjusted
    not_scored: list = field(default_factory=list)  # models of the family the year's coefficients lack

    @property
    def by_model(self):
        return [(s, self.what_ifs.get(s.model.key, [])) for s in self.scores]

    @property
    def blend_words(self):
        return " + ".join(f"{share:.0%} × {s.model.key} {s.raw:.3f}" for s, share in self.blend_parts)


def calculate(codes, member, family="CMS-HCC", year=2026, normalization=None, coding_adjustment=None, what_ifs=True):
    """normalization: {model key: CMS's normalization factor for the year}, for the payment scores."""
    normalization = normalization or {}
    chosen = scoring.payment_year(year)
    models = [m for m in tables.MODELS if m.family == family]
    if not models:
        raise scoring.ScoreError(f"Models {family!r}: use CMS-HCC, ESRD or RxHCC.")
    scored = [m for m in models if m.key in chosen.scored]
    if not scored:
        raise scoring.ScoreError(f"{tables.package()} has no {family} coefficients for payment year {year}.")
    unknown = set(normalization) - {m.key for m in scored}
    if unknown:
        raise scoring.ScoreError(f"Normalization factor for {', '.join(sorted(unknown))}: payment year {year} scores "
                                 f"{', '.join(m.key for m in scored)} among the {family} models.")
    scores = [scoring.score(codes, member, m.key, year, normalization.get(m.key), coding_adjustment) for m in scored]
    found = Calculation(chosen, family, member, codes, scores,
                        not_scored=[m for m in models if m.key not in chosen.scored])
    if what_ifs:
        found.what_ifs = {s.model.key: whatif.what_ifs(s) for s in scores}
    by_key = {s.model.key: s for s in scores}
    if family == "CMS-HCC" and chosen.blend and all(key in by_key for key, _ in chosen.blend):
        found.blend_parts = [(by_key[key], share) for key, share in chosen.blend]
        found.blend = round(sum(s.raw * share for s, share in found.blend_parts), 3)
        if all(s.normalization for s, _ in found.blend_parts):
            normalized = sum(s.raw / s.normalization * share for s, share in found.blend_parts)
            found.blend_payment = round(normalized * (1 - (coding_adjustment or 0.0)), 3)
    return found
