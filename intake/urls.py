from __future__ import annotations

from django.urls import path

from .views import bank, counseling, portal, wizard
from .wizard.steps import STEP_SLUGS

app_name = "intake"

APP = "applications/<uuid:public_id>/"

urlpatterns = [
    path("apply/", wizard.start, name="start"),
    path("talk-to-a-counselor/", counseling.counseling_request, name="counseling-request"),
    path(APP, portal.application_detail, name="application"),
    *(
        path(f"{APP}{slug}/", wizard.step, {"step": slug}, name=f"step-{slug}")
        for slug in STEP_SLUGS
    ),
    path(f"{APP}bank/link/", bank.bank_link, name="bank-link"),
    path("bank/oauth-return/", bank.bank_oauth_return, name="bank-oauth-return"),
    path(f"{APP}submit/", wizard.submit, name="submit"),
    path(f"{APP}documents/remove/", wizard.document_remove_view, name="document-remove"),
    path(f"{APP}consents/withdraw/", portal.consent_withdraw_view, name="consent-withdraw"),
    path(f"{APP}offer/", portal.offer, name="offer"),
    path(f"{APP}offer/accept/", portal.offer_accept, name="offer-accept"),
    path(f"{APP}offer/decline/", portal.offer_decline, name="offer-decline"),
    path(f"{APP}signed-plan.pdf", portal.signed_plan_download, name="signed-plan"),
    path(f"{APP}messages/", portal.message_thread, name="messages"),
]
