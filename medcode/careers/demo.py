"""Demo data for CareerCenter: fictional employers and the jobs they post, for a dev database or a demo site.

Every name, address and domain here is invented (domains under example.com / example.org); the ZIP codes are real,
so each job has a place on the map. `load()` is safe to run again: it updates what it made before.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medcode.accounts.models import User
from medcode.careers import geo
from medcode.careers.models import Credential, Employer, Job, Specialty

EMPLOYERS = {
    "larkspur": dict(
        name="Larkspur Health System", email="jobs@larkspur-health.example.org", contact="Dana Whitfield",
        website="https://larkspur-health.example.org", zip_code="60611",
        about="A nonprofit system of three acute-care hospitals and 40 clinics around Lake Michigan, including a "
              "Level I trauma center. Our health information management team codes every inpatient and "
              "emergency encounter in-house."),
    "tallgrove": dict(
        name="Tallgrove Physician Partners", email="careers@tallgrove.example.com", contact="Marcus Ellery",
        website="https://tallgrove.example.com", zip_code="28202",
        about="A physician-owned multispecialty group with primary care, cardiology, women's health and "
              "dermatology practices across the Carolinas, Virginia and Georgia."),
    "cobaltpeak": dict(
        name="Cobalt Peak Revenue Services", email="hiring@cobaltpeak-revenue.example.com", contact="Renee Salazar",
        website="https://cobaltpeak-revenue.example.com", zip_code="80202",
        about="Billing, coding and denial management for independent physician practices, anesthesia groups and "
              "home health agencies in the Mountain West."),
    "brightmeadow": dict(
        name="Brightmeadow Risk Analytics", email="talent@brightmeadow-risk.example.com", contact="Priya Okafor",
        website="https://brightmeadow-risk.example.com", zip_code="37203",
        about="Retrospective and prospective risk adjustment reviews for Medicare Advantage and ACA health plans "
              "and the provider groups that serve them."),
    "ironwood": dict(
        name="Ironwood Bone & Joint", email="jobs@ironwood-ortho.example.org", contact="Gavin Thorsen",
        website="https://ironwood-ortho.example.org", zip_code="97205",
        about="An independent orthopedic group of 22 surgeons and a spine center, with clinics in Portland, "
              "Seattle and Boise."),
    "prairielantern": dict(
        name="Prairie Lantern Imaging", email="careers@prairielantern-imaging.example.org", contact="Holly Brandt",
        website="https://prairielantern-imaging.example.org", zip_code="68102",
        about="A radiology group of 45 radiologists reading for hospitals and imaging centers across the Plains, "
              "with a busy interventional practice."),
    "northquill": dict(
        name="Northquill Remote Coding", email="recruiting@northquill.example.com", contact="Tessa Lindqvist",
        website="https://northquill.example.com", zip_code="55401",
        about="A fully remote coding company placing salaried, benefited coders with hospitals and physician "
              "groups nationwide."),
    "harborlight": dict(
        name="Harborlight Surgery Center", email="office@harborlight-asc.example.org", contact="Luis Carrasco",
        website="https://harborlight-asc.example.org", zip_code="33606",
        about="A physician-owned ambulatory surgery center in Tampa performing GI, orthopedic, ENT and pain "
              "cases, opening a second center in Jacksonville."),
    "sonoranmesa": dict(
        name="Sonoran Mesa Health", email="jobs@sonoranmesa-health.example.org", contact="Adriana Velez",
        website="https://sonoranmesa-health.example.org", zip_code="85004",
        about="A regional health system with hospitals and specialty clinics in Arizona, Nevada and New Mexico."),
}

JOBS = [
    # --- Larkspur Health System -------------------------------------------------------------------------------
    dict(
        employer="larkspur", title="Inpatient Coder II – DRG Validation", zip_code="60611",
        work_mode="hybrid", employment_type="full_time", required=["CCS"], preferred=["CIC", "RHIT"],
        specialties=["inpatient-drg"], code_sets=["icd10cm", "icd10pcs", "drg"], years_experience=3,
        salary_min=68000, salary_max=82000, salary_period="year", posted_days_ago=2, apply_url="",
        description="""\
Larkspur Health System's inpatient coding team codes and validates discharges from our three acute-care
hospitals, including a Level I trauma center and a busy cardiac surgery program. We are adding an experienced
coder who enjoys the detective work of getting the DRG right the first time.

**What you'll do**

- Assign ICD-10-CM diagnosis and ICD-10-PCS procedure codes to inpatient records of moderate to high complexity
- Validate MS-DRG and APR-DRG assignment, severity of illness and risk of mortality before final billing
- Work the DRG mismatch queue and document your rationale on every change
- Send compliant queries to providers through the CDI team when documentation conflicts or is incomplete
- Keep accuracy at 95% or better while meeting case-mix-adjusted productivity targets

**What you bring**

- CCS required; CIC or RHIT a plus
- Three or more years of inpatient coding at an acute-care facility
- Confidence with Coding Clinic guidance, principal diagnosis sequencing and POA indicators

**The team**

Fourteen coders, two auditors and a coding manager who still codes on busy weeks. Hybrid means three days a
week at home after orientation, plus two days a month in our downtown Chicago office for case reviews and a
team lunch.
"""),
    dict(
        employer="larkspur", title="Emergency Department Facility Coder", zip_code="53202",
        work_mode="onsite", employment_type="full_time", required=["CPC"], preferred=["CEDC"],
        specialties=["emergency"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=2,
        salary_min=26.50, salary_max=33.00, salary_period="hour", posted_days_ago=5, apply_url="",
        description="""\
Larkspur's Lakefront campus in Milwaukee sees about 70,000 emergency visits a year, and each one needs an
accurate facility level and a clean claim. Join the coders who make that happen.

**Responsibilities**

- Assign ED facility E/M levels (99281–99285) using the hospital's published point-based criteria
- Code procedures performed in the department: laceration repairs, splinting, critical care and observation hours
- Add ICD-10-CM diagnoses and HCPCS codes for drugs, infusions and supplies
- Apply modifiers 25 and 59 correctly and clear charge-router edits before the claim drops
- Flag records whose documentation does not support the level charged and route them to the ED nurse educator

**Requirements**

- CPC required; CEDC preferred
- Two years of emergency department or urgent care coding
- Comfortable working a fast queue with frequent interruptions

**About the team**

You'll sit with six facility coders and a lead in the revenue cycle office, one floor above the emergency
department. Shifts start between 6:30 and 8:00 a.m., parking is free, and we reimburse the CEDC exam fee once
you pass.
"""),
    dict(
        employer="larkspur", title="Clinical Documentation Integrity Specialist", zip_code="46202",
        work_mode="hybrid", employment_type="full_time", required=["CCS"], preferred=["CCDS", "CDIP"],
        specialties=["cdi", "inpatient-drg"], code_sets=["icd10cm", "icd10pcs", "drg"], years_experience=4,
        salary_min=78000, salary_max=95000, salary_period="year", posted_days_ago=9, apply_url="",
        description="""\
