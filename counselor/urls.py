from __future__ import annotations

from django.urls import path

from counselor.views import audit, case, casework, proposals, terms

app_name = "counselor"

urlpatterns = [
    path("", case.queue, name="queue"),
    path("search/", case.queue_search, name="queue-search"),
    path("supervisor/", case.supervisor_dashboard_view, name="supervisor"),
    path("cases/<uuid:public_id>/", case.case_detail, name="case"),
    path("cases/<uuid:public_id>/assign/", case.case_assign_view, name="case-assign"),
    path("cases/<uuid:public_id>/notes/", case.case_note, name="case-note"),
    path("cases/<uuid:public_id>/offer/", case.case_offer_send_view, name="case-offer"),
    path("cases/<uuid:public_id>/plan/", case.case_plan_start, name="case-plan-start"),
    path("cases/<uuid:public_id>/ssn/", case.case_ssn_reveal, name="case-ssn"),
    # Casework (docs/counselor.md, "Case review"): status, tasks, messages, re-run.
    path("cases/<uuid:public_id>/status/", casework.case_status, name="case-status"),
    path("cases/<uuid:public_id>/tasks/", casework.case_task, name="case-task"),
    path(
        "cases/<uuid:public_id>/tasks/<uuid:task_id>/done/",
        casework.case_task_done,
        name="case-task-done",
    ),
    path("cases/<uuid:public_id>/messages/", casework.case_message, name="case-message"),
    path(
        "cases/<uuid:public_id>/verification/rerun/",
        casework.case_verification_rerun_view,
        name="case-verification-rerun",
    ),
    path(
        "cases/<uuid:public_id>/documents/<uuid:document_id>/",
        case.case_document_download,
        name="case-document",
    ),
    path(
        "applications/<uuid:public_id>/audit/",
        audit.application_audit_history,
        name="application-audit",
    ),
    path("cases/<uuid:public_id>/builder/", proposals.builder, name="builder"),
    path("cases/<uuid:public_id>/builder/save/", proposals.builder_save, name="builder-save"),
    path("cases/<uuid:public_id>/action-plan/", proposals.action_plan, name="action-plan"),
    path(
        "cases/<uuid:public_id>/action-plan.pdf",
        proposals.action_plan_pdf_download,
        name="action-plan-pdf",
    ),
    path("creditor-terms/", terms.creditor_terms_list, name="creditor-terms"),
    path("creditor-terms/new/", terms.creditor_terms_new, name="creditor-terms-new"),
    path(
        "creditor-terms/<uuid:public_id>/edit/",
        terms.creditor_terms_edit,
        name="creditor-terms-edit",
    ),
    path("fee-schedule/", terms.fee_schedule_edit, name="fee-schedule"),
]
