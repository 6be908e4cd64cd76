"""The PHI scanner of case texts: it finds likely patient identifiers and leaves coding talk alone."""

import pytest

from medcode.consult import phi
from medcode.consult.phi import Finding


def found(text):
    """[(kind, matched text)] as a coder would read them."""
    return [(f.kind, text[f.start:f.end]) for f in phi.find(text)]


# Coding questions with no patient in them: codes, modifiers, money, RVUs, units, NPIs, years,
# dates of service without names, and capitalised clinical and payer words.
CLEAN = {
    "e_m_with_injection": """Can I bill 99213-25 with 20610 on the same day? The Office Visit was for Type 2
Diabetes Mellitus (E11.9, Z79.4 long-term insulin) and the injection was into the Left Knee for primary
osteoarthritis M17.12. Medicare paid $1,162.02 for 27447 last year; 99213 is 1.92 work RVUs.
Our NPI 1234567893 is on the claim, taxonomy 207Q00000X.""",
    "seventh_character": """S72.001A vs S72.001D: the 7th character A is for active treatment. Patient seen in
the Emergency Department on 04/01/2026, admitted, and ORIF done 0QS704Z. Follow-up DOS 04/15/2026 billed
99024 in the global period. Is the 7th character still A on the 2nd visit? Per ICD-10-CM guideline
I.C.19.a it should be D.""",
    "drug_units": """J1100 dexamethasone 1 mg: we gave 10 mg, so 10 units. The MUE for J1100 changed in 2026Q2
from 40 to 20? Billed J1100 x 10 with 96372, and 20610-RT, 20610-LT with modifiers 59 and XS. Payer denied
CO-97. Fee schedule: J1100 $0.11 per unit, 96372 $14.52. Total $159.62 on 4/1/2026.""",
    "pcs_inpatient": """Which ICD-10-PCS code for a laparoscopic cholecystectomy: 0FT44ZZ, and is 0DTJ4ZZ right
for the appendix? Hospital inpatient, DRG 418, discharge date 04/03/2026. Blue Cross Blue Shield wants the
POA indicator Y. Room 212, 3 Dr visits a day, 2 Head CT 70450 scans, 1 Left Knee MRI 73721.""",
    "knee_replacement_dos": """DOS 04/01/2026 billed 27447 RT with 20985 and J3490. Since 2026-04-01 the NCCI edit
bundles 20985 into 27447. Anthem paid 27447 at $1,500.00, 2 units of 20985 denied. Appeal filed in 2026.
Total Knee Arthroplasty, Right Knee, primary. Should modifier 59 or XU go on 20985?""",
    "new_vs_established": """New Patient vs Established Patient: 99203 or 99213 for a patient last seen 3 years
ago by a different Physician in the same group? Medicaid of Ohio pays 99213 at $48.12. Visit date
01/15/2026. Time 35 minutes, MDM moderate. COVID vaccine 0001A with 91300 given too.""",
    "procedures_near_dos": """DOS 02/10/2026: Rotator Cuff repair 29827 and Subacromial Decompression 29826,
Novitas Solutions says 29826 is packaged. Carpal Tunnel Release 64721 Right Hand the same day. Physical
Therapy started 02/20/2026, Home Health after that. Which modifier, 59 or XS?""",
    "ed_and_observation": """Seen on 03/02/2026 in the Emergency Department: 99285-25, 12002 (2.6 cm laceration
Left Hand), CT Head 70450, X-ray 73130-LT. Admitted on 03/02/2026 to Observation G0378 x 22 hours.
Discharged on 03/03/2026. Tetanus 90715 and 90471. Provider: Ann Lee NP, DOS 03/02/2026.""",
    "infusion_and_ndc": """96365 + 96366 x 3 for 4 hours of IV infusion, J2270 morphine 10 mg x 2 units, J7030
NS 1000 cc, revenue code 0260 and 0636. NDC 0409-4888-02 for the Kenalog 40 mg/mL. Claim # 123456789012
denied with CARC 16, RARC M51. Anesthesia 01992-QK, base 7 units, CF $21.88 x 10 = $218.80. POS 22.""",
    "newborn": """ICD-10-CM Z38.00 for the newborn, P07.38 preterm 36 weeks, mother's O60.14X0. Apgar 8/9,
birth weight 2450 g. CPT 99460 and 99238. Dates: admitted 04/05/2026, discharged 04/07/2026. Payer:
United Healthcare Community Plan, Texas. Levels C5-C6 and T12-L1, 3/4 inch, 10:30 am.""",
    "rvus_and_providers": """Compare E/M: 99212 = 0.70 RVU, 99213 = 1.30, 99214 = 1.92, 99215 = 2.80 (2026).
Modifier 25 vs 57: Dr Jones did 27130 Total Hip the next day, seen by Dr. Ann Lee on DOS 04/02/2026.
MS-DRG 470, 469 with MCC. St. Mary's Hospital, Suite 200 billing office. Performed by John Smith,
PA 99213 and Head, CT 70450. MR Angiography 70544, MR no contrast.""",
}