Larkspur's clinical documentation integrity program is growing at our Indianapolis hospital. You'll review
charts while the patient is still in the bed and help physicians document what they are already treating.

**What you'll do**

- Perform concurrent reviews of medical, surgical and ICU admissions within 24 hours of admission
- Write clear, non-leading queries that follow the AHIMA/ACDIS guidelines for compliant query practice
- Reconcile the working DRG with the final coded DRG alongside the coders, and track every mismatch
- Focus on conditions that drive CC/MCC capture and quality measures, such as acute respiratory failure,
  malnutrition, sepsis and encephalopathy
- Present a short documentation tip at hospitalist and surgery department meetings each month

**Requirements**

- CCS required; CCDS or CDIP strongly preferred
- Four years of inpatient coding or CDI experience (a clinical background is welcome but not required)
- A solid grasp of MS-DRG logic, clinical indicators and query compliance

**What the team is like**

Nine CDI specialists, a mix of nurses and coders, who share a weekly case conference and back each other up on
heavy days. Hybrid schedule: on the units two days a week, at home the rest.
"""),
    dict(
        employer="larkspur", title="Coding Quality Auditor – Inpatient", zip_code="60611",
        work_mode="remote", employment_type="full_time", required=["CCS"], preferred=["CPMA", "RHIA"],
        specialties=["auditing", "inpatient-drg"], code_sets=["icd10cm", "icd10pcs", "drg"], years_experience=5,
        salary_min=82000, salary_max=98000, salary_period="year", posted_days_ago=14,
        apply_url="https://larkspur-health.example.org/careers/coding-quality-auditor",
        description="""\
We are looking for an auditor to join Larkspur Health System's coding quality team and review the work of
inpatient coders across all three of our hospitals. The role is fully remote.

**Responsibilities**

- Run monthly focused and random audits of inpatient records: principal diagnosis, secondary diagnoses, PCS
  codes, POA indicators, discharge disposition and the resulting DRG
- Investigate payer DRG downgrades and write appeal rationale backed by the Official Guidelines and Coding Clinic
- Give one-to-one feedback to coders and track their improvement over time
- Build audit samples from PEPPER targets and internal data, for example sepsis, respiratory failure and
  single-CC DRGs
- Keep our internal coding policies current with each quarterly Coding Clinic

**Requirements**

- CCS required; CPMA or RHIA preferred
- Five years of inpatient coding, at least two of them in auditing or DRG validation
- Clear, kind written communication: coders should learn something from every audit

**The team**

Four auditors and a quality manager who meet by video every Tuesday morning. We ship you a laptop, two monitors
and a headset, and give you paid time each month for continuing education.
"""),
    # --- Tallgrove Physician Partners ---------------------------------------------------------------------------
    dict(
        employer="tallgrove", title="Professional Fee Coder – Primary Care E/M", zip_code="28202",
        work_mode="remote", employment_type="full_time", required=["CPC"], preferred=["CEMC"],
        specialties=["em"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=2,
        salary_min=24.00, salary_max=29.00, salary_period="hour", posted_days_ago=1, apply_url="",
        description="""\
Tallgrove Physician Partners has 60 primary care and internal medicine clinics across the Carolinas. Our pro-fee
coders review provider charges before they go out the door, and we'd like another one who knows the current
office visit E/M guidelines inside and out.

**What you'll do**

- Review office and outpatient visits and validate E/M levels on medical decision making or total time
- Code preventive visits and annual wellness visits, and the problem-oriented visits that come with them
  (modifier 25)
- Assign ICD-10-CM codes to the highest specificity the documentation supports
- Work front-end edits and NCCI bundling messages in the practice management system
- Spot providers who may need documentation help and refer them to our educators

**What we're looking for**

- CPC required; CEMC a plus
- Two years of physician-based coding, ideally in primary care
- Reliable high-speed internet and a private, HIPAA-friendly workspace

**About us**

You'll be one of twelve remote coders, each assigned to a set of clinics so you get to know the providers. We
keep a shared chat channel for questions, and the lead answers quickly. Schedules are flexible between 7 a.m.
and 6 p.m. Eastern.
"""),
    dict(
        employer="tallgrove", title="Cardiology Coder", zip_code="29425",
        work_mode="hybrid", employment_type="full_time", required=["CPC"], preferred=["CCC"],
        specialties=["cardiology"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=55000, salary_max=66000, salary_period="year", posted_days_ago=4, apply_url="",
        description="""\
Tallgrove's Lowcountry Heart and Vascular practice in Charleston needs a coder for its general cardiologists,
interventionalists and electrophysiologists.

**Responsibilities**

- Code office visits, echocardiograms, stress tests, and Holter and event monitoring
- Code diagnostic catheterizations, coronary interventions, and device implants and interrogations, including
  pacemakers, ICDs and loop recorders
- Apply professional and technical component modifiers (26, TC) correctly across hospital and office settings
- Check medical necessity against local coverage determinations before claims are released
- Work coding-related denials from Medicare and commercial payers, and write short appeals where warranted

**Requirements**

- CPC required; CCC preferred
- Three years of cardiology coding, or strong multispecialty experience with plenty of cardiology exposure
- Working knowledge of NCCI edits and LCD look-ups

**The team**

A close group of four cardiology coders and two billers. Hybrid: in the office on Mondays and Thursdays, when
the physicians hold their coding huddle, and at home the other days. We pay your AAPC membership and one
specialty credential exam a year.
"""),
    dict(
        employer="tallgrove", title="OB/GYN Coding Specialist", zip_code="23219",
        work_mode="onsite", employment_type="full_time", required=["CPC"], preferred=["CCS-P"],
        specialties=["obgyn"], code_sets=["cpt", "icd10cm"], years_experience=2,
        salary_min=48000, salary_max=57000, salary_period="year", posted_days_ago=11, apply_url="",
        description="""\
Tallgrove Women's Health runs five OB/GYN offices in the Richmond area and delivers at two hospitals. We need an
onsite coder who understands global obstetric packages and enjoys following a patient's care from the first
visit to the postpartum check.

**Day to day**

- Code global OB care, antepartum-only and postpartum-only services, and deliveries: vaginal, cesarean and VBAC
- Identify services outside the global package, such as extra ultrasounds, non-stress tests and visits for
  pregnancy complications
- Code gynecologic surgery, including hysterectomy, operative laparoscopy and LEEP, with the right modifiers
- Code well-woman and preventive visits, splitting preventive and problem-oriented services when both occur
- Answer coding questions from front-desk and billing staff

**You have**

- CPC required; CCS-P welcome
- Two years of coding experience, at least one of them in OB/GYN
- Patience to track a pregnancy's services across many months and several providers

**The team**

