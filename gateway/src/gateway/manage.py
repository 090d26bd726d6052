"""Command line: `python -m gateway.manage migrate | create-consortium | create-user | invite-user | set-roles |
set-password | deactivate-user | set-organisation | reset-two-factor | load-demo`. Each change is in the audit trail as
done by `cli:<os user>`."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid

from hubkit.config import ConfigError

from . import accounts
from .administration import FormProblems
from .adapters.database import Database
from .config import read_database_url
from .domain.audit import cli_actor
from .domain.passwords import WeakPassword
from .domain.roles import ROLE_NAMES
from .domain.users import UserRuleBroken
from .migrations import migrate


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.manage", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations (alembic upgrade head)")
    consortium = commands.add_parser("create-consortium", help="register a consortium")
    consortium.add_argument("--name", required=True)
    consortium.add_argument("--slug", required=True)
    user = commands.add_parser("create-user", help="add a user; the password is read from stdin or a prompt")
    user.add_argument("username")
    user.add_argument("--consortium", required=True, help="the consortium's slug or id")
    user.add_argument("--role", action="append", required=True, choices=sorted(ROLE_NAMES), dest="roles")
    user.add_argument("--display-name", default="")
    user.add_argument("--email", default="")
    user.add_argument("--organisation-id", type=uuid.UUID)
    user.add_argument("--organisation-pending", action="store_true",
                      help="a member_user whose organisation is not registered yet")
    user.add_argument("--password-stdin", action="store_true")
    invite = commands.add_parser(
        "invite-user", help="invite a person by email, as the People page does: their account with no password, and "
                            "the one-time link to choose it emailed to them (GATEWAY_SMTP_*, GATEWAY_BASE_URL)")
    invite.add_argument("email")
    invite.add_argument("--consortium", required=True, help="the consortium's slug or id")
    invite.add_argument("--role", action="append", required=True, choices=sorted(ROLE_NAMES), dest="roles")
    invite.add_argument("--organisation-id", type=uuid.UUID,
                        help="a member_user's organisation (left out: linked later, from their page)")
    invite.add_argument("--username", help="default: the email address's part before the @, lower-cased")
    invite.add_argument("--display-name", help="their name, as the email greets them (default: the username)")
    new_roles = commands.add_parser("set-roles", help="replace a user's roles (ending their API tokens)")
    new_roles.add_argument("username")
    new_roles.add_argument("--role", action="append", required=True, choices=sorted(ROLE_NAMES), dest="roles")
    new_password = commands.add_parser(
        "set-password", help="replace a user's password (read from stdin or a prompt) and end their sessions and "
                             "API tokens")
    new_password.add_argument("username")
    new_password.add_argument("--password-stdin", action="store_true")
    deactivate = commands.add_parser(
        "deactivate-user", help="stop a user signing in and end their sessions, API tokens and API keys")
    deactivate.add_argument("username")
    link = commands.add_parser("set-organisation", help="link a member_user to their organisation")
    link.add_argument("username")
    link.add_argument("organisation_id", type=uuid.UUID)
    reset_two_factor = commands.add_parser(
        "reset-two-factor", help="turn a user's two-factor sign-in off (a lost phone and lost recovery codes)")
    reset_two_factor.add_argument("username")
    commands.add_parser("load-demo", help="create the demo consortium and users (demo only)")
    return parser


def _consortium_id(session, ref: str) -> uuid.UUID:
    from .adapters.repository import UserRepository

    repo = UserRepository(session)
    try:
        found = repo.consortium(uuid.UUID(ref))
    except ValueError:
        found = repo.consortium_by_slug(ref)
    if found is None:
        raise UserRuleBroken([f"No consortium {ref}"])
    return found.id


def _os_user() -> str:
    """Who ran the command, for the audit trail (the uid when the account has no name, as in some containers)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid-{os.getuid()}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        url = read_database_url()
        if args.command == "migrate":
            migrate(url)
            print("gateway database is up to date")
            return 0
        db = Database(url)
        actor = cli_actor(_os_user())
        if args.command == "invite-user":
            return _invite(db, args, actor)
        with db.session() as session:
            if args.command == "create-consortium":
                made = accounts.create_consortium(session, args.name, args.slug, actor=actor)
                print(f"created consortium {made.slug} {made.id}")
            elif args.command == "create-user":
                password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
                made = accounts.create_user(
                    session, username=args.username, password=password,
                    consortium_id=_consortium_id(session, args.consortium), roles=set(args.roles),
                    display_name=args.display_name, email=args.email, organisation_id=args.organisation_id,
                    organisation_pending=args.organisation_pending, actor=actor)
                print(f"created user {made.username} {made.id}")
            elif args.command == "set-roles":
                changed = accounts.set_roles(session, args.username, set(args.roles), actor=actor)
                print(f"{changed.username} now has the roles {', '.join(sorted(changed.roles))}")
            elif args.command == "set-password":
                password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
                accounts.set_password(session, args.username, password, actor=actor)
                print(f"{args.username} has a new password; their browser sessions and API tokens are ended")
            elif args.command == "deactivate-user":
                accounts.deactivate_user(session, args.username, actor=actor)
                print(f"{args.username} is deactivated; their browser sessions, API tokens and API keys are ended")
            elif args.command == "set-organisation":
                accounts.set_organisation(session, args.username, args.organisation_id, actor=actor)
                print(f"{args.username} now belongs to organisation {args.organisation_id}")
            elif args.command == "reset-two-factor":
                from . import two_factor

                was_on = two_factor.reset(session, args.username, actor=actor)
                print(f"{args.username} signs in with a password alone now" if was_on else
                      f"{args.username} had no two-factor on")
            elif args.command == "load-demo":
                from .demo import DEMO_PASSWORD, load_demo_users

                for username, role in load_demo_users(session):
                    print(f"{username:10} {role:20} password: {DEMO_PASSWORD} (demo only)")
        db.dispose()
        return 0
    except (ConfigError, UserRuleBroken, WeakPassword, FormProblems) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


