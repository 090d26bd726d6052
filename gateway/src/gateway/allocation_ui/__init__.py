"""Fair allocation of work among members (C1-C7): pages over contracts' API."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.session import roles_required
from ..domain.roles import MEMBER_USER, SEES_CONTRACTS

bp = Blueprint("allocation_ui", __name__, url_prefix="/allocation", template_folder="templates")


@bp.route("")
@roles_required(SEES_CONTRACTS)
def index():
    return render_template("allocation_ui/index.html", title="Allocating work")


@bp.route("/mine")
@roles_required(frozenset({MEMBER_USER}))
def my_invitations():
    return render_template("allocation_ui/index.html", title="My invitations")