You'll work at our main office with two other coders and the billing manager. Hours are Monday to Friday,
8:00 to 4:30, with free parking and a generous holiday schedule.
"""),
    dict(
        employer="tallgrove", title="Coding Educator – Provider Documentation", zip_code="30308",
        work_mode="hybrid", employment_type="full_time", required=["CPC", "CEMC"], preferred=["CDEO", "CPMA"],
        specialties=["em", "auditing"], code_sets=["cpt", "icd10cm"], years_experience=5,
        salary_min=72000, salary_max=86000, salary_period="year", posted_days_ago=18,
        apply_url="https://tallgrove.example.com/jobs/coding-educator-atlanta",
        description="""\
Tallgrove is expanding into Georgia and needs an educator to help new providers document and code well from
their first day in clinic.

**What you'll do**

- Run onboarding sessions on E/M guidelines, medical decision making and time-based coding for new physicians
  and advanced practice providers
- Audit ten encounters per provider at 30, 60 and 90 days, then quarterly, and review the results one-to-one
- Write short tip sheets on topics that cause errors: modifier 25, split/shared visits, prolonged services and
  chronic care management
- Track audit scores in our dashboard and report trends to the medical directors
- Keep the coding team current on the annual CPT and ICD-10-CM updates

**What you bring**

- CPC and CEMC required; CDEO or CPMA preferred
- Five years of professional fee coding, including at least two spent auditing or educating providers
- A calm teaching style that wins over busy clinicians

**Your team**

You'll join the education and compliance group, three educators and a compliance officer, and spend about half
your week in clinics around metro Atlanta. Mileage is reimbursed and the rest of the week is from home.
"""),
    dict(
        employer="tallgrove", title="Dermatology and Mohs Coder", zip_code="27514",
        work_mode="onsite", employment_type="part_time", required=["CPC"], preferred=["CPB"],
        specialties=["dermatology", "pathology-lab"], code_sets=["cpt", "icd10cm"], years_experience=1,
        salary_min=25.00, salary_max=30.00, salary_period="hour", posted_days_ago=24, apply_url="",
        description="""\
Tallgrove Dermatology in Chapel Hill has four dermatologists and a Mohs surgeon. We're hiring a part-time coder,
20 to 24 hours a week, to keep charges moving.

**Responsibilities**

- Code biopsies, shave removals, excisions and destruction of lesions, measuring excised diameter including
  margins
- Code Mohs micrographic surgery by stage and tissue block, plus the repairs that follow: simple, intermediate,
  complex or adjacent tissue transfer
- Match pathology results to excision codes, holding claims until the final diagnosis arrives
- Separate cosmetic from medically necessary services and make sure ABNs are on file
- Check same-day E/M and procedure combinations and apply modifier 25 only when the note supports it

**Requirements**

- CPC required; CPB a plus
- One year of dermatology coding, or a strong surgical coding background
- Careful attention to measurements and anatomic sites

**About the office**

Small, friendly and busy. You'll work onsite three mornings a week next to our billing lead, and we plan the
schedule around school calendars when we can.
"""),
    # --- Cobalt Peak Revenue Services ---------------------------------------------------------------------------
    dict(
        employer="cobaltpeak", title="Denials Management Specialist", zip_code="80202",
        work_mode="hybrid", employment_type="full_time", required=["CPC"], preferred=["CRCR", "CPB"],
        specialties=["denials"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=52000, salary_max=61000, salary_period="year", posted_days_ago=3, apply_url="",
        description="""\
Cobalt Peak Revenue Services handles billing and coding for 40 independent physician practices across the
Mountain West. Our denials team turns rejected claims back into revenue, and we want a coder who likes solving
puzzles.

**What you'll do**

- Work coding-related denials: NCCI bundling, missing or invalid modifiers, medical necessity and
  diagnosis-to-procedure mismatches
- Read the remittance codes (CARC and RARC), find the root cause, then correct and resubmit or write an appeal
- Pull payer policies and LCDs to support each appeal
- Log trends by client and payer and propose front-end edits that stop repeat denials
- Meet daily work queue goals while keeping appeal quality high

**Requirements**

- CPC required; CRCR or CPB preferred
- Three years of physician billing or coding that included denial work
- Experience with a major practice management system and payer portals

**The team**

Eight denial specialists, two leads, and a habit of sharing the week's best overturned denial in our Friday
huddle. Hybrid: Tuesdays and Wednesdays in our downtown Denver office, the rest of the week from home.
"""),
    dict(
        employer="cobaltpeak", title="Anesthesia Coder", zip_code="80202",
        work_mode="remote", employment_type="full_time", required=["CPC"], preferred=["CANPC"],
        specialties=["anesthesia", "pain-management"], code_sets=["cpt", "icd10cm"], years_experience=2,
        salary_min=27.00, salary_max=32.00, salary_period="hour", posted_days_ago=6, apply_url="",
        description="""\
Cobalt Peak codes for four anesthesia groups covering hospitals and surgery centers in Colorado and Utah. This
remote role focuses on anesthesia and the pain procedures our anesthesiologists perform.

**Responsibilities**

- Assign anesthesia codes from the surgical procedure, using crosswalks and the operative note
- Verify anesthesia time, base units, physical status modifiers (P1–P6) and qualifying circumstances
- Apply medical direction and supervision modifiers (AA, QK, QX, QY, QZ) based on staffing records
- Code separately billable arterial lines, central lines and post-operative pain blocks, with modifier 59 or
  XU when required
- Code chronic pain injections from the groups' pain clinics, such as epidurals and facet injections

**Requirements**

- CPC required; CANPC preferred
- Two years of anesthesia coding
- Comfort moving between several hospital EHRs in one day

**What it's like here**

A remote team of seven anesthesia coders with a lead who has coded anesthesia for twenty years. Core hours are
8 a.m. to 3 p.m. Mountain time, and we pay a quarterly accuracy bonus on top of the hourly rate.
"""),
    dict(
        employer="cobaltpeak", title="Billing and Coding Specialist – Entry Level", zip_code="84111",
        work_mode="onsite", employment_type="full_time", required=[], preferred=["CPC", "CCA", "CPB"],
        specialties=["em", "denials"], code_sets=["cpt", "icd10cm"], years_experience=0,
        salary_min=42000, salary_max=48000, salary_period="year", posted_days_ago=10, apply_url="",
        description="""\
New to coding? Cobalt Peak's Salt Lake City office trains new coders for our physician clients, and we're hiring
two people to start this quarter.

**What you'll do**

- Code office visits and simple procedures for family medicine, pediatrics and urgent care clients
- Enter charges and correct clearinghouse rejections
- Post payments and review denials with a senior specialist
- Learn to read procedure notes with a mentor checking your work
- Take part in weekly coding lessons and practice audits

**Requirements**

- A coding credential such as CPC or CCA, or enrollment in a coding program that finishes within six months
- Basic medical terminology, anatomy and ICD-10-CM conventions
- Comfortable with computers and happy to ask questions

**Why join us**

