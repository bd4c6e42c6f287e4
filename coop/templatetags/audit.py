from django import template

from coop.audit_labels import audit_action_label

register = template.Library()


@register.filter(name="audit_action")
def audit_action(action: str) -> str:
    """`{{ event.action|audit_action }}`: the audit action in plain words."""
    return audit_action_label(action)
