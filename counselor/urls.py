from __future__ import annotations

from django.urls import path

from . import agency_views, audit_views, case_views, case_work_views, views

app_name = "counselor"

urlpatterns = [
    path("", case_views.queue, name="queue"),
    path("search/", case_views.queue_search, name="queue-search"),
    path("supervisor/", case_views.supervisor_dashboard_view, name="supervisor"),
    path("cases/<uuid:public_id>/", case_views.case_detail, name="case"),
    path("cases/<uuid:public_id>/assign/", case_views.case_assign_view, name="case-assign"),
    path("cases/<uuid:public_id>/notes/", case_views.case_note, name="case-note"),
    path("cases/<uuid:public_id>/offer/", case_views.case_offer_send_view, name="case-offer"),
    path("cases/<uuid:public_id>/plan/", case_views.case_plan_start, name="case-plan-start"),
    path("cases/<uuid:public_id>/ssn/", case_views.case_ssn_reveal, name="case-ssn"),
    # Casework (docs/counselor.md, "Case review"): status, tasks, messages, re-run.
    path("cases/<uuid:public_id>/status/", case_work_views.case_status, name="case-status"),
    path("cases/<uuid:public_id>/tasks/", case_work_views.case_task, name="case-task"),
    path(
        "cases/<uuid:public_id>/tasks/<uuid:task_id>/done/",
        case_work_views.case_task_done,
        name="case-task-done",
    ),
    path("cases/<uuid:public_id>/messages/", case_work_views.case_message, name="case-message"),
    path(
        "cases/<uuid:public_id>/verification/rerun/",
        case_work_views.case_verification_rerun_view,
        name="case-verification-rerun",
    ),
    path(
        "cases/<uuid:public_id>/documents/<uuid:document_id>/",
        case_views.case_document_download,
        name="case-document",
    ),
    path(
        "applications/<uuid:public_id>/audit/",
        audit_views.application_audit_history,
        name="application-audit",
    ),
    path("cases/<uuid:public_id>/builder/", views.builder, name="builder"),
    path("cases/<uuid:public_id>/builder/save/", views.builder_save, name="builder-save"),
    path("cases/<uuid:public_id>/action-plan/", views.action_plan, name="action-plan"),
    path(
        "cases/<uuid:public_id>/action-plan.pdf",
        views.action_plan_pdf_download,
        name="action-plan-pdf",
    ),
    path("creditor-terms/", agency_views.creditor_terms_list, name="creditor-terms"),
    path("creditor-terms/new/", agency_views.creditor_terms_new, name="creditor-terms-new"),
    path(
        "creditor-terms/<uuid:public_id>/edit/",
        agency_views.creditor_terms_edit,
        name="creditor-terms-edit",
    ),
    path("fee-schedule/", agency_views.fee_schedule_edit, name="fee-schedule"),
]
