"""Fair allocation of work among members (C1-C7): HTTP resources.

The consortium manager runs rounds; board members and the finance officer read them and the report. A member
organisation's staff see only the rounds their organisation is invited to, and only its own declaration and
expression of interest (others answer 404). A panel member with a login scores only their own sheet; the manager
may enter any panel member's sheet (e.g. from a paper copy).
"""
from __future__ import annotations

from contextlib import contextmanager

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from hubkit.auth import STAFF, allow, current_principal
from hubkit.unit_of_work import UnitOfWork
from hubkit.paging import paged
from hubkit.web import get_or_404, request_uow

from ..adapters.allocation_tables import AllocationRound
from ..service_layer import allocation as cases
from . import allocation_schemas as s

MANAGES = ("consortium_manager",)
READS = ("consortium_manager", "board_member", "finance_officer")
MEMBER = ("member_user",)
SCORES = ("consortium_manager", "board_member", "member_user")  # panel members with a login, and the manager

blp = Blueprint("allocation_rounds", __name__, url_prefix="/allocation-rounds",
                description="Allocation rounds (C1-C7): route, invitations, declarations, panel, criteria, "
                            "expressions of interest, scores, moderation, award and report")
mine_blp = Blueprint("allocation_mine", __name__, url_prefix="/allocation",
                     description="A member's invitations, a panel member's scoring sheets, the capability copy")


@contextmanager
def _refusals():
    """Things the caller cannot see, found by the use case, as 404 (input the rules refuse, `InvalidField`, is
    answered 422 app-wide)."""
    try:
        yield
    except cases.NotFound as exc:
        abort(404, message=f"No such {exc.what}.")


def _round(uow, round_id) -> AllocationRound:
    return get_or_404(uow.session, AllocationRound, round_id, "allocation round")


def _is_member_user() -> bool:
    return current_principal().is_member_user_only


def _own_organisation():
    organisation_id = current_principal().organisation_id
    if organisation_id is None:
        abort(403, message="Your login is not linked to a member organisation.")
    return organisation_id


def _consortium_uow() -> UnitOfWork:
    """A unit of work over the whole consortium, for a panel member (of any role) scoring every EOI; used only
    after checking that the caller sits on that panel."""
    return request_uow(whole_consortium=True)


def _detail(uow, round_):
    return cases.round_view(uow.session, round_)


@blp.route("")
class Rounds(MethodView):
    @allow(*READS)
    @blp.arguments(s.RoundQuery, location="query")
    @paged(blp, s.RoundOut)
    def get(self, query, page):
        """Allocation rounds, newest first; `status` filters."""
        with request_uow() as uow:
            return page.select(uow.session, cases.rounds_query(query["status"]), cases.ROUND_ORDER)

    @allow(*MANAGES)
    @blp.arguments(s.RoundIn)
    @blp.response(201, s.RoundDetailOut)
    @blp.alt_response(404, description="No such contract or lot")
    def post(self, details):
        """Open a round for a head contract or a lot: the active, eligible members whose register entry matches
        its service categories and areas are invited (contracts.allocation_round.opened)."""
        with request_uow() as uow, _refusals():
            round_ = cases.open_round(uow, details)
            return _detail(uow, round_)


@blp.route("/<round_id>")
class RoundById(MethodView):
    @allow(*READS)
    @blp.response(200, s.RoundDetailOut)
    def get(self, round_id):
        """A round with everything about it (member staff see theirs at /allocation/invitations/<round_id>)."""
        with request_uow() as uow:
            return _detail(uow, _round(uow, round_id))

    @allow(*MANAGES)
    @blp.arguments(s.RoundChanges)
    @blp.response(200, s.RoundDetailOut)
    def patch(self, changes, round_id):
        """Change the timetable or the specification (the specification is fixed once EOIs open, C4)."""
        with request_uow() as uow, _refusals():
            round_ = cases.update_round(uow, _round(uow, round_id), changes)
            return _detail(uow, round_)