@pytest.mark.parametrize("text", CLEAN.values(), ids=CLEAN.keys())
def test_clean_coding_questions_have_no_findings(text):
    assert found(text) == []
    assert phi.mask(text) == text


# --- each kind, as coders write it ------------------------------------------------------------

@pytest.mark.parametrize("text, secret", [
    ("Face sheet shows SSN 123-45-6789, is that needed for 99213?", "123-45-6789"),
    ("Pt social security number is 234567890 per the registration form", "234567890"),
    ("ss# 345 67 8901 on the claim form box 1a", "345 67 8901"),
])
def test_social_security_numbers_are_masked(text, secret):
    assert [kind for kind, _ in found(text)] == ["ssn"]
    masked = phi.mask(text)
    assert "[Social Security number removed]" in masked
    assert secret not in masked


@pytest.mark.parametrize("text", ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000",
                                  "SSN 000123456"])
def test_impossible_social_security_numbers_are_not_flagged(text):
    assert found(f"ref {text} in the remit") == []


@pytest.mark.parametrize("text, date", [
    ("DOB 03/14/1962, coding 27447", "03/14/1962"),
    ("D.O.B.: 3/14/62 for the 99396 preventive visit", "3/14/62"),
    ("date of birth is 1962-03-14 so the age-based code is 99387", "1962-03-14"),
    ("birth date Jan 5, 1950 - is 99397 right?", "Jan 5, 1950"),
    ("born on 5 January 1950, coding G0438", "5 January 1950"),
    ("b. 01-05-1950, Medicare AWV", "01-05-1950"),
])
def test_labelled_dates_of_birth_are_masked(text, date):
    assert found(text) == [("dob", date)]
    masked = phi.mask(text)
    assert "[date of birth removed]" in masked and date not in masked


def test_a_date_without_a_birth_label_is_not_a_date_of_birth():
    assert found("Since 03/14/2026 the edit pairs 99213 with 20610; before 2026-01-01 it did not.") == []


@pytest.mark.parametrize("text, name", [
    ("John Smith DOB 03/14/1962 had 27447 RT", "John Smith"),
    ("Smith, John (DOB: 3/14/62) seen for E11.9", "Smith, John"),
    ("pt Mary O'Neil-Jones, born 1/2/1950, Medicare Part B", "Mary O'Neil-Jones"),
    ("Mr. J. Doe dob 1/2/50 presented for 99214", "J. Doe"),
    ("SMITH, JOHN A DOB 01/02/1950 ACCT 778899", "SMITH, JOHN A"),
    ("DOB 07/04/1981 June Carter, 99213", "June Carter"),
])
def test_a_name_beside_a_date_of_birth_is_masked_with_the_date(text, name):
    kinds = dict(found(text))
    assert kinds["name_dob"] == name
    assert "dob" in kinds
    masked = phi.mask(text)
    assert "[name next to a date of birth removed]" in masked and "[date of birth removed]" in masked
    assert name not in masked


def test_the_pasted_header_of_a_note_is_masked_line_by_line():
    text = "Name:\tGarcia, Maria L.\nDOB:\t07/04/1981\nMRN:\tA1234567\nCPT 99214-25, J1100 x 10"
    assert phi.mask(text) == ("Name:\t[name next to a date of birth removed]\nDOB:\t[date of birth removed]\n"
                              "MRN:\t[medical record or account number removed]\nCPT 99214-25, J1100 x 10")


