from __future__ import annotations

from django.apps import AppConfig


class CounselorConfig(AppConfig):
    name = "counselor"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .selectors.case import case_worker_changed, case_workers_forget

        User = get_user_model()
        # The colleagues kept per process (selectors.case.case_workers_shown): a role
        # granted or withdrawn, a role renamed, or one of them saved forgets them; anything
        # else (an account made active again) shows within WORKERS_SHOWN_SECONDS.
        m2m_changed.connect(case_workers_forget, sender=User.groups.through, dispatch_uid="w")
        for signal in (post_save, post_delete):
            signal.connect(case_workers_forget, sender=Group, dispatch_uid="workers-group")
            signal.connect(case_worker_changed, sender=User, dispatch_uid="workers-user")