@blp.route("/<round_id>/declarations")
class Declarations(MethodView):
    @allow(*MANAGES, *MEMBER)
    @blp.arguments(s.DeclarationIn)
    @blp.response(201, s.DeclarationOut)
    @blp.alt_response(200, schema=s.DeclarationOut, description="Already declared: the declaration made")
    @blp.alt_response(409, description="C2: declarations closed with the panel's confirmation; C7")
    def post(self, body, round_id):
        """C2: declare an interest in bidding (member staff: for their own organisation; the manager records one
        for a named organisation). Everyone from a declaring organisation is kept off the panel."""
        with request_uow() as uow:
            round_ = _round(uow, round_id)
            if _is_member_user():
                if not cases.is_invited(uow.session, round_):
                    abort(404, message="No such allocation round.")
                organisation_id = _own_organisation()
            else:
                organisation_id = body["organisation_id"]
                if organisation_id is None:
                    abort(422, message="Some fields are missing or invalid: organisation_id",
                          errors={"organisation_id": ["Name the organisation declaring the interest."]})
            declaration, new = cases.declare_interest(uow, round_, organisation_id, body["detail"])
            return declaration, 201 if new else 200


@blp.route("/<round_id>/panel")
class Panel(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.PanelMemberIn)
    @blp.response(201, s.PanelMemberOut)
    @blp.alt_response(409, description="C2: from a declaring organisation; C3: confirmed, or a second lead member")
    def post(self, person, round_id):
        """Propose a person for the panel: the lead member who will manage the work, members, hub staff, or an
        outside expert (C3). Anyone from a declaring organisation is refused (C2)."""
        with request_uow() as uow, _refusals():
            return cases.add_panel_member(uow, _round(uow, round_id), person)


@blp.route("/<round_id>/panel/<member_id>")
class PanelMemberById(MethodView):
    @allow(*MANAGES)
    @blp.response(204)
    def delete(self, round_id, member_id):
        """Take a person off the proposed panel (before it is confirmed)."""
        with request_uow() as uow, _refusals():
            round_ = _round(uow, round_id)
            cases.remove_panel_member(uow, round_, cases.panel_member_for(uow.session, round_, member_id))


@blp.route("/<round_id>/servicing")
class Servicing(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.ServicingIn)
    @blp.response(200, s.RoundDetailOut)
    @blp.alt_response(409, description="C7: from a bidding organisation, or a nominee without the reason")
    def put(self, servicing, round_id):
        """C7: the Management Board member (not bidding) who services the process, or a nominated Partners Group
        member when every board member bids."""
        with request_uow() as uow:
            round_ = cases.set_servicing(uow, _round(uow, round_id), servicing)
            return _detail(uow, round_)


@blp.route("/<round_id>/panel/confirmation")
class PanelConfirmation(MethodView):
    @allow(*MANAGES)
    @blp.response(200, s.RoundDetailOut)
    @blp.alt_response(409, description="The panel breaks C2 or C3, or its servicing C7")
    def post(self, round_id):
        """Confirm the panel (C2, C3, C7 checked); declarations close."""
        with request_uow() as uow:
            round_ = cases.confirm_panel(uow, _round(uow, round_id))
            return _detail(uow, round_)


@blp.route("/<round_id>/criteria")
class Criteria(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.CriteriaIn)
    @blp.response(200, s.RoundDetailOut)
    @blp.alt_response(409, description="C4: expressions of interest have opened; the criteria are fixed")
    def put(self, body, round_id):
        """C4: agree the criteria and weights (adding up to 100), the scale and the tie-break rule, before
        expressions of interest open."""
        with request_uow() as uow, _refusals():
            round_ = cases.set_criteria(uow, _round(uow, round_id), body["criteria"], body["scale_max"],
                                        body["tie_break"])
            return _detail(uow, round_)


