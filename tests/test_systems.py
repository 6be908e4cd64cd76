import pytest

from medcode.codes import systems


@pytest.mark.parametrize("raw, expected", [
    ("s72.001a", "S72001A"), (" S72.001A ", "S72001A"), ("e11.9", "E119"), ("0dtj4zz", "0DTJ4ZZ"), ("", ""),
])
def test_normalize_removes_dots_blanks_and_case(raw, expected):
    assert systems.normalize(raw) == expected


@pytest.mark.parametrize("key, code, shown", [
    (systems.ICD10CM, "S72001A", "S72.001A"), (systems.ICD10CM, "I10", "I10"),
    (systems.ICD10CM, "S70-S79", "S70-S79"), (systems.ICD10PCS, "0DTJ4ZZ", "0DTJ4ZZ"),
    (systems.CPT, "20700", "20700"),
])
def test_display_puts_the_dot_only_in_icd10cm(key, code, shown):
    assert systems.display(key, code) == shown


@pytest.mark.parametrize("raw, first", [
    ("20700", systems.CPT), ("0001F", systems.CPT), ("J1100", systems.HCPCS), ("E11.9", systems.ICD10CM),
    ("S72.001A", systems.ICD10CM), ("0DTJ4ZZ", systems.ICD10PCS), ("QA0.0101", systems.ICD10CM),
])
def test_candidate_systems_puts_the_likely_set_first(raw, first):
    assert systems.candidate_systems(raw)[0] == first


def test_a_dotted_code_is_only_icd10cm():
    assert systems.candidate_systems("S72.001A") == [systems.ICD10CM]


@pytest.mark.parametrize("raw", ["", "hello world", "1234", "207000"])
def test_no_set_claims_text_that_is_not_a_code(raw):
    assert systems.candidate_systems(raw) == []


def test_dental_d_codes_are_not_hcpcs():
    # CDT (ADA) codes are not shipped; D0120 can only be read as ICD-10-CM D01.20.
    assert systems.HCPCS not in systems.candidate_systems("D0120")


def test_lookup_by_slug_or_key():
    assert systems.get("icd-10-cm").key == systems.ICD10CM
    assert systems.get("icd10pcs").slug == "icd-10-pcs"
    assert systems.get("nope") is None
