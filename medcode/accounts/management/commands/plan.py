from datetime import date

from django.core.management.base import BaseCommand, CommandError

from medcode.accounts import plans
from medcode.accounts.models import Subscription, User


class Command(BaseCommand):
    help = "Show or set an account's plan: plan set EMAIL subscriber --until 2027-01-31 | plan set EMAIL free | plan show EMAIL"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        setter = sub.add_parser("set", help="grant or end a subscription")
        setter.add_argument("email")
        setter.add_argument("plan", choices=[Subscription.Plan.SUBSCRIBER, Subscription.Plan.FREE])
        setter.add_argument("--until", type=date.fromisoformat, help="last paid day, YYYY-MM-DD")
        setter.add_argument("--interval", choices=[c for c, _ in Subscription.Interval.choices])
        setter.add_argument("--note", default="", help="staff note kept on the subscription")
        shower = sub.add_parser("show", help="print an account's plan")
        shower.add_argument("email")

    def handle(self, *args, action, email, **options):
        if action == "set":
            try:
                subscription = plans.set_plan(email, options["plan"], until=options["until"],
                                              interval=options["interval"], note=options["note"])
            except plans.PlanError as problem:
                raise CommandError(str(problem))
            user = subscription.user
        else:
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                raise CommandError(f"no account with email {email!r}")
        self.stdout.write(self._describe(user))

    @staticmethod
    def _describe(user):
        subscription = user.active_subscription()
        verified = "verified" if user.is_verified else "email not verified"
        if subscription:
            return f"{user.email}: subscriber ({subscription.interval}) until {subscription.until}, {verified}"
        return f"{user.email}: free, {verified}"
