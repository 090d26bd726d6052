"""Income, management fee, payments, budgets and variations (F1), attendance claims (G11)."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.session import roles_required
from ..domain.roles import MEMBER_USER, SEES_MONEY

bp = Blueprint("money_ui", __name__, url_prefix="/money", template_folder="templates")


@bp.route("")
@roles_required(SEES_MONEY | frozenset({MEMBER_USER}))
def index():
    return render_template("money_ui/index.html", title="Money")
