"""The managed lists' first entries; staff add or rename them in the admin."""

from django.db import migrations

CREDENTIALS = [
    ("CPC", "Certified Professional Coder (AAPC)"), ("COC", "Certified Outpatient Coder (AAPC)"),
    ("CIC", "Certified Inpatient Coder (AAPC)"), ("CRC", "Certified Risk Adjustment Coder (AAPC)"),
    ("CPMA", "Certified Professional Medical Auditor (AAPC)"), ("CPB", "Certified Professional Biller (AAPC)"),
    ("CPCO", "Certified Professional Compliance Officer (AAPC)"), ("CDEO", "Certified Documentation Expert Outpatient (AAPC)"),
    ("CEMC", "Certified Evaluation and Management Coder (AAPC)"), ("COSC", "Certified Orthopaedic Surgery Coder (AAPC)"),
    ("CIRCC", "Certified Interventional Radiology Cardiovascular Coder (AAPC)"), ("CCC", "Certified Cardiology Coder (AAPC)"),
    ("CEDC", "Certified Emergency Department Coder (AAPC)"), ("CANPC", "Certified Anesthesia and Pain Management Coder (AAPC)"),
    ("CCS", "Certified Coding Specialist (AHIMA)"), ("CCS-P", "Certified Coding Specialist – Physician-based (AHIMA)"),
    ("CCA", "Certified Coding Associate (AHIMA)"), ("RHIT", "Registered Health Information Technician (AHIMA)"),
    ("RHIA", "Registered Health Information Administrator (AHIMA)"), ("CDIP", "Certified Documentation Integrity Practitioner (AHIMA)"),
    ("CCDS", "Certified Clinical Documentation Specialist (ACDIS)"), ("CRCR", "Certified Revenue Cycle Representative (HFMA)"),
]
SPECIALTIES = [
    ("em", "E/M"), ("orthopedics", "Orthopedics"), ("inpatient-drg", "Inpatient DRG"), ("risk-adjustment", "Risk adjustment"),
    ("hcc", "HCC"), ("emergency", "Emergency"), ("radiology", "Radiology"), ("cardiology", "Cardiology"),
    ("anesthesia", "Anesthesia"), ("general-surgery", "General surgery"), ("oncology", "Oncology"),
    ("pathology-lab", "Pathology and laboratory"), ("behavioral-health", "Behavioral health"), ("obgyn", "OB/GYN"),
    ("outpatient-facility", "Outpatient facility"), ("auditing", "Auditing and compliance"), ("cdi", "Clinical documentation integrity"),
    ("denials", "Denials and appeals"), ("pain-management", "Pain management"), ("gastroenterology", "Gastroenterology"),
    ("dermatology", "Dermatology"), ("urology", "Urology"), ("home-health", "Home health and hospice"), ("dme", "DME and supplies"),
]


def seed(apps, schema_editor):
    Credential, Specialty = apps.get_model("careers", "Credential"), apps.get_model("careers", "Specialty")
    for code, name in CREDENTIALS:
        Credential.objects.get_or_create(code=code, defaults={"name": name})
    for slug, name in SPECIALTIES:
        Specialty.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("careers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