@blp.route("/<round_id>/chosen-provider")
class ChosenProvider(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.ChosenProviderIn)
    @blp.response(200, s.RoundDetailOut)
    @blp.alt_response(409, description="C1: too late, already asked, or not an active eligible member")
    def post(self, body, round_id):
        """C1: ask the Partners Group, through governance, to use the chosen-provider route
        (contracts.decision.requested, kind chosen_provider)."""
        with request_uow() as uow:
            round_ = cases.request_chosen_provider(uow, _round(uow, round_id), body["organisation_id"],
                                                   body["reason"])
            return _detail(uow, round_)


@blp.route("/<round_id>/chosen-provider/assessment")
class ChosenProviderAssessment(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.AssessmentIn)
    @blp.response(200, s.RoundDetailOut)
    def post(self, body, round_id):
        """Assess the approved chosen provider against the specification: it meets it (the work is awarded) or
        not (C6: the round reverts to open competition)."""
        with request_uow() as uow:
            round_ = cases.assess_chosen_provider(uow, _round(uow, round_id), body["meets_specification"],
                                                  body["note"])
            return _detail(uow, round_)


@blp.route("/<round_id>/eois/opening")
class EoisOpening(MethodView):
    @allow(*MANAGES)
    @blp.response(200, s.RoundDetailOut)
    def post(self, round_id):
        """Open the round for expressions of interest: needs a confirmed panel and agreed criteria, which are
        then fixed (C4); not while a chosen-provider request is unanswered or approved (C1)."""
        with request_uow() as uow:
            round_ = cases.open_eois(uow, _round(uow, round_id))
            return _detail(uow, round_)


@blp.route("/<round_id>/eois/closing")
class EoisClosing(MethodView):
    @allow(*MANAGES)
    @blp.response(200, s.RoundDetailOut)
    def post(self, round_id):
        """Close the round to expressions of interest; the panel scores them."""
        with request_uow() as uow:
            round_ = cases.close_eois(uow, _round(uow, round_id))
            return _detail(uow, round_)


@blp.route("/<round_id>/eois")
class Eois(MethodView):
    @allow(*MEMBER)
    @blp.arguments(s.EoiIn)
    @blp.response(201, s.EoiOut)
    @blp.alt_response(200, schema=s.EoiOut, description="The same expression of interest sent again")
    @blp.alt_response(409, description="Not an invited, active, eligible member that declared; or a second EOI")
    def post(self, body, round_id):
        """Express the organisation's interest in the work (member staff, for their own organisation)."""
        with request_uow() as uow:
            round_ = _round(uow, round_id)
            eoi, new = cases.submit_eoi(uow, round_, _own_organisation(), body["statement"],
                                        body["proposed_value_pence"])
            return eoi, 201 if new else 200


@blp.route("/<round_id>/eois/<eoi_id>/shortlist")
class Shortlist(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.ShortlistIn)
    @blp.response(200, s.RoundDetailOut)
    @blp.alt_response(409, description="C4: only once EOIs are closed, before the award")
    def put(self, body, round_id, eoi_id):
        """C4: put an expression of interest on the shortlist, or leave it off with the reason (every EOI is on
        it until then); only the shortlist is scored and awarded."""
        with request_uow() as uow, _refusals():
            round_ = _round(uow, round_id)
            cases.shortlist(uow, round_, cases.parse_id(eoi_id, "expression of interest"), body["shortlisted"],
                            body["reason"])
            return _detail(uow, round_)


@blp.route("/<round_id>/panel/<member_id>/scores")
class Sheet(MethodView):
    @allow(*SCORES)
    @blp.response(200, s.SheetOut)
    def get(self, round_id, member_id):
        """A panel member's scoring sheet: every EOI against every criterion (the panel member's own; the manager
        any)."""
        with _consortium_uow() as uow, _refusals():
            round_, member = self._sheet_owner(uow, round_id, member_id)
            return cases.score_sheet(uow.session, round_, member)

    @allow(*SCORES)
    @blp.arguments(s.ScoresIn)
    @blp.response(200, s.SheetOut)
    @blp.alt_response(422, description="A score outside the round's scale, or not an agreed criterion (C4)")
    def put(self, body, round_id, member_id):
        """Record scores on the sheet; a score given again replaces the earlier one."""
        with _consortium_uow() as uow, _refusals():
            round_, member = self._sheet_owner(uow, round_id, member_id)
            cases.record_scores(uow, round_, member, body["scores"])
            return cases.score_sheet(uow.session, round_, member)

    @staticmethod
    def _sheet_owner(uow, round_id, member_id):
        round_ = _round(uow, round_id)
        member = cases.panel_member_for(uow.session, round_, member_id)
        principal = current_principal()
        if not principal.has_any(MANAGES) and member.user_id != principal.user_id:
            abort(404, message="No such panel member.")  # another panel member's sheet is not yours to see
        return round_, member