You'll have a named mentor for your first six months, and we review all of your work until your accuracy stays
above 95%. We pay for the CPC exam and your first year of AAPC membership, and we promote from within: most of
our leads started in this role. Onsite Monday to Friday, a short walk from a light-rail stop.
"""),
    dict(
        employer="cobaltpeak", title="Interventional Pain Coder (Contract)", zip_code="80202",
        work_mode="remote", employment_type="contract", required=["CPC"], preferred=["CANPC"],
        specialties=["pain-management"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=34.00, salary_max=38.00, salary_period="hour", posted_days_ago=13, apply_url="",
        description="""\
Cobalt Peak needs a contract coder for six months to clear a backlog for a new interventional pain client, with
a strong chance of extension.

**Scope of work**

- Code epidural steroid injections, facet joint injections and radiofrequency ablation by level and laterality
- Code spinal cord stimulator trials and permanent implants, and know when imaging guidance is bundled
- Apply HCPCS codes for drugs with correct units for steroids and anesthetic agents
- Check medical necessity against the Medicare facet and epidural LCDs, including required pain scores and
  conservative care
- Review the E/M visits billed with procedures for modifier 25 support

**Requirements**

- CPC required; CANPC preferred
- Three years of interventional pain coding
- Able to commit to at least 32 hours a week for the length of the contract

**Contract details**

Paid weekly as a W-2 contractor. We audit your first 100 charts, then 5% of your work ongoing. You'll report to
our coding operations manager and can work from anywhere in the United States.
"""),
    dict(
        employer="cobaltpeak", title="Home Health and Hospice Coder", zip_code="80202",
        work_mode="remote", employment_type="full_time", required=[], preferred=["CPC", "CCS"],
        specialties=["home-health"], code_sets=["icd10cm"], years_experience=2,
        salary_min=None, salary_max=None, salary_period="year", posted_days_ago=16, apply_url="",
        description="""\
Cobalt Peak is adding a home health and hospice service line, and we want an experienced coder to help build it
from the first client.

**Responsibilities**

- Review OASIS assessments, referrals and face-to-face documents and assign ICD-10-CM codes for home health
  periods of care
- Sequence the primary diagnosis correctly under PDGM and avoid codes that land a claim in the
  questionable-encounter group
- Capture comorbidities that change the payment adjustment, sending agencies a query when the record is unclear
- Code hospice terminal and related diagnoses
- Help write our coding policies, checklists and training for the new service line

**Requirements**

- Two years of home health or hospice coding
- A coding credential such as CPC or CCS; a home health coding certificate is a plus
- Working knowledge of Medicare home health and hospice payment rules

**The team**

You'll start with our service line director and one other coder, then help interview new hires as client
volume grows. The job is fully remote; pay depends on experience and we share the range in the first call.
"""),
    # --- Brightmeadow Risk Analytics ----------------------------------------------------------------------------
    dict(
        employer="brightmeadow", title="Risk Adjustment Coder – Retrospective Review", zip_code="37203",
        work_mode="remote", employment_type="full_time", required=["CRC"], preferred=["CPC"],
        specialties=["risk-adjustment", "hcc"], code_sets=["icd10cm", "hcc"], years_experience=1,
        salary_min=25.00, salary_max=30.00, salary_period="hour", posted_days_ago=0, apply_url="",
        description="""\
Brightmeadow Risk Analytics reviews medical records for Medicare Advantage and ACA health plans. Our
retrospective coders find conditions that were documented but never reported, so each member's risk score
reflects how sick they really are.

**What you'll do**

- Review outpatient and inpatient records and abstract every supported ICD-10-CM diagnosis
- Map diagnoses to CMS-HCC and HHS-HCC categories in our coding platform
- Apply MEAT criteria (monitor, evaluate, assess, treat) to decide whether a condition is supported on the date
  of service
- Reject unsupported diagnoses, such as resolved conditions coded as active or problems taken only from a list
- Meet page-based productivity targets with 95% accuracy or better

**Requirements**

- CRC required; CPC a plus
- One year of risk adjustment coding
- Focus to work through long, scanned records without missing details

**The team**

More than a hundred remote coders working in pods of fifteen, each with its own lead. We offer flexible
schedules, paid training on our coding tool, and a quarterly accuracy bonus.
"""),
    dict(
        employer="brightmeadow", title="Senior HCC Coding Auditor", zip_code="37203",
        work_mode="remote", employment_type="full_time", required=["CRC"], preferred=["CPMA", "CDEO"],
        specialties=["hcc", "auditing"], code_sets=["icd10cm", "hcc"], years_experience=5,
        salary_min=74000, salary_max=88000, salary_period="year", posted_days_ago=8,
        apply_url="https://brightmeadow-risk.example.com/careers/senior-hcc-auditor",
        description="""\
Brightmeadow's quality team checks the coding our clients submit to CMS. We're hiring a senior auditor who can
defend every HCC in a RADV review.

**Responsibilities**

- Perform second-level reviews of coder work, confirming that each HCC comes from an acceptable provider type
  and a face-to-face encounter
- Prepare RADV-style validation packages for health plan clients
- Write clear rationale citing the ICD-10-CM Official Guidelines and Coding Clinic
- Calibrate coders and leads through monthly case reviews with hard examples
- Help update our coding policies as the CMS-HCC model changes

**Requirements**

- CRC required; CPMA or CDEO preferred
- Five years of risk adjustment coding, including two years of auditing
- Experience presenting audit findings to clients

**About the team**

Eight senior auditors spread across four time zones, supported by a clinical advisor for the hard clinical
validation questions. Fully remote, with an in-person planning week in Nashville each spring.
"""),
    dict(
        employer="brightmeadow", title="Prospective Risk Adjustment Coder (Seasonal)", zip_code="40202",
        work_mode="hybrid", employment_type="temporary", required=["CRC"], preferred=[],
        specialties=["risk-adjustment"], code_sets=["icd10cm", "hcc"], years_experience=2,
        salary_min=30.00, salary_max=35.00, salary_period="hour", posted_days_ago=12, apply_url="",
        description="""\
From February through June, Brightmeadow helps provider groups prepare for annual wellness visits. We're hiring
temporary coders in Louisville to review charts before patients come in.

**What you'll do**

- Review the prior year's records and list suspected conditions for the provider to assess at the next visit
- Find chronic conditions that have no face-to-face encounter yet this year
- Flag documentation gaps, such as diabetes coded without the complication the note describes
- Prepare pre-visit summaries in the provider group's EHR
- Join a weekly check-in with the clinic's quality team

**Requirements**

- CRC required
- Two years of risk adjustment coding
- Available 40 hours a week for the whole five-month season

**Working with us**

Hybrid: two days a week at the provider group's office in downtown Louisville, three days at home. Many of our
seasonal coders come back every year, and several have moved into permanent roles.
"""),
    dict(
        employer="brightmeadow", title="Risk Adjustment Quality Lead", zip_code="37203",
        work_mode="onsite", employment_type="full_time", required=["CRC"], preferred=["CPC", "CCS"],
        specialties=["risk-adjustment", "auditing"], code_sets=["icd10cm", "hcc"], years_experience=6,
        salary_min=85000, salary_max=97000, salary_period="year", posted_days_ago=22, apply_url="",
        description="""\