@pytest.mark.parametrize("text, number", [
    ("MRN: 12345678 for the 99223 admission", "12345678"),
    ("MR# 1234567, the H&P is attached", "1234567"),
    ("acct # 00123-A was billed 27447", "00123-A"),
    ("Account number is 1234-5678, denial CO-16", "1234-5678"),
    ("Medicare ID 1EG4-TE5-MK73 on the 1500", "1EG4-TE5-MK73"),
    ("MBI 1EG4TE5MK73, Part B", "1EG4TE5MK73"),
    ("FIN 99887766 inpatient stay", "99887766"),
    ("member ID XYZ123456 with Aetna", "XYZ123456"),
    ("encounter # 44556677, 99285", "44556677"),
])
def test_labelled_record_and_account_numbers_are_masked(text, number):
    assert found(text) == [("mrn", number)]
    masked = phi.mask(text)
    assert "[medical record or account number removed]" in masked and number not in masked


@pytest.mark.parametrize("text", ["MRN pending, coding 99223", "acct no. 12 of 30 claims", "MRN: see chart"])
def test_record_labels_without_an_identifier_are_not_flagged(text):
    assert found(text) == []


@pytest.mark.parametrize("text, number", [
    ("Call the pt at (555) 555-1234 about 99213", "(555) 555-1234"),
    ("cell 555-555-1234 listed", "555-555-1234"),
    ("office 555.555.1234 for records", "555.555.1234"),
    ("home +1 555 555 1234, 99214", "+1 555 555 1234"),
    ("1-555-555-1234 ext 12 is the daughter", "1-555-555-1234 ext 12"),
    ("fax 5555551234 the op note", "5555551234"),
    ("Phone: 555 555 1234 on the face sheet", "555 555 1234"),
])
def test_phone_and_fax_numbers_are_masked(text, number):
    assert found(text) == [("phone", number)]
    masked = phi.mask(text)
    assert "[phone or fax number removed]" in masked and number not in masked


def test_a_number_whose_area_code_starts_with_0_or_1_is_not_a_phone():
    assert found("Prior auth 123-456-7890 approved for 27447, ref 012.345.6789") == []


def test_ten_bare_digits_are_a_phone_only_when_labelled():
    assert found("NPI 1234567893 billed 99213") == []
    assert found("tel 1234567893") == [("phone", "1234567893")]


@pytest.mark.parametrize("text, address", [
    ("Her daughter is jsmith@example.com, she asked about 99214", "jsmith@example.com"),
    ("Forwarded from mary.o-neil+x@mail.hosp.org.", "mary.o-neil+x@mail.hosp.org"),
])
def test_email_addresses_are_masked(text, address):
    assert found(text) == [("email", address)]
    assert phi.mask(text).count("[email address removed]") == 1
    assert address not in phi.mask(text)


@pytest.mark.parametrize("text, address", [
    ("Home visit 99348 at 123 Main St, 2 units", "123 Main St"),
    ("Lives at 45B Oak Hill Drive Apt 4B, home health G0151", "45B Oak Hill Drive Apt 4B"),
    ("mail to PO Box 123 for the refund", "PO Box 123"),
    ("Facility 1600 Pennsylvania Avenue Suite 200 billed 99308", "1600 Pennsylvania Avenue Suite 200"),
])
def test_street_addresses_are_masked(text, address):
    assert found(text) == [("address", address)]
    masked = phi.mask(text)
    assert "[street address removed]" in masked and address not in masked


def test_a_number_before_a_title_is_not_an_address():
    assert found("3 Dr visits a day, then 2 Left Knee Dr. Smith saw her, 20 St. Mary's patients") == []


@pytest.mark.parametrize("text, place", [
    ("123 Main St, Springfield, IL 62701 for POS 12", "Springfield, IL 62701"),
    ("Patient moved to New York, NY 10001-1234 in 2026", "New York, NY 10001-1234"),
])
def test_city_state_and_zip_are_masked(text, place):
    assert ("zip", place) in found(text)
    masked = phi.mask(text)
    assert "[city, state and ZIP code removed]" in masked and place not in masked