@blp.route("/<round_id>/moderation")
class Moderation(MethodView):
    @allow(*MANAGES)
    @blp.arguments(s.ModerationIn)
    @blp.response(200, s.RoundDetailOut)
    def put(self, body, round_id):
        """Record the panel's moderated score for one EOI on one criterion, with the reason."""
        with request_uow() as uow, _refusals():
            round_ = _round(uow, round_id)
            cases.moderate(uow, round_, body["eoi_id"], body["criterion_id"], body["score"], body["reason"])
            return _detail(uow, round_)


@blp.route("/<round_id>/award")
class Award(MethodView):
    @allow(*MANAGES)
    @blp.response(200, s.RoundDetailOut)
    @blp.alt_response(409, description="Scores missing, no EOIs, not closed, or already decided")
    def post(self, round_id):
        """Award the work by weighted score, ties broken by the recorded rule (contracts.allocation_round.decided)."""
        with request_uow() as uow:
            round_ = cases.award(uow, _round(uow, round_id))
            return _detail(uow, round_)


@blp.route("/<round_id>/report")
class Report(MethodView):
    @allow(*READS)
    @blp.response(200, s.AllocationReportOut)
    def get(self, round_id):
        """C4: the report for the Management Board and the Partners Group: timetable, invitations, declarations,
        exclusions, panel, scores, decision and the papers."""
        with request_uow() as uow:
            return cases.report(uow.session, _round(uow, round_id))


@mine_blp.route("/invitations")
class MyInvitations(MethodView):
    @allow(*MEMBER)
    @paged(mine_blp, s.MyInvitationOut)
    def get(self, page):
        """Member staff: the rounds their organisation is invited to, newest first, with its declaration and EOI."""
        with request_uow() as uow:
            return [cases.invitation_view(uow.session, invitation) for invitation in page.select(
                uow.session, cases.invitations_query(), cases.INVITATION_ORDER)]


@mine_blp.route("/invitations/<round_id>")
class MyInvitation(MethodView):
    @allow(*MEMBER)
    @mine_blp.response(200, s.MemberRoundDetailOut)
    def get(self, round_id):
        """Member staff: a round their organisation is invited to, with its declaration and EOI (others: 404)."""
        with request_uow() as uow:
            round_ = _round(uow, round_id)
            if not cases.is_invited(uow.session, round_):
                abort(404, message="No such allocation round.")
            return cases.member_round_view(uow.session, round_, _own_organisation())


@mine_blp.route("/panels")
class MyPanels(MethodView):
    @allow(*SCORES)
    @paged(mine_blp, s.MyPanelOut)
    def get(self, page):
        """The rounds the caller sits on the panel of (their scoring sheets), newest first."""
        with _consortium_uow() as uow:
            return [{"panel_member": member, "round": round_} for member, round_ in page.select(
                uow.session, cases.panels_query(current_principal().user_id), cases.PANEL_ORDER)]


@mine_blp.route("/capabilities")
class Capabilities(MethodView):
    @allow(*STAFF)
    @paged(mine_blp, s.CapabilityOut)
    def get(self, page):
        """What each member can deliver and where, as contracts knows it from membership's register (M2), latest
        changed first."""
        with request_uow() as uow:
            return page.select(uow.session, cases.capabilities_query(), cases.CAPABILITY_ORDER)


# The blueprints this area adds to the service (see app.py).
BLUEPRINTS: list = [blp, mine_blp]