Lead the quality program for Brightmeadow's largest coding operation, based at our Nashville headquarters.

**Responsibilities**

- Manage a team of six auditors and set audit sample sizes for more than a hundred coders
- Analyze accuracy data by coder, client and HCC category, and design training where scores slip
- Represent coding quality in client meetings and data validation projects
- Own our internal coding guidelines and update them for model and guideline changes
- Work with the data science team on our NLP suggestions, making sure coders keep the final say

**Requirements**

- CRC required; CPC or CCS preferred
- Six years of risk adjustment coding, including two years leading people or programs
- Strong spreadsheet skills; SQL or a BI tool is a bonus

**The office**

Our Nashville office has standing desks for everyone, a quiet room for deep chart work, and a team lunch every
Thursday. This role is onsite Monday to Friday so you can stay close to the auditors and the analytics team.
"""),
    # --- Ironwood Bone & Joint ----------------------------------------------------------------------------------
    dict(
        employer="ironwood", title="Orthopedic Surgical Coder", zip_code="97205",
        work_mode="onsite", employment_type="full_time", required=["CPC"], preferred=["COSC"],
        specialties=["orthopedics"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=58000, salary_max=70000, salary_period="year", posted_days_ago=2,
        apply_url="https://ironwood-ortho.example.org/jobs/orthopedic-surgical-coder",
        description="""\
Ironwood Bone & Joint is an independent group of 22 orthopedic surgeons in Portland. We're hiring a surgical
coder to join our in-house team.

**What you'll do**

- Code surgical procedures from operative notes: knee and shoulder arthroscopy, joint replacement, fracture care
  and hand surgery
- Apply modifiers correctly, including RT/LT, the finger and toe modifiers, 51, 58, 78, 79 and 59 or its X
  variants
- Track 90-day global periods and code related and unrelated post-operative visits
- Verify implant and DME charges, and match diagnoses to laterality and the right 7th character (initial,
  subsequent, sequela)
- Answer surgeons' coding questions and explain any changes clearly

**Requirements**

- CPC required; COSC preferred
- Three years of orthopedic surgical coding
- A good understanding of NCCI edits for arthroscopy and multiple procedures

**The team**

Five coders who have worked together for years and enjoy bringing newcomers up to speed. Onsite at our main
clinic in downtown Portland, with a free transit pass and a 401(k) match.
"""),
    dict(
        employer="ironwood", title="Orthopedic Coding Auditor", zip_code="98104",
        work_mode="hybrid", employment_type="full_time", required=["COSC"], preferred=["CPMA"],
        specialties=["orthopedics", "auditing"], code_sets=["cpt", "icd10cm"], years_experience=5,
        salary_min=78000, salary_max=92000, salary_period="year", posted_days_ago=15, apply_url="",
        description="""\
Ironwood's Seattle clinics are growing fast, and our compliance program needs an auditor who knows orthopedics
from the operating room to the cast room.

**What you'll do**

- Audit surgical and clinic coding for 30 surgeons and 20 advanced practice providers on a rotating schedule
- Test modifier use, especially 25, 59 and XS, and billing during global periods
- Review fracture care coding, including closed treatment, ORIF and the ICD-10-CM 7th character
- Report findings to surgeons and the compliance committee, then confirm that corrections and refunds happen
- Help answer payer record requests and prepayment reviews

**Requirements**

- COSC required; CPMA preferred
- Five years of orthopedic coding, including formal audit work
- Confidence explaining findings to surgeons, with references in hand

**Team and schedule**

You'll work with our compliance officer and the coding manager, and meet the surgeons in person at monthly
department meetings. Hybrid: in our downtown Seattle office two days a week, at home the rest.
"""),
    dict(
        employer="ironwood", title="Spine and Pain Procedure Coder", zip_code="97205",
        work_mode="remote", employment_type="full_time", required=["CPC"], preferred=["COSC", "CANPC"],
        specialties=["orthopedics", "pain-management"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=29.00, salary_max=35.00, salary_period="hour", posted_days_ago=19, apply_url="",
        description="""\
Ironwood's spine center brings spine surgeons and physiatrists under one roof. This remote coder will handle
both the spine surgery and the interventional procedures.

**Responsibilities**

- Code spinal fusions, decompressions and instrumentation by level, approach and interspace
- Code bone grafts, interbody devices and navigation as add-on codes where the note supports them
- Code epidural, facet and sacroiliac joint injections and radiofrequency ablation
- Apply HCPCS codes for drugs and supplies with correct units
- Work with prior authorization staff when the procedure performed differs from the one approved

**Requirements**

- CPC required; COSC or CANPC preferred
- Three years of spine or pain coding
- Able to read an operative note and count levels accurately every time

**About the team**

You'll be part of our five-person surgical coding team, working remotely with a 15-minute video check-in each
morning and a shared case library for tricky spine cases. Core hours are 9 a.m. to 3 p.m. Pacific.
"""),
    dict(
        employer="ironwood", title="Orthopedic Clinic Coder – DME and Casting", zip_code="83702",
        work_mode="onsite", employment_type="part_time", required=["CPC"], preferred=["CPB"],
        specialties=["orthopedics", "dme"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=1,
        salary_min=24.00, salary_max=28.00, salary_period="hour", posted_days_ago=25, apply_url="",
        description="""\
Ironwood's Boise clinic needs a part-time coder, about 24 hours a week, for clinic visits, casting and bracing.

**Responsibilities**

- Code new and established patient visits for our orthopedic surgeons and physician assistants
- Code fracture care, casting and splinting, and decide when global fracture care codes apply
- Assign HCPCS L-codes for braces, walking boots and other DME, with the right modifiers such as NU, RT/LT
  and KX
- Keep DME documentation complete: orders, proof of delivery and medical necessity notes
- Code in-office joint injections, including viscosupplementation, with correct drug units

**Requirements**

- CPC required; CPB a plus
- One year of orthopedic or DME coding
- Friendly and patient with clinic staff, who will come to you with questions

**The clinic**

A team of fifteen in a bright new building near downtown Boise. You'll work three weekdays that we choose
together, with paid time off prorated for part-time staff.
"""),
    # --- Prairie Lantern Imaging --------------------------------------------------------------------------------
    dict(
        employer="prairielantern", title="Interventional Radiology Coder", zip_code="68102",
        work_mode="hybrid", employment_type="full_time", required=["CPC"], preferred=["CIRCC"],
        specialties=["radiology"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=4,
        salary_min=66000, salary_max=80000, salary_period="year", posted_days_ago=3, apply_url="",
        description="""\
Prairie Lantern Imaging is a group of 45 radiologists reading for hospitals and imaging centers across the
Plains. We need an interventional radiology coder for our Omaha team.