INVITER = "The hub's administrator"  # how an invitation from the command line names who sent it


def _invite(db: Database, args, actor: str) -> int:
    """Make the account and its invitation (committed), then send the email as the People page does: exit 0 once
    sent (or kept in the development outbox), 1 when the mail server refused it or mail is off (the account stays:
    a new invitation can be sent from their page)."""
    from . import administration, mail
    from .domain.administration import Administrator
    from .domain.roles import MEMBER_USER

    settings = _mail_settings()
    email = args.email.strip()
    username = args.username or email.split("@")[0].lower()
    with db.session() as session:
        invited = administration.invite(
            session, Administrator.host_command(actor), settings,
            consortium_id=_consortium_id(session, args.consortium), username=username,
            display_name=args.display_name or username, email=email, roles=frozenset(args.roles),
            organisation_id=args.organisation_id if MEMBER_USER in args.roles else None, inviter_name=INVITER)
    print(f"invited {invited.account.username} {invited.account.id} ({email})")
    try:
        with db.session() as mail_session:
            mail.send(mail_session, invited.message, settings)
    except mail.MailNotSent as not_sent:
        print(f"error: {not_sent.reason} The account is made: send a new invitation from their page (People).",
              file=sys.stderr)
        db.dispose()
        return 1
    print("the invitation is in the Outbox (GATEWAY_MAIL_OUTBOX)" if settings.kept_in_outbox else
          f"the invitation is sent to {email}")
    db.dispose()
    return 0


def _mail_settings():
    """The mail settings as the gateway reads them (GATEWAY_SMTP_*, GATEWAY_MAIL_OUTBOX, GATEWAY_BASE_URL)."""
    from hubkit.config import DEFAULT_PORTS, EnvReader, parse_positive_int

    from .mail import read_mail_settings

    reader = EnvReader(os.environ)
    settings = read_mail_settings(reader, reader.get("GATEWAY_PORT", DEFAULT_PORTS["gateway"], parse_positive_int))
    if reader.problems:
        raise ConfigError(reader.problems)
    return settings


if __name__ == "__main__":
    sys.exit(main())