def test_a_code_after_a_state_abbreviation_is_not_a_zip():
    # 70450 is CT head and 99213 an office visit, and neither is a ZIP code of CT or PA.
    assert found("Imaging of the Head, CT 70450, then Jones, PA 99213 and 27447") == []


@pytest.mark.parametrize("text, name", [
    ("Patient John Smith was seen on 04/01/2026 for 99213", "John Smith"),
    ("DOS 04/01/2026: pt Jones came in for 20610", "Jones"),
    ("DOS: 04/01/2026 Patient: Smith, John", "Smith, John"),
])
def test_a_patient_name_beside_a_date_of_service_is_masked(text, name):
    assert found(text) == [("dos_name", name)]
    masked = phi.mask(text)
    assert "[patient name next to a date of service removed]" in masked and name not in masked
    assert "04/01/2026" in masked


def test_a_date_of_service_alone_or_with_the_provider_is_not_flagged():
    assert found("DOS 04/01/2026 billed 27447 RT with 20985") == []
    assert found("Dr. Smith saw the patient DOS 04/01/2026, 99223") == []
    assert found("Provider: Ann Lee NP, DOS 04/01/2026") == []


@pytest.mark.parametrize("text, name", [
    ("Patient Name: John Smith, 99214-25 with 20610", "John Smith"),
    ("Mrs. Alvarez had a 99214-25 and 96372", "Alvarez"),
    ("Patient: Maria Lopez, 67F, E11.9", "Maria Lopez"),
    ("Name: Garcia, Maria\nCPT 99213", "Garcia, Maria"),
])
def test_labelled_patient_names_are_masked(text, name):
    assert found(text) == [("name", name)]
    masked = phi.mask(text)
    assert "[patient name removed]" in masked and name not in masked


@pytest.mark.parametrize("text", ["Patient: Medicare beneficiary with Type 2 Diabetes",
                                  "Patient: Established Patient visit 99214", "Name Brand Humira, J0135"])
def test_labels_followed_by_clinical_words_are_not_names(text):
    assert found(text) == []


# --- masking, merging, summary ----------------------------------------------------------------

def test_masking_keeps_codes_money_and_dates_of_service():
    text = ("Mrs. Alvarez, MRN 55667788, DOS 04/01/2026: 99213-25 with 20610-RT, J1100 x 10 units, "
            "S72.001A and 0DTJ4ZZ, $1,162.02, NPI 1234567893. Call 555-555-1234.")
    # Mrs. Alvarez is labelled and beside the DOS: the kind first in KINDS order names the span.
    assert phi.mask(text) == (
        "Mrs. [patient name next to a date of service removed], MRN [medical record or account number removed], DOS 04/01/2026: "
        "99213-25 with 20610-RT, J1100 x 10 units, S72.001A and 0DTJ4ZZ, $1,162.02, NPI 1234567893. "
        "Call [phone or fax number removed].")


def test_mask_without_findings_scans_the_text_itself():
    text = "SSN 123-45-6789, 27447"
    assert phi.mask(text) == phi.mask(text, phi.find(text)) == "SSN [Social Security number removed], 27447"


def test_findings_are_sorted_and_a_name_found_twice_is_one_finding():
    text = "fax 555-555-1234. Name: John Smith DOB 1/2/1950 SSN 123-45-6789"
    findings = phi.find(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    # The name is both labelled and beside the DOB: one span, the kind first in KINDS order.
    assert found(text) == [("phone", "555-555-1234"), ("name_dob", "John Smith"), ("dob", "1/2/1950"),
                           ("ssn", "123-45-6789")]


def test_overlapping_findings_are_merged_and_the_wider_one_wins():
    text = "ref 123-45-6789 00"
    merged = phi.mask(text, [Finding("ssn", 4, 10), Finding("phone", 6, 18)])
    assert merged == "ref [phone or fax number removed]"
    inside = phi.mask(text, [Finding("dob", 8, 10), Finding("ssn", 4, 15)])
    assert inside == "ref [Social Security number removed] 00"


def test_summary_counts_each_kind_in_kinds_order():
    text = "SSN 123-45-6789 and 234-56-7890, fax (555) 555-1234, DOB 1/2/1950, bob@example.org"
    findings = phi.find(text)
    assert phi.summary(findings) == ["date of birth (1)", "Social Security number (2)",
                                     "phone or fax number (1)", "email address (1)"]
    assert phi.summary([]) == []


def test_kinds_and_labels():
    assert list(phi.KINDS) == ["name_dob", "dob", "ssn", "mrn", "phone", "email", "address", "zip",
                               "dos_name", "name"]
    assert Finding("ssn", 0, 11).label == "Social Security number"
    assert Finding("zip", 0, 5).label == "city, state and ZIP code"


# --- known misses, as the module docstring lists them -------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("John Smith had a knee replacement, 27447 RT", []),      # a name with no label, title or date nearby
    ("pt name: smith john, 99213", []),                      # a name in lower case
    ("She was born in 1950 and is now on Medicare", []),     # a birth year with no full date
    ("Her number is 5555551234 if you need it", []),         # ten digits with no phone label
    ("Springfield IL 62701", []),                            # a ZIP code without "City, ST"
    ("Kim West DOB 1/2/1950", [("dob", "1/2/1950")]),        # a name holding a stop-list word
])
def test_known_misses(text, expected):
    assert found(text) == expected