**Responsibilities**

- Code IR procedures: angiography, embolization, venous access, image-guided biopsies and drainages, and
  dialysis circuit interventions
- Apply component coding for selective catheter placement by vascular family and order
- Separate imaging guidance from procedures that already include it
- Help with diagnostic CT, MRI and ultrasound coding when IR volume is light
- Query radiologists when vessel selection or findings are not documented clearly

**Requirements**

- CPC required; CIRCC preferred
- Four years of radiology coding, including at least two years of IR
- A working knowledge of vascular anatomy (we have a poster of the arterial tree by every desk)

**The team**

Our Omaha office has twelve coders, two of them dedicated to IR, and the radiologists are easy to reach with
questions. Hybrid after 90 days: two days a week in the office.
"""),
    dict(
        employer="prairielantern", title="Diagnostic Radiology Coder", zip_code="68102",
        work_mode="remote", employment_type="full_time", required=["CPC"], preferred=["CCS-P"],
        specialties=["radiology"], code_sets=["cpt", "icd10cm"], years_experience=1,
        salary_min=52000, salary_max=60000, salary_period="year", posted_days_ago=9, apply_url="",
        description="""\
Prairie Lantern reads more than a million studies a year. Our diagnostic coders make sure every report becomes
a clean professional claim.

**What you'll do**

- Code CT, MRI, ultrasound, X-ray, mammography and nuclear medicine reports
- Code from the radiologist's definitive findings, or from the signs and symptoms when a study is normal
- Apply modifier 26 for hospital-based reads and watch contrast, laterality and the number of views
- Tell screening from diagnostic mammography and add the right modifiers when a screening becomes diagnostic
- Keep a high-volume queue moving while holding accuracy above 95%

**Requirements**

- CPC required; CCS-P welcome
- One year of radiology coding, or strong outpatient coding and a wish to specialize
- Comfortable with keyboard shortcuts and an efficient coding workflow

**About the team**

A remote group of twenty diagnostic coders with clear productivity targets, monthly feedback, and a path to our
interventional team for those who want it. We ship the equipment and pay for your CEUs.
"""),
    dict(
        employer="prairielantern", title="Radiology Coding Team Lead", zip_code="66160",
        work_mode="onsite", employment_type="full_time", required=["CPC", "CIRCC"], preferred=["CPMA"],
        specialties=["radiology", "auditing"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=6,
        salary_min=80000, salary_max=94000, salary_period="year", posted_days_ago=17, apply_url="",
        description="""\
Prairie Lantern is opening a coding hub in Kansas City, Kansas, to support new hospital contracts, and we need
a lead to build it.

**Responsibilities**

- Lead eight coders: assign work, train new hires and balance the daily queues
- Code the most complex interventional and cardiovascular cases yourself
- Audit each coder's accuracy quarterly and run education sessions on what you find
- Partner with billing on denials, payer edits and new payer policies
- Report productivity and backlog to the coding director each week

**Requirements**

- CPC and CIRCC required; CPMA preferred
- Six years of radiology coding, including time leading or training others
- Comfortable with reports and pivot tables

**The team**

You'll build the hub from the ground up: helping choose the hires, set the routines and shape the culture.
The role is onsite at the hospital campus, with occasional trips to our Omaha office for planning.
"""),
    dict(
        employer="prairielantern", title="Cardiovascular Imaging Coder (Contract)", zip_code="50309",
        work_mode="onsite", employment_type="contract", required=["CIRCC"], preferred=["CCC"],
        specialties=["radiology", "cardiology"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=33.00, salary_max=38.00, salary_period="hour", posted_days_ago=23, apply_url="",
        description="""\
We need a contract coder for four months to help our Des Moines team through the start of a new hospital
partnership.

**Scope of work**

- Code peripheral arterial interventions (angioplasty, stent, atherectomy) by vascular territory and vessel
- Code diagnostic angiography and venography, including when they are separately reportable with an
  intervention
- Code vascular ultrasound, cardiac CT and cardiac MRI
- Code the HCPCS supplies and contrast agents the hospital bills
- Document recurring documentation issues so our educators can follow up after the contract ends

**Requirements**

- CIRCC required; CCC preferred
- Three years of cardiovascular or interventional coding
- Able to start within three weeks and work onsite full days

**Contract details**

Four months, W-2 through Prairie Lantern, onsite at the hospital's coding office. We provide parking, a desk
next to the IR coding team, and two days of orientation on the hospital's systems.
"""),
    # --- Northquill Remote Coding -------------------------------------------------------------------------------
    dict(
        employer="northquill", title="Remote Inpatient Coder", zip_code="55401",
        work_mode="remote", employment_type="full_time", required=["CCS"], preferred=["CIC"],
        specialties=["inpatient-drg"], code_sets=["icd10cm", "icd10pcs", "drg"], years_experience=3,
        salary_min=70000, salary_max=84000, salary_period="year", posted_days_ago=1,
        apply_url="https://northquill.example.com/apply/remote-inpatient-coder",
        description="""\
Northquill Remote Coding places salaried coders with hospitals across the country. We're hiring an inpatient
coder for a permanent, full-time job with benefits, not a gig.

**What you'll do**

- Code inpatient records for community and academic hospitals with ICD-10-CM and ICD-10-PCS
- Assign MS-DRGs and APR-DRGs and abstract the data elements each hospital requires
- Follow each client's coding policies, query process and escalation paths
- Learn new EHRs and encoders quickly as your client assignments change
- Meet productivity targets and keep accuracy at 95% or better

**Requirements**

- CCS required; CIC preferred
- Three years of inpatient coding in acute care
- Experience with at least one major EHR and encoder

**Working with Northquill**

You'll be assigned to one or two clients at a time, usually for six months or more, so you get to know their
providers and policies. Full benefits from day one, paid time off, a yearly CEU allowance, and a coding
manager who is a phone call away.
"""),
    dict(
        employer="northquill", title="Remote ED Profee and Facility Coder", zip_code="55401",
        work_mode="remote", employment_type="contract", required=["CPC"], preferred=["CEDC"],
        specialties=["emergency", "em"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=2,
        salary_min=28.00, salary_max=34.00, salary_period="hour", posted_days_ago=10, apply_url="",
        description="""\
A Northquill client with four emergency departments needs help with both physician and facility coding for
at least six months.

**What you'll do**

- Code emergency physician services: E/M levels based on medical decision making, critical care time, and
  procedures such as intubation, central lines and fracture reductions
- Assign facility levels using the client's criteria, and code infusions, injections and hydration with the
  correct hierarchy
- Code observation stays and track start and stop times
- Apply modifiers 25, 59 and the X modifiers according to client policy
- Report recurring documentation gaps to the client's ED director through your Northquill lead

**Requirements**

- CPC required; CEDC preferred
- Two years of ED coding, ideally on both the professional and facility sides
- Available 40 hours a week, with some weekend hours during the first month

