from __future__ import annotations

from django.urls import path

from counselor.views import (
    action_plan,
    audit,
    case,
    casework,
    dashboard,
    offers,
    proposals,
    queue,
    terms,
    workspace,
)

app_name = "counselor"

ONE_CASE = "cases/<uuid:public_id>"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("search/", queue.queue_search, name="queue-search"),
    path("today/", workspace.today, name="today"),
    path("follow-ups/", workspace.follow_ups, name="follow-ups"),
    path("messages/", workspace.message_list, name="messages"),
    path("messages/unread/", workspace.unread, name="unread"),
    path("supervisor/", dashboard.supervisor_dashboard_view, name="supervisor"),
    path(
        "supervisor/refresh/",
        dashboard.supervisor_dashboard_refresh,
        name="supervisor-refresh",
    ),
    path(f"{ONE_CASE}/", case.case_detail, name="case"),
    path(f"{ONE_CASE}/sections/<slug:section>/", case.case_section_view, name="case-section"),
    path(f"{ONE_CASE}/assign/", case.case_assign_view, name="case-assign"),
    path(f"{ONE_CASE}/notes/", case.case_note, name="case-note"),
    path(f"{ONE_CASE}/ssn/", case.case_ssn_reveal, name="case-ssn"),
    path(
        f"{ONE_CASE}/documents/<uuid:document_id>/",
        case.case_document_download,
        name="case-document",
    ),
    # Casework (docs/counselor.md, "Case review"): status, tasks, messages, re-run.
    path(f"{ONE_CASE}/status/", casework.case_status, name="case-status"),
    path(f"{ONE_CASE}/tasks/", casework.case_task, name="case-task"),
    path(f"{ONE_CASE}/tasks/<uuid:task_id>/done/", casework.case_task_done, name="case-task-done"),
    path(f"{ONE_CASE}/messages/", casework.case_message, name="case-message"),
    path(
        f"{ONE_CASE}/verification/rerun/",
        casework.case_verification_rerun_view,
        name="case-verification-rerun",
    ),
    path(f"{ONE_CASE}/offer/", offers.case_offer_send_view, name="case-offer"),
    path(
        f"{ONE_CASE}/offer/exception/",
        offers.case_offer_exception_view,
        name="case-offer-exception",
    ),
    path(f"{ONE_CASE}/plan/", proposals.case_plan_start, name="case-plan-start"),
    path(f"{ONE_CASE}/builder/", proposals.builder, name="builder"),
    path(f"{ONE_CASE}/builder/save/", proposals.builder_save, name="builder-save"),
    path(
        f"{ONE_CASE}/builder/add-debt/",
        proposals.builder_add_report_debt,
        name="builder-add-debt",
    ),
    path(f"{ONE_CASE}/action-plan/", action_plan.action_plan, name="action-plan"),
    path(
        f"{ONE_CASE}/action-plan.pdf", action_plan.action_plan_pdf_download, name="action-plan-pdf"
    ),
    path(f"{ONE_CASE}/signed-plan.pdf", action_plan.signed_plan_download, name="signed-plan"),
    path(
        "applications/<uuid:public_id>/audit/",
        audit.application_audit_history,
        name="application-audit",
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
