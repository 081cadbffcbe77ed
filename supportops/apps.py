from django.apps import AppConfig


class SupportopsConfig(AppConfig):
    name = "supportops"
    verbose_name = "Support-ops requests"

    def ready(self) -> None:
        from accounts.checklist_models import StepAction
        from accounts.panels import AccountPanel, register_panel
        from accounts.step_actions import StepActionInfo, register_step_action

        from . import receivers  # noqa: F401 (connects the sync receivers)
        from .panels import account_panel_context
        from .step_actions import new_request_url, notes_requests_filed

        register_panel(
            AccountPanel(
                key="supportops",
                order=50,
                template="supportops/_account_panel.html",
                context=account_panel_context,
            )
        )
        register_step_action(
            StepActionInfo(
                action=StepAction.NOTES_REQUEST,
                label="Request static notes",
                url=new_request_url,
                find=notes_requests_filed,
            )
        )
        register_step_action(
            StepActionInfo(
                action="check:collaboration_project",  # the sync completes it once Zendesk has the ID
                label="Ask support ops to correct it",
                url=new_request_url,
                find=lambda account_ids: {},
            )
        )