**Contract details**

W-2 hourly contract through Northquill, fully remote, with overtime paid when the client approves it. Most of
our contractors have been offered extensions or permanent positions.
"""),
    dict(
        employer="northquill", title="Remote Oncology and Infusion Coder", zip_code="55401",
        work_mode="remote", employment_type="full_time", required=["CPC"], preferred=["CCS"],
        specialties=["oncology"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=56000, salary_max=65000, salary_period="year", posted_days_ago=14, apply_url="",
        description="""\
Northquill supports several community cancer centers, and we're hiring a full-time coder who enjoys the
precision that oncology takes.

**Responsibilities**

- Code chemotherapy and immunotherapy administration by hierarchy, sequence and time, including pushes,
  infusions and hydration
- Assign HCPCS J-codes and units for drugs and biosimilars, and check that waste is documented with the JW
  or JZ modifier
- Code radiation oncology treatment planning and management
- Code hematology/oncology visits and the ICD-10-CM neoplasm codes, including history-of and
  current-treatment distinctions
- Check coverage rules and prior authorizations for high-cost drugs

**Requirements**

- CPC required; CCS welcome
- Three years of oncology or infusion coding
- Careful with units, dosages and drug calculations

**About Northquill**

Fully remote, salaried and benefited. You'll join a team of six oncology coders who share a weekly case
review and keep a common library of drug unit conversions.
"""),
    dict(
        employer="northquill", title="Remote Behavioral Health Coder", zip_code="55401",
        work_mode="remote", employment_type="part_time", required=[], preferred=["CPC", "CCA"],
        specialties=["behavioral-health"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=1,
        salary_min=None, salary_max=None, salary_period="hour", posted_days_ago=21, apply_url="",
        description="""\
A Northquill client with outpatient behavioral health clinics in three states needs a part-time coder, about
25 hours a week.

**Responsibilities**

- Code psychotherapy by time, crisis services, psychiatric diagnostic evaluations and medication management
  visits
- Check interactive complexity and add-on codes for psychotherapy with E/M
- Assign ICD-10-CM codes from the mental and behavioral disorders chapter, including substance use disorders
  in remission
- Code HCPCS services for Medicaid plans, such as case management and peer support, with the state's required
  modifiers
- Watch for telehealth place-of-service and modifier rules, which differ by payer

**Requirements**

- One year of behavioral health coding or billing
- A credential such as CPC or CCA preferred
- Comfort with sensitive records and strict confidentiality

**The team**

You'll work remotely with two other behavioral health coders and a lead who knows the Medicaid rules of each
state. Hours are flexible on weekdays; pay depends on experience.
"""),
    # --- Harborlight Surgery Center -----------------------------------------------------------------------------
    dict(
        employer="harborlight", title="ASC Coder – Multi-Specialty Surgery", zip_code="33606",
        work_mode="onsite", employment_type="full_time", required=["COC"], preferred=["CPC"],
        specialties=["outpatient-facility", "general-surgery", "gastroenterology"],
        code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=3,
        salary_min=54000, salary_max=64000, salary_period="year", posted_days_ago=4, apply_url="",
        description="""\
Harborlight Surgery Center is a six-room ambulatory surgery center in Tampa performing GI, orthopedic, ENT,
general surgery and pain cases. We're looking for a facility coder who knows ASC rules.

**What you'll do**

- Code facility claims for surgical cases from operative and procedure notes
- Check codes against the Medicare ASC covered procedures list and apply modifiers 73 and 74 for cancelled or
  discontinued cases
- Code screening colonoscopies that become diagnostic, with modifier PT or 33 as each payer requires
- Code implants and devices, and understand which items are packaged and which are paid separately
- Work with the business office on denials and payer edits

**Requirements**

- COC required; CPC a plus
- Three years of outpatient surgery coding, ideally in an ASC or hospital outpatient department
- Strong knowledge of GI endoscopy and orthopedic procedure coding

**About us**

A physician-owned center with a staff of forty, one coding lead and now two coders. Monday to Friday onsite,
no weekends, and we close early on days the surgery schedule ends early.
"""),
    dict(
        employer="harborlight", title="ASC Billing and Coding Specialist", zip_code="32207",
        work_mode="hybrid", employment_type="full_time", required=["CPB"], preferred=["COC"],
        specialties=["outpatient-facility", "denials"], code_sets=["cpt", "hcpcs"], years_experience=2,
        salary_min=42000, salary_max=50000, salary_period="year", posted_days_ago=12, apply_url="",
        description="""\
Harborlight is opening its second surgery center in Jacksonville this year. We need a billing and coding
specialist to set up the business office alongside our Tampa team.

**Responsibilities**

- Verify insurance and benefits before surgery and obtain prior authorizations
- Code straightforward cases (endoscopy, cataract, injections) and send complex cases to the Tampa coding lead
- Submit claims, work rejections and follow up on unpaid claims by aging
- Appeal denials for medical necessity, bundling and implant payment
- Build the new center's payer contract notes and fee schedule in our billing system

**Requirements**

- CPB required; COC preferred
- Two years of ASC or outpatient facility billing
- Organized, self-directed and comfortable helping build a new office

**Why Harborlight**

You'll be one of the first hires at the new center and shape how its business office runs. Hybrid: onsite
three days a week while the center ramps up, then more flexibility once things are steady.
"""),
    # --- Sonoran Mesa Health ------------------------------------------------------------------------------------
    dict(
        employer="sonoranmesa", title="Inpatient Coder – Surgical and Trauma Cases", zip_code="85004",
        work_mode="onsite", employment_type="full_time", required=["CCS"], preferred=["CIC", "RHIT"],
        specialties=["inpatient-drg", "general-surgery"], code_sets=["icd10cm", "icd10pcs", "drg"],
        years_experience=4,
        salary_min=66000, salary_max=78000, salary_period="year", posted_days_ago=6, apply_url="",
        description="""\
Sonoran Mesa Health's flagship hospital in downtown Phoenix is a regional trauma and transplant center. We need
an inpatient coder for our most complex surgical cases.

**What you'll do**

- Code multiple-trauma admissions, including injury sequencing, external cause codes and ICU stays
- Build ICD-10-PCS codes for complex surgery: exploratory laparotomy, fracture fixation, vascular repair and
  organ transplant
- Assign MS-DRGs and check for surgical hierarchy and principal diagnosis issues that change the DRG
- Code ventilator hours, tracheostomy and ECMO correctly
- Work with the trauma registry and CDI teams on documentation questions

**Requirements**

- CCS required; CIC or RHIT preferred
- Four years of inpatient coding, with trauma or tertiary-care experience
- Strong ICD-10-PCS root operation and body part skills

**The team**

