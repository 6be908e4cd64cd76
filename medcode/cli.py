"""The `medcode` command: Django management commands under coder-friendly names.

    medcode load-data            load every bundled code set and reference file
    medcode import KIND FILE     import one file (cpt, hcpcs, icd10cm, icd10pcs, addon)
    medcode update-data [NAME]   download and import newer CMS reference files (--list, --dry-run)
    medcode search WORDS|CODE    search like Case2Code (--system, --billable, --limit)
    medcode build-search-index   rebuild the search index (load-data does it after loading)
    medcode show CODE            print a code's page as text
    medcode serve [ADDR:PORT]    run the site (default 127.0.0.1:8000) and a worker beside it
    medcode plan set EMAIL subscriber [--until YYYY-MM-DD] [--interval monthly|yearly]
    medcode plan set EMAIL free  end a subscription now
    medcode plan show EMAIL
    medcode prune                delete past metering records (daily, from cron)
    medcode worker               run queued background work: CaseConsultant mail, the overdue digest
    medcode consult smtpd [HOST:PORT]       receive cases by email (SMTP, default 127.0.0.1:8025)
    medcode consult fetch-imap [--every S]  read cases from an IMAP mailbox
    medcode consult add-consultant EMAIL    let an account work the CaseConsultant queue
    medcode consult dead-letters | retry [ID ...]
    medcode demo-jobs            fill CareerCenter with demo employers and jobs (make serve does)
    medcode claims check FILE…   scrub X12 837P or CSV claim files (--format text|json|csv, -o FILE)

Any other Django command works too (medcode migrate, medcode createsuperuser).
"""

import os
import sys

ALIASES = {"load-data": "load_data", "import": "import_file", "show": "show_code", "serve": "serve", "prune": "prune_meter",
           "update-data": "update_data", "search": "search_codes", "build-search-index": "build_search_index", "demo-jobs": "demo_jobs"}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__.strip())
        return 0
    from django.core.management import execute_from_command_line  # once DJANGO_SETTINGS_MODULE is set

    command = ALIASES.get(argv[0], argv[0])
    execute_from_command_line(["medcode", command, *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