def test_the_docstring_says_what_is_detected_and_what_is_missed():
    assert "What it detects:" in phi.__doc__ and "What it misses:" in phi.__doc__
    assert "no OCR" in phi.__doc__ and "John Smith had a knee" in phi.__doc__


# Text pasted from EHRs and PDFs carries Unicode spacing: each separator must read as the plain one.
SPACES = {"no-break space": "\u00a0", "narrow no-break space": "\u202f", "thin space": "\u2009",
          "hair space": "\u200a", "en space": "\u2002", "em space": "\u2003", "figure space": "\u2007",
          "punctuation space": "\u2008", "ideographic space": "\u3000", "tab": "\t", "three-per-em space": "\u2004"}
DASHES = {"en dash": "\u2013", "em dash": "\u2014", "figure dash": "\u2012", "minus sign": "\u2212",
          "hyphen": "\u2010", "non-breaking hyphen": "\u2011", "full-width hyphen": "\uff0d"}
INVISIBLE = {"zero-width space": "\u200b", "zero-width joiner": "\u200d", "zero-width non-joiner": "\u200c",
             "word joiner": "\u2060", "soft hyphen": "\u00ad", "byte-order mark": "\ufeff"}


@pytest.mark.parametrize("name", SPACES)
def test_unicode_spaces_read_as_spaces(name):
    sep = SPACES[name]
    text = f"DOB:{sep}03/14/1962 MRN:{sep}12345678 SSN{sep}123456789 (555){sep}234-5678 SSN 123{sep}45{sep}6789"
    kinds = [kind for kind, _ in found(text)]
    assert kinds == ["dob", "mrn", "ssn", "phone", "ssn"], found(text)


@pytest.mark.parametrize("name", DASHES)
def test_unicode_dashes_read_as_hyphens(name):
    dash = DASHES[name]
    text = f"SSN 123{dash}45{dash}6789, call 555{dash}234{dash}5678, DOB 03{dash}14{dash}1962"
    assert [kind for kind, _ in found(text)] == ["ssn", "phone", "dob"], found(text)


@pytest.mark.parametrize("name", INVISIBLE)
def test_invisible_characters_hide_nothing(name):
    mark = INVISIBLE[name]
    text = f"D{mark}O{mark}B: 03/14{mark}/1962, MRN{mark}: 1234{mark}5678, SSN 123-45{mark}-6789"
    assert [kind for kind, _ in found(text)] == ["dob", "mrn", "ssn"], found(text)


def test_masking_covers_what_was_pasted_and_keeps_the_rest_as_written():
    text = "Knee\u00a0arthroscopy 29881. DOB:\u00a003/14/1962, SSN\u2009123\u201345\u20136789."
    masked = phi.mask(text)
    assert masked == ("Knee\u00a0arthroscopy 29881. DOB:\u00a0[date of birth removed], "
                      "SSN\u2009[Social Security number removed].")


def test_full_width_digits_are_read_as_digits():
    assert found("DOB: \uff10\uff13/\uff11\uff14/\uff11\uff19\uff16\uff12") == [
        ("dob", "\uff10\uff13/\uff11\uff14/\uff11\uff19\uff16\uff12")]