You'll join twenty inpatient coders in our downtown health information office, working a 7-to-3:30 or
8-to-4:30 schedule. We offer a sign-on bonus, paid parking and tuition support for an RHIA.
"""),
    dict(
        employer="sonoranmesa", title="Emergency Department Coder (Per Diem)", zip_code="89109",
        work_mode="onsite", employment_type="per_diem", required=["CPC"], preferred=["CEDC", "COC"],
        specialties=["emergency", "outpatient-facility"], code_sets=["cpt", "hcpcs", "icd10cm"],
        years_experience=2,
        salary_min=28.00, salary_max=33.00, salary_period="hour", posted_days_ago=7, apply_url="",
        description="""\
Sonoran Mesa's Las Vegas hospital runs one of the busiest emergency departments in Nevada, and our coding team
needs per diem help on weekends and holidays.

**What you'll do**

- Code ED facility visits using our hospital's acuity criteria for levels 1 through 5 and critical care
- Code drug administration, including infusion, injection and hydration, by the facility hierarchy
- Code procedures such as laceration repair, incision and drainage, foreign body removal and splinting
- Add ICD-10-CM diagnoses, injury codes and external cause codes
- Clear claim edits and leave good notes for the weekday team

**Requirements**

- CPC required; CEDC or COC preferred
- Two years of ED facility coding
- Able to work at least two weekend shifts a month and one major holiday a year

**About the work**

Per diem shifts are scheduled a month ahead and paid at a premium over our staff rate. You'll work onsite in
the coding office next to the emergency department, with a lead on call for questions.
"""),
    dict(
        employer="sonoranmesa", title="Urology Coder", zip_code="87102",
        work_mode="hybrid", employment_type="full_time", required=["CPC"], preferred=["CCS-P"],
        specialties=["urology"], code_sets=["cpt", "hcpcs", "icd10cm"], years_experience=2,
        salary_min=50000, salary_max=59000, salary_period="year", posted_days_ago=20, apply_url="",
        description="""\
Sonoran Mesa's urology clinic in Albuquerque has six urologists and a busy in-office procedure room. We're
hiring a coder who knows urology from cystoscopy to prostate biopsy.

**Responsibilities**

- Code cystoscopy, ureteroscopy with laser lithotripsy, stent placement and TURP
- Code office procedures: urodynamics, bladder instillations, vasectomy and ultrasound-guided prostate biopsy
- Assign HCPCS codes for drugs such as leuprolide and BCG, with correct units
- Code urology E/M visits and the same-day procedure rules
- Review PSA screening vs. diagnostic testing for correct diagnosis coding and coverage

**Requirements**

- CPC required; CCS-P preferred
- Two years of urology or surgical specialty coding
- Good working relationships with providers and clinic staff

**The team**

You'll report to the clinic's practice manager and work with our central coding team in Phoenix by video.
Hybrid: in the clinic Monday and Wednesday, at home the other three days.
"""),
    dict(
        employer="sonoranmesa", title="Clinical Validation and DRG Denials Specialist", zip_code="85004",
        work_mode="remote", employment_type="full_time", required=["CCS"], preferred=["CDIP", "CCDS"],
        specialties=["denials", "cdi", "inpatient-drg"], code_sets=["icd10cm", "icd10pcs", "drg"],
        years_experience=5,
        salary_min=76000, salary_max=90000, salary_period="year", posted_days_ago=11, apply_url="",
        description="""\
Payers are challenging more of our inpatient claims with clinical validation and DRG downgrade denials.
Sonoran Mesa Health wants an expert to write appeals that win.

**What you'll do**

- Review denied inpatient claims for sepsis, acute respiratory failure, malnutrition, encephalopathy and
  other frequently targeted diagnoses
- Write appeal letters that cite the clinical evidence in the record, the Official Guidelines and Coding
  Clinic
- Track denials by payer, diagnosis and reason, and share the findings with CDI and physician advisors
- Join peer-to-peer calls with physician advisors when asked
- Suggest CDI query and coding process changes that prevent future denials

**Requirements**

- CCS required; CDIP or CCDS preferred
- Five years of inpatient coding, CDI or denials work
- Excellent writing and a talent for reading payer contracts

**The team**

Part of the revenue integrity department: three denial specialists, two physician advisors and a CDI manager.
The job is fully remote within Arizona, Nevada or New Mexico, with one on-site team day each quarter in Phoenix.
"""),
]


def load(now=None):
    """Create the demo employers and their live jobs, and repost demo jobs that have expired.
    Returns (employers, jobs) in the demo data."""
    now = now or timezone.now()
    credentials = {c.code: c for c in Credential.objects.all()}
    specialties = {s.slug: s for s in Specialty.objects.all()}
    with transaction.atomic():
        employers = {}
        for key, data in EMPLOYERS.items():
            user = User.objects.filter(email__iexact=data["email"]).first()
            if user is None:
                user = User.objects.create_user(data["email"], None, email_verified_at=now, full_name=data["contact"])
            elif user.email_verified_at is None:
                user.email_verified_at = now
                user.save(update_fields=["email_verified_at"])
            home = _place(data["zip_code"])
            employer, _ = Employer.objects.update_or_create(user=user, defaults=dict(
                name=data["name"], website=data["website"], city=home.city, state=home.state, about=data["about"]))
            if employer.verified_at is None:
                employer.verified_at = now
                employer.save(update_fields=["verified_at"])
            employers[key] = employer

        for data in JOBS:
            employer = employers[data["employer"]]
            where = _place(data["zip_code"])
            posted_at = now - timedelta(days=data["posted_days_ago"])
            existing = Job.objects.filter(employer=employer, title=data["title"]).first()
            if existing is not None and (existing.is_live(now) or existing.status == Job.Status.CLOSED):
                continue  # a second run (every `make serve`) leaves live and closed jobs as they are
            job, _ = Job.objects.update_or_create(employer=employer, title=data["title"], defaults=dict(
                organisation=employer.name, city=where.city, state=where.state, zip_code=where.zip_code,
                latitude=where.latitude, longitude=where.longitude, work_mode=data["work_mode"],
                employment_type=data["employment_type"], code_sets=list(data["code_sets"]),
                years_experience=data["years_experience"], salary_min=_money(data["salary_min"]),
                salary_max=_money(data["salary_max"]), salary_period=data["salary_period"],
                description=data["description"].strip(), apply_url=data["apply_url"], status=Job.Status.LIVE,
                posted_at=posted_at, expires_at=posted_at + timedelta(days=settings.MEDCODE_JOB_DAYS),
                review_note=""))
            job.required_credentials.set([_lookup(credentials, code, "credential") for code in data["required"]])
            job.preferred_credentials.set([_lookup(credentials, code, "credential") for code in data["preferred"]])
            job.specialties.set([_lookup(specialties, slug, "specialty") for slug in data["specialties"]])
    return len(employers), len(JOBS)


def _place(zip_code):
    where = geo.place(zip_code)
    if where is None:
        raise ValueError(f"demo data: unknown ZIP code {zip_code}")
    return where


def _money(value):
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _lookup(table, key, kind):
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"demo data: no {kind} {key!r} (see careers migration 0002)") from None
